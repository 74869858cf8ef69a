package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcOcapKernel = "ocap-kernel: VatConfig globals and network endowment; endowments hardened (SES)"
	srcSnaps      = "MetaMask Snaps: snaps-execution-environments network endowment (network.ts)"
	srcDOM        = "WHATWG DOM §3.1 AbortController / §3.2 AbortSignal; WebIDL DOMException; WHATWG Fetch §5.6 fetch() abort steps"
)

func availabilitySpecs() []Spec {
	describe := func(t *T, globals []string) map[string]struct {
		Type            string
		Frozen          *bool
		PrototypeFrozen *bool
	} {
		vat := t.NewVat(VatConfig{Globals: globals, AllowedHosts: []string{HostAllowed}})
		var got map[string]struct {
			Type            string
			Frozen          *bool
			PrototypeFrozen *bool
		}
		vat.Run("availability/describe-globals", map[string]any{"names": globals}).Decode(&got)
		return got
	}
	return Defaults{Area: AreaAvailability, Profile: ProfileCore, Since: "0.1.0", Source: srcOcapKernel, Fixture: "availability/describe-globals"}.Specs(
		Row{ID: "AVAIL-001", Title: "requested network globals exist",
			Requirement: "A vat created with globals fetch, Request, Headers and Response must see each of them as a function.",
			Rationale:   "A vat's program can only use what its configuration asked for; each requested name must be there.",
			Run: func(t *T) {
				got := describe(t, NetworkGlobals())
				for _, name := range NetworkGlobals() {
					Expect(got[name].Type).To(Equal("function"), "typeof %s in the vat", name)
				}
			}},
		Row{ID: "AVAIL-002", Title: "endowed functions are frozen",
			Requirement: "fetch, Request, Headers and Response as seen by the vat must be frozen objects.",
			Rationale:   "An unfrozen endowment lets one program in the vat rewrite what another trusts, and in a kernel that shares endowment objects, what another vat uses.",
			Run: func(t *T) {
				got := describe(t, NetworkGlobals())
				for _, name := range NetworkGlobals() {
					Expect(got[name].Frozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s)", name)
				}
			}},
		Row{ID: "AVAIL-003", Title: "endowed prototypes are frozen",
			Requirement: "Request.prototype, Headers.prototype and Response.prototype must be frozen.",
			Rationale:   "Prototype methods are shared by every instance; a writable prototype lets vat code intercept bodies and headers of every request.",
			Run: func(t *T) {
				classes := []string{"Request", "Headers", "Response"}
				got := describe(t, NetworkGlobals())
				for _, name := range classes {
					Expect(got[name].PrototypeFrozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s.prototype)", name)
				}
			}},
		Row{ID: "AVAIL-004", Title: "endowed objects resist mutation",
			Requirement: "Attempts to add, replace or delete properties of the endowed functions and their prototypes must have no visible effect.",
			Rationale:   "Freezing is only the means; what matters is that a program cannot change the endowment's behaviour for other code.",
			Fixture:     "availability/try-mutations",
			// The program rewrites the endowment; it runs after every other spec.
			Tampers: true,
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var changed []string
				vat.Run("availability/try-mutations", map[string]any{"names": NetworkGlobals()}).Decode(&changed)
				Expect(changed).To(BeEmpty(), "these mutations of endowed objects took effect")
			}},
		Row{ID: "AVAIL-005", Title: "unrequested globals are absent",
			Requirement: "A vat created with only Headers must not see fetch, Request or Response.",
			Rationale:   "Endowments are capabilities: a vat gets exactly what its configuration grants, so a vat without fetch cannot reach the network.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: []string{"Headers"}, NoNetwork: true})
				var got map[string]struct{ Type string }
				vat.Run("availability/describe-globals", map[string]any{"names": NetworkGlobals()}).Decode(&got)
				Expect(got["Headers"].Type).To(Equal("function"))
				for _, name := range []string{"fetch", "Request", "Response"} {
					Expect(got[name].Type).To(Equal("undefined"), "typeof %s in a vat that did not ask for it", name)
				}
			}},
		Row{ID: "AVAIL-006", Title: "fetch resolves to an endowed Response",
			Requirement: "(await fetch(url)) instanceof Response must hold for the vat's own Response, and response.headers instanceof Headers.",
			Source:      "DESIGN: conformance requirements (core); WHATWG Fetch §5.6",
			Rationale:   "Programs test responses with instanceof; a fetch that returns objects of another realm's classes breaks them in ways that are hard to diagnose.",
			Fixture:     "availability/instances",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string]bool
				vat.Run("availability/instances", map[string]any{"url": t.URL(HostAllowed, "/bytes/16")}).Decode(&got)
				Expect(got).To(HaveKeyWithValue("fetchResultIsResponse", true))
				Expect(got).To(HaveKeyWithValue("headersIsHeaders", true))
			}},
		Row{ID: "AVAIL-007", Title: "constructed objects belong to the endowed classes",
			Requirement: "new Headers(), new Request(url) and new Response(body) must be instances of the endowed Headers, Request and Response.",
			Profile:     ProfileFetchAPI,
			Source:      "WHATWG Fetch §5.2–§5.5",
			Rationale:   "The constructors are part of the endowment and must be the same classes fetch uses.",
			Fixture:     "availability/instances",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string]bool
				vat.Run("availability/instances", map[string]any{"url": t.URL(HostAllowed, "/bytes/16")}).Decode(&got)
				for _, k := range []string{"newHeaders", "newRequest", "newResponse"} {
					Expect(got).To(HaveKeyWithValue(k, true), "%s instanceof its class", k)
				}
			}},
		Row{ID: "AVAIL-008", Title: "WHATWG members are present",
			Requirement: "Headers, Request and Response must expose the WHATWG members the suite relies on (body mixin, clone, static Response.error/redirect/json).",
			Profile:     ProfileFetchAPI,
			Source:      "WHATWG Fetch §5.2 Headers, §5.4 Request, §5.5 Response",
			Rationale:   "Programs written against the web platform expect these members; a missing one fails late and obscurely.",
			Fixture:     "availability/prototype-members",
			Run: func(t *T) {
				members := map[string][]string{
					"Headers":  {"append", "delete", "get", "getSetCookie", "has", "set", "forEach", "entries", "keys", "values"},
					"Request":  {"method", "url", "headers", "signal", "clone", "text", "json", "arrayBuffer", "body", "bodyUsed"},
					"Response": {"status", "ok", "statusText", "headers", "url", "redirected", "type", "clone", "text", "json", "arrayBuffer", "body", "bodyUsed", "static error", "static redirect", "static json"},
				}
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string][]string
				vat.Run("availability/prototype-members", map[string]any{"members": members}).Decode(&got)
				for name, want := range members {
					Expect(got[name]).To(ConsistOf(want), "members of %s", name)
				}
			}},
		Row{ID: "AVAIL-009", Title: "abort globals are available when requested",
			Requirement: "A vat that asks for AbortController, AbortSignal and DOMException beside fetch must see each of them as a frozen function.",
			Source:      srcDOM,
			Rationale:   "Without AbortController a vat cannot cancel its own requests; DOMException is how web platforms type abort errors.",
			Run: func(t *T) {
				got := describe(t, WithGlobals(abortGlobals()...))
				for _, name := range abortGlobals() {
					Expect(got[name].Type).To(Equal("function"), "typeof %s", name)
					Expect(got[name].Frozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s)", name)
				}
			}},
		Row{ID: "AVAIL-010", Title: "abort rejects with a DOMException",
			Requirement: "A fetch aborted through an AbortController must reject with a DOMException named AbortError (instanceof the vat's DOMException).",
			Source:      srcDOM,
			Rationale:   "Programs distinguish cancellation from failure with err.name === 'AbortError' or instanceof DOMException; both must hold.",
			Fixture:     "availability/abort-error-shape",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: WithGlobals(abortGlobals()...), AllowedHosts: []string{HostAllowed}})
				var got struct {
					Rejected       bool
					Name           string
					IsDOMException bool
				}
				vat.Run("availability/abort-error-shape", map[string]any{"url": t.URL(HostAllowed, "/hang")}).Decode(&got)
				Expect(got.Rejected).To(BeTrue(), "fetch with an aborted signal must reject")
				Expect(got.Name).To(Equal("AbortError"))
				Expect(got.IsDOMException).To(BeTrue(), "the abort error must be instanceof DOMException")
			}},
		Row{ID: "AVAIL-011", Title: "abort globals' prototypes are frozen",
			Requirement: "AbortController.prototype, AbortSignal.prototype and DOMException.prototype must be frozen.",
			Profile:     ProfileStrict,
			Source:      "Security argument: shared prototypes are a channel between programs",
			Rationale:   "A writable AbortSignal.prototype lets a program disarm other code's cancellation, keeping requests alive that should have been aborted.",
			Run: func(t *T) {
				got := describe(t, WithGlobals(abortGlobals()...))
				for _, name := range abortGlobals() {
					Expect(got[name].PrototypeFrozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s.prototype)", name)
				}
			}},
		Row{ID: "AVAIL-012", Title: "instances name their interface",
			Requirement: "Object.prototype.toString of a Response, its body stream and reader, a Headers, a Request, an AbortController, an AbortSignal and a DOMException must be \"[object Interface]\" with the interface's name.",
			Profile:     ProfileFetchAPI,
			Since:       "0.2.0",
			Source:      "WebIDL §3.7.3 interface prototype object ([Symbol.toStringTag], the class string)",
			Rationale:   "WebIDL gives every interface prototype a [Symbol.toStringTag]; type checks in libraries (is this a ReadableStream? a Headers?) and logging rely on it.",
			Fixture:     fixtureResponseCases,
			Globals:     WithGlobals(abortGlobals()...),
			Run: Returns([]string{
				"[object Response]", "[object ReadableStream]", "[object ReadableStreamDefaultReader]", "[object Headers]", "[object Request]",
				"[object AbortController]", "[object AbortSignal]", "[object DOMException]",
			})},
		Row{ID: "AVAIL-013", Title: "the realm's own intrinsics stay mutable",
			Requirement: "After a vat is created with the network globals, the ECMAScript intrinsics it did not ask for (Object.prototype, Array.prototype, Function.prototype, Error and its subclasses' prototypes, Promise.prototype, Map and Set prototypes, JSON, Math, Reflect) must be as in a fresh realm, extensible and not frozen, and the override pattern (MyError.prototype.name = ..., Point.prototype.toString = ...) must work.",
			Since:       "0.2.0",
			Source:      srcOcapKernel + "; ECMA-262 §10.4 and §20 (intrinsics are ordinary extensible objects)",
			Rationale:   "Hardening the endowment must not harden the vat's language: freezing Error.prototype through DOMException's prototype chain makes ordinary code throw (the override mistake) in a vat that only asked for fetch.",
			Fixture:     "availability/intrinsics-untouched",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: WithGlobals(abortGlobals()...), AllowedHosts: []string{HostAllowed}})
				res := vat.Run("availability/intrinsics-untouched", map[string]any{"names": realmIntrinsicPaths()})
				Expect(res).To(ReturnedJSON(map[string]any{
					"frozen":   []string{},
					"override": map[string]any{"errorName": "MyError: boom", "toString": "a point", "ownConstructor": "mine"},
				}))
			}},
	)
}

// realmIntrinsicPaths names ECMAScript intrinsics a vat did not ask for, as paths from the
// global object: none of them is the endowment's to freeze.
func realmIntrinsicPaths() []string {
	return []string{
		"Object", "Object.prototype", "Function.prototype", "Array.prototype", "String.prototype",
		"Error", "Error.prototype", "TypeError.prototype", "RangeError.prototype", "SyntaxError.prototype",
		"Promise", "Promise.prototype", "Map.prototype", "Set.prototype", "WeakMap.prototype",
		"Uint8Array.prototype", "ArrayBuffer.prototype", "Symbol", "Symbol.prototype", "JSON", "Math", "Reflect",
	}
}
