package suite

import (
	. "github.com/onsi/gomega" //nolint:revive
)

const (
	srcOcapKernel = "ocap-kernel: VatConfig globals and network endowment; endowments hardened (SES)"
	srcSnaps      = "MetaMask Snaps: snaps-execution-environments network endowment (network.ts)"
	srcDOM        = "WHATWG DOM §3.1 AbortController / §3.2 AbortSignal; WebIDL DOMException; WHATWG Fetch §5.6 fetch() abort steps"
)

// abortGlobals are the globals a vat asks for to abort requests, as web platforms offer them.
var abortGlobals = []string{"AbortController", "AbortSignal", "DOMException"}

func availabilitySpecs() []Spec {
	avail := func(id, title, requirement, profile, source, rationale, fixture string, run func(t *T)) Spec {
		return Spec{Requirement: Requirement{ID: id, Title: title, Requirement: requirement, Profile: profile,
			Area: AreaAvailability, Source: source, Rationale: rationale, Fixture: fixture}, Run: run}
	}
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
	return []Spec{
		avail("AVAIL-001", "requested network globals exist",
			"A vat created with globals fetch, Request, Headers and Response must see each of them as a function.",
			ProfileCore, srcOcapKernel,
			"A vat's program can only use what its configuration asked for; each requested name must be there.",
			"availability/describe-globals",
			func(t *T) {
				got := describe(t, NetworkGlobals)
				for _, name := range NetworkGlobals {
					Expect(got[name].Type).To(Equal("function"), "typeof %s in the vat", name)
				}
			}),
		avail("AVAIL-002", "endowed functions are frozen",
			"fetch, Request, Headers and Response as seen by the vat must be frozen objects.",
			ProfileCore, srcOcapKernel,
			"An unfrozen endowment lets one program in the vat rewrite what another trusts, and in a kernel that shares endowment objects, what another vat uses.",
			"availability/describe-globals",
			func(t *T) {
				got := describe(t, NetworkGlobals)
				for _, name := range NetworkGlobals {
					Expect(got[name].Frozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s)", name)
				}
			}),
		avail("AVAIL-003", "endowed prototypes are frozen",
			"Request.prototype, Headers.prototype and Response.prototype must be frozen.",
			ProfileCore, srcOcapKernel,
			"Prototype methods are shared by every instance; a writable prototype lets vat code intercept bodies and headers of every request.",
			"availability/describe-globals",
			func(t *T) {
				classes := []string{"Request", "Headers", "Response"}
				got := describe(t, NetworkGlobals)
				for _, name := range classes {
					Expect(got[name].PrototypeFrozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s.prototype)", name)
				}
			}),
		avail("AVAIL-004", "endowed objects resist mutation",
			"Attempts to add, replace or delete properties of the endowed functions and their prototypes must have no visible effect.",
			ProfileCore, srcOcapKernel,
			"Freezing is only the means; what matters is that a program cannot change the endowment's behaviour for other code.",
			"availability/try-mutations",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var changed []string
				vat.Run("availability/try-mutations", map[string]any{"names": NetworkGlobals}).Decode(&changed)
				Expect(changed).To(BeEmpty(), "these mutations of endowed objects took effect")
			}),
		avail("AVAIL-005", "unrequested globals are absent",
			"A vat created with only Headers must not see fetch, Request or Response.",
			ProfileCore, srcOcapKernel,
			"Endowments are capabilities: a vat gets exactly what its configuration grants, so a vat without fetch cannot reach the network.",
			"availability/describe-globals",
			func(t *T) {
				vat := t.NewVat(VatConfig{Globals: []string{"Headers"}, NoNetwork: true})
				var got map[string]struct{ Type string }
				vat.Run("availability/describe-globals", map[string]any{"names": NetworkGlobals}).Decode(&got)
				Expect(got["Headers"].Type).To(Equal("function"))
				for _, name := range []string{"fetch", "Request", "Response"} {
					Expect(got[name].Type).To(Equal("undefined"), "typeof %s in a vat that did not ask for it", name)
				}
			}),
		avail("AVAIL-006", "fetch resolves to an endowed Response",
			"(await fetch(url)) instanceof Response must hold for the vat's own Response, and response.headers instanceof Headers.",
			ProfileCore, "DESIGN: conformance requirements (core); WHATWG Fetch §5.6",
			"Programs test responses with instanceof; a fetch that returns objects of another realm's classes breaks them in ways that are hard to diagnose.",
			"availability/instances",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string]bool
				vat.Run("availability/instances", map[string]any{"url": t.URL(HostAllowed, "/bytes/16")}).Decode(&got)
				Expect(got).To(HaveKeyWithValue("fetchResultIsResponse", true))
				Expect(got).To(HaveKeyWithValue("headersIsHeaders", true))
			}),
		avail("AVAIL-007", "constructed objects belong to the endowed classes",
			"new Headers(), new Request(url) and new Response(body) must be instances of the endowed Headers, Request and Response.",
			ProfileFetchAPI, "WHATWG Fetch §5.2–§5.5",
			"The constructors are part of the endowment and must be the same classes fetch uses.",
			"availability/instances",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string]bool
				vat.Run("availability/instances", map[string]any{"url": t.URL(HostAllowed, "/bytes/16")}).Decode(&got)
				for _, k := range []string{"newHeaders", "newRequest", "newResponse"} {
					Expect(got).To(HaveKeyWithValue(k, true), "%s instanceof its class", k)
				}
			}),
		avail("AVAIL-008", "WHATWG members are present",
			"Headers, Request and Response must expose the WHATWG members the suite relies on (body mixin, clone, static Response.error/redirect/json).",
			ProfileFetchAPI, "WHATWG Fetch §5.2 Headers, §5.4 Request, §5.5 Response",
			"Programs written against the web platform expect these members; a missing one fails late and obscurely.",
			"availability/prototype-members",
			func(t *T) {
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
			}),
		avail("AVAIL-009", "abort globals are available when requested",
			"A vat that asks for AbortController, AbortSignal and DOMException beside fetch must see each of them as a frozen function.",
			ProfileCore, srcDOM,
			"Without AbortController a vat cannot cancel its own requests; DOMException is how web platforms type abort errors.",
			"availability/describe-globals",
			func(t *T) {
				got := describe(t, WithGlobals(abortGlobals...))
				for _, name := range abortGlobals {
					Expect(got[name].Type).To(Equal("function"), "typeof %s", name)
					Expect(got[name].Frozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s)", name)
				}
			}),
		avail("AVAIL-010", "abort rejects with a DOMException",
			"A fetch aborted through an AbortController must reject with a DOMException named AbortError (instanceof the vat's DOMException).",
			ProfileCore, srcDOM,
			"Programs distinguish cancellation from failure with err.name === 'AbortError' or instanceof DOMException; both must hold.",
			"availability/abort-error-shape",
			func(t *T) {
				vat := t.NewVat(VatConfig{Globals: WithGlobals(abortGlobals...), AllowedHosts: []string{HostAllowed}})
				var got struct {
					Rejected       bool
					Name           string
					IsDOMException bool
				}
				vat.Run("availability/abort-error-shape", map[string]any{"url": t.URL(HostAllowed, "/hang")}).Decode(&got)
				Expect(got.Rejected).To(BeTrue(), "fetch with an aborted signal must reject")
				Expect(got.Name).To(Equal("AbortError"))
				Expect(got.IsDOMException).To(BeTrue(), "the abort error must be instanceof DOMException")
			}),
		avail("AVAIL-011", "abort globals' prototypes are frozen",
			"AbortController.prototype, AbortSignal.prototype and DOMException.prototype must be frozen.",
			ProfileStrict, "Security argument: shared prototypes are a channel between programs",
			"A writable AbortSignal.prototype lets a program disarm other code's cancellation, keeping requests alive that should have been aborted.",
			"availability/describe-globals",
			func(t *T) {
				got := describe(t, WithGlobals(abortGlobals...))
				for _, name := range abortGlobals {
					Expect(got[name].PrototypeFrozen).To(HaveValue(BeTrue()), "Object.isFrozen(%s.prototype)", name)
				}
			}),
	}
}
