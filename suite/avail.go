package suite

import (
	"fmt"
	"slices"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcOcapKernel = "ocap-kernel: VatConfig globals and network endowment; endowments hardened (SES)"
	srcDOM        = "WHATWG DOM §3.1 AbortController / §3.2 AbortSignal; WebIDL DOMException; WHATWG Fetch §5.6 fetch() abort steps"
)

// globalsAre is the run of a spec about the globals themselves: in a vat given globals (nil:
// the spec's), availability/describe-globals reports on names (nil: the globals given) and
// absent; every fact of want ("type", "frozen", "prototypeFrozen") must hold for each of
// names, and absent must be undefined.
type globalsAre struct {
	globals, names, absent []string
	want                   map[string]any
}

func (g globalsAre) run(t *T) {
	if g.globals == nil {
		g.globals = t.Globals()
	}
	if g.names == nil {
		g.names = g.globals
	}
	// A vat without fetch is configured without a network section, as CONF-004 allows.
	vat := t.NewVat(VatConfig{Globals: g.globals, AllowedHosts: []string{HostAllowed}, NoNetwork: !slices.Contains(g.globals, "fetch")})
	var got map[string]map[string]any
	vat.Run(t.Fixture(), map[string]any{"names": append(slices.Clone(g.names), g.absent...)}).Decode(&got)
	for _, name := range g.names {
		for fact, v := range g.want {
			Expect(got[name]).To(HaveKeyWithValue(fact, v), "%s of %s in the vat", fact, name)
		}
	}
	for _, name := range g.absent {
		Expect(got[name]).To(HaveKeyWithValue("type", "undefined"), "typeof %s in a vat that did not ask for it", name)
	}
}

func availabilitySpecs() []Spec {
	classes, abort := []string{"Request", "Headers", "Response"}, WithGlobals(AbortGlobals()...)
	onlyHeaders := globalsAre{globals: []string{"Headers"}, absent: []string{"fetch", "Request", "Response"}, want: map[string]any{"type": "function"}}
	return Defaults{Area: AreaAvailability, Profile: ProfileCore, Since: "0.1.0", Source: srcOcapKernel, Fixture: "availability/describe-globals"}.Specs(
		Row{ID: "AVAIL-001", Title: "requested network globals exist",
			Requirement: fmt.Sprintf("A vat created with globals %s must see each of them as a function.", Series("and", "%s", NetworkGlobals())),
			Rationale:   "A vat's program can only use what its configuration asked for; each requested name must be there.",
			Run:         globalsAre{want: map[string]any{"type": "function"}}.run},
		Row{ID: "AVAIL-002", Title: "endowed functions are frozen",
			Requirement: fmt.Sprintf("%s as seen by the vat must be frozen objects.", Series("and", "%s", NetworkGlobals())),
			Rationale:   "An unfrozen endowment lets one program in the vat rewrite what another trusts, and in a kernel that shares endowment objects, what another vat uses.",
			Run:         globalsAre{want: map[string]any{"frozen": true}}.run},
		Row{ID: "AVAIL-003", Title: "endowed prototypes are frozen",
			Requirement: fmt.Sprintf("The prototypes of %s must be frozen.", Series("and", "%s", classes)),
			Rationale:   "Prototype methods are shared by every instance; a writable prototype lets vat code intercept bodies and headers of every request.",
			Run:         globalsAre{names: classes, want: map[string]any{"prototypeFrozen": true}}.run},
		Row{ID: "AVAIL-004", Title: "endowed objects resist mutation",
			Requirement: "Attempts to add, replace or delete properties of the endowed functions and their prototypes must have no visible effect.",
			Rationale:   "Freezing is only the means; what matters is that a program cannot change the endowment's behaviour for other code.",
			Fixture:     "availability/try-mutations", Tampers: true, // it rewrites the endowment: it runs after every other spec
			Run: Case{Params: map[string]any{"names": NetworkGlobals()}, Want: []string{}}.Run},
		Row{ID: "AVAIL-005", Title: "unrequested globals are absent",
			Requirement: fmt.Sprintf("A vat created with only %s must not see %s.", Series("and", "%s", onlyHeaders.globals), Series("or", "%s", onlyHeaders.absent)),
			Rationale:   "Endowments are capabilities: a vat gets exactly what its configuration grants, so a vat without fetch cannot reach the network.",
			Run:         onlyHeaders.run},
		Row{ID: "AVAIL-006", Title: "fetch resolves to an endowed Response",
			Requirement: "(await fetch(url)) instanceof Response must hold for the vat's own Response, and response.headers instanceof Headers.",
			Rationale:   "Programs test responses with instanceof; a fetch that returns objects of another realm's classes breaks them in ways that are hard to diagnose.",
			Source:      "DESIGN: conformance requirements (core); WHATWG Fetch §5.6", Fixture: "availability/cases",
			Run: Returns(map[string]bool{"fetchResultIsResponse": true, "headersIsHeaders": true})},
		Row{ID: "AVAIL-007", Title: "constructed objects belong to the endowed classes",
			Requirement: "new Headers(), new Request(url) and new Response(body) must be instances of the endowed Headers, Request and Response.",
			Rationale:   "The constructors are part of the endowment and must be the same classes fetch uses.",
			Profile:     ProfileFetchAPI, Source: "WHATWG Fetch §5.2–§5.5", Fixture: "availability/cases",
			Run: Returns(map[string]bool{"newHeaders": true, "newRequest": true, "newResponse": true})},
		Row{ID: "AVAIL-008", Title: "WHATWG members are present",
			Requirement: "Headers, Request and Response must expose the WHATWG members the suite relies on (body mixin, clone, static Response.error/redirect/json).",
			Rationale:   "Programs written against the web platform expect these members; a missing one fails late and obscurely.",
			Profile:     ProfileFetchAPI, Source: "WHATWG Fetch §5.2 Headers, §5.4 Request, §5.5 Response", Fixture: "availability/prototype-members",
			Run: Returns([]string{})},
		Row{ID: "AVAIL-009", Title: "abort globals are available when requested",
			Requirement: fmt.Sprintf("A vat that asks for %s beside fetch must see each of them as a frozen function.", Series("and", "%s", AbortGlobals())),
			Rationale:   "Without AbortController a vat cannot cancel its own requests; DOMException is how web platforms type abort errors.",
			Source:      srcDOM, Globals: abort,
			Run: globalsAre{names: AbortGlobals(), want: map[string]any{"type": "function", "frozen": true}}.run},
		Row{ID: "AVAIL-010", Title: "abort rejects with a DOMException",
			Requirement: "A fetch aborted through an AbortController must reject with a DOMException named AbortError (instanceof the vat's DOMException).",
			Rationale:   "Programs distinguish cancellation from failure with err.name === 'AbortError' or instanceof DOMException; both must hold.",
			Source:      srcDOM, Globals: abort, Fixture: "availability/cases",
			Run: Returns(map[string]any{"rejected": true, "name": "AbortError", "isDOMException": true})},
		Row{ID: "AVAIL-011", Title: "abort globals' prototypes are frozen",
			Requirement: fmt.Sprintf("The prototypes of %s must be frozen.", Series("and", "%s", AbortGlobals())),
			Rationale:   "A writable AbortSignal.prototype lets a program disarm other code's cancellation, keeping requests alive that should have been aborted.",
			Profile:     ProfileStrict, Source: "Security argument: shared prototypes are a channel between programs", Globals: abort,
			Run: globalsAre{names: AbortGlobals(), want: map[string]any{"prototypeFrozen": true}}.run},
		Row{ID: "AVAIL-012", Title: "instances name their interface",
			Requirement: "Object.prototype.toString of a Response, its body stream and reader, a Headers, a Request, an AbortController, an AbortSignal and a DOMException must be \"[object Interface]\" with the interface's name.",
			Rationale:   "WebIDL gives every interface prototype a [Symbol.toStringTag]; type checks in libraries (is this a ReadableStream? a Headers?) and logging rely on it.",
			Profile:     ProfileFetchAPI, Since: "0.2.0", Source: "WebIDL §3.7.3 interface prototype object ([Symbol.toStringTag], the class string)", Fixture: "response/cases", Globals: abort,
			Run: Returns([]string{"[object Response]", "[object ReadableStream]", "[object ReadableStreamDefaultReader]", "[object Headers]", "[object Request]",
				"[object AbortController]", "[object AbortSignal]", "[object DOMException]"})},
		Row{ID: "AVAIL-021", Title: "URL, URLSearchParams and the text codecs name their interface",
			Requirement: "Object.prototype.toString of URL.prototype, URLSearchParams.prototype, a URLSearchParams, a TextEncoder and a TextDecoder must be \"[object Interface]\" with the interface's name.",
			Rationale:   "The helpers a vat is granted beside fetch are WebIDL interfaces too; code that tells a URL from a string, or logs what it holds, reads their class strings.",
			Profile:     ProfileFetchAPI, Since: "0.3.0", Source: "WebIDL §3.7.3 interface prototype object ([Symbol.toStringTag], the class string)", Fixture: "response/cases",
			Globals: WithGlobals("URL", "URLSearchParams", "TextEncoder", "TextDecoder"),
			Run:     Returns([]string{"[object URL]", "[object URLSearchParams]", "[object URLSearchParams]", "[object TextEncoder]", "[object TextDecoder]"})},
		Row{ID: "AVAIL-013", Title: "the realm's own intrinsics stay mutable",
			Requirement: "After a vat is created with the network globals, the ECMAScript intrinsics it did not ask for (Object.prototype, Array.prototype, Function.prototype, Error and its subclasses' prototypes, Promise.prototype, Map and Set prototypes, JSON, Math, Reflect) must be as in a fresh realm, extensible and not frozen, and the override pattern (MyError.prototype.name = ..., Point.prototype.toString = ...) must work.",
			Rationale:   "Hardening the endowment must not harden the vat's language: freezing Error.prototype through DOMException's prototype chain makes ordinary code throw (the override mistake) in a vat that only asked for fetch.",
			Profile:     ProfileStrict, Since: "0.2.0", Fixture: "availability/intrinsics-untouched",
			Source: "ECMA-262 §10.4 and §20 (intrinsics are ordinary extensible objects); strict, not core: SES kernels (Snaps, ocap-kernel) freeze every intrinsic by design with lockdown(), so only a kernel that leaves the realm's language alone can promise this",
			Run:    Returns(map[string]any{"frozen": []string{}, "override": map[string]any{"errorName": "MyError: boom", "toString": "a point", "ownConstructor": "mine"}})},
	)
}
