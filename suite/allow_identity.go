package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// inputIdentitySpecs are the inputs whose URL differs between two reads, or between the
// field a check reads and the one fetch uses (strict): whatever the input, the URL checked is
// the URL requested.
func inputIdentitySpecs() []Spec {
	const mustNot = " must never reach evil.test: the URL checked is the URL requested, converted once."
	return Defaults{Area: AreaAllowlist, Profile: ProfileStrict, Since: "0.2.0",
		Source:    "security argument (strict): the URL that was checked must be the URL fetched. WHATWG Fetch §5.4 and §5.6: fetch(input, init) builds one Request — a Request input by its internal request (never its url getter), anything else by one conversion to a string — and fetches that; a check that reads the input through another path (input.url, a second String(input), a Proxy's trap) checks a URL that is not sent. ocap-kernel's makeHostCaveat reads new URL(input instanceof Request ? input.url : input) and then passes input on, which is that second path",
		Rationale: "Vat code controls every getter, toString, subclass and Proxy trap of what it passes to fetch: an allowlist that reads the input twice, or reads a different field from the one fetch uses, lets the vat show the check one host and send the request to another.",
		Fixture:   "allowlist/fetch-shifting-input"}.Specs(
		Row{ID: "ALLOW-061", Title: "Request subclass whose url getter lies",
			Requirement: "A Request subclass constructed for evil.test whose url getter returns an allowed.test URL" + mustNot,
			Run:         shift{kind: "request-subclass-url"}.run},
		Row{ID: "ALLOW-062", Title: "Request subclass whose url changes",
			Requirement: "A Request subclass whose url getter returns an allowed.test URL on its first read and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "request-subclass-changing"}.run},
		Row{ID: "ALLOW-063", Title: "Request subclass whose url changes after two reads",
			Requirement: "A Request subclass whose url getter returns an allowed.test URL on its first two reads and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "request-subclass-changing", firstReads: 2}.run},
		Row{ID: "ALLOW-064", Title: "Request with an own url getter",
			Requirement: "A Request constructed for evil.test, given an own url accessor that returns an allowed.test URL," + mustNot,
			Run:         shift{kind: "request-own-url"}.run},
		Row{ID: "ALLOW-065", Title: "Proxy over a Request whose url trap lies",
			Requirement: "A Proxy over a Request for evil.test whose get trap answers url with an allowed.test URL" + mustNot,
			Run:         shift{kind: "proxy-request"}.run},
		Row{ID: "ALLOW-066", Title: "Proxy over a Request whose url changes",
			Requirement: "A Proxy over a Request for allowed.test whose get trap answers url with the allowed.test URL first and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "proxy-request-changing"}.run},
		Row{ID: "ALLOW-067", Title: "Proxy that passes instanceof Request",
			Requirement: "A Proxy over a plain object whose getPrototypeOf trap answers Request.prototype, whose url is an allowed.test URL and whose toString is an evil.test URL" + mustNot,
			Run:         shift{kind: "proxy-fake-request"}.run},
		Row{ID: "ALLOW-068", Title: "Proxy over a URL whose href changes",
			Requirement: "A Proxy over a URL for allowed.test whose href and toString answer the allowed.test URL first and an evil.test URL afterwards" + mustNot,
			Globals:     WithGlobals("URL"),
			Run:         shift{kind: "proxy-url"}.run},
		Row{ID: "ALLOW-069", Title: "URL subclass whose toString changes",
			Requirement: "A URL subclass constructed for allowed.test whose toString returns the allowed.test URL first and an evil.test URL afterwards" + mustNot,
			Globals:     WithGlobals("URL"),
			Run:         shift{kind: "url-subclass-tostring"}.run},
		Row{ID: "ALLOW-070", Title: "URL subclass whose href getter changes",
			Requirement: "A URL subclass constructed for allowed.test whose href getter (and toString, which returns this.href) gives the allowed.test URL first and an evil.test URL afterwards" + mustNot,
			Globals:     WithGlobals("URL"),
			Run:         shift{kind: "url-subclass-href"}.run},
		Row{ID: "ALLOW-071", Title: "object whose url and href getters change",
			Requirement: "An object whose url and href getters (and toString, which returns this.href) give an allowed.test URL on the first read and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "getter-object"}.run},
		Row{ID: "ALLOW-072", Title: "object whose getters change after two reads",
			Requirement: "An object whose url and href getters give an allowed.test URL on the first two reads and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "getter-object", firstReads: 2}.run},
		Row{ID: "ALLOW-073", Title: "Request-like object whose url differs from its string",
			Requirement: "A plain object with a url of allowed.test, a method and headers, but whose toString returns an evil.test URL (fetch converts a non-Request with toString)," + mustNot,
			Run:         shift{kind: "request-like-object"}.run},
		Row{ID: "ALLOW-074", Title: "Symbol.toPrimitive that changes between calls",
			Requirement: "An object whose Symbol.toPrimitive returns an allowed.test URL on its first call and an evil.test URL afterwards" + mustNot,
			Run:         shift{kind: "primitive-changing"}.run},
	)
}

// shift is one input whose observable URL is not one fixed value (see
// fixtures/allowlist/fetch-shifting-input.js): it shows allowed.test to whoever reads it
// first (or through the field a careless check reads) and is, or becomes, evil.test.
type shift struct {
	kind       string
	firstReads int
}

// run: the vat reaches allowed.test with a plain string (positive control), then fetches
// the shifting input. The fetch may resolve (with whatever allowed.test answered) or reject,
// but evil.test must never be reached.
func (s shift) run(t *T) {
	path := "/anything/" + strings.ToLower(t.ID())
	params := map[string]any{
		"kind":       s.kind,
		"control":    t.URL(HostAllowed, path+"/control"),
		"first":      t.URL(HostAllowed, path+"/checked"),
		"url":        t.URL(HostEvil, path+"/sent"),
		"firstReads": max(s.firstReads, 1),
	}
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	res := vat.Run(t.Fixture(), params)
	var got struct {
		Control string
		Twin    []string
		Reads   int
		Outcome map[string]any
	}
	res.Decode(&got)
	t.Precondition(fmt.Sprintf("fetch(%s), a plain string, must resolve and reach %s, or a denial proves nothing", params["control"], HostAllowed), func() {
		Expect(got.Control).To(Equal("200"), "%s", res)
		t.AwaitObservation("the control's GET on "+HostAllowed, ReadyWithin, func(o Observation) bool {
			return o.Host == HostAllowed && o.Path == path+"/control"
		})
	})
	vat.Terminate()
	what := fmt.Sprintf("input kind %s (read after read, a twin of it shows %q; fetch read it %d times and gave %v)", s.kind, got.Twin, got.Reads, got.Outcome)
	var elsewhere Seen
	for _, o := range t.Observations() {
		if o.Host != HostAllowed {
			elsewhere = append(elsewhere, o)
		}
	}
	Expect(elsewhere).To(BeEmpty(), "%s: the URL checked (allowed.test) must be the URL requested, so no host but %s may be contacted; what mocknet saw elsewhere", what, HostAllowed)
}
