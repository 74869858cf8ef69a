package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	fixtureShiftingInput = "allowlist/fetch-shifting-input"

	// srcInputIdentity: why the URL checked must be the URL requested, whatever the input.
	srcInputIdentity = "security argument (strict): the URL that was checked must be the URL fetched. WHATWG Fetch §5.4 and §5.6: fetch(input, init) builds one Request — a Request input by its internal request (never its url getter), anything else by one conversion to a string — and fetches that; a check that reads the input through another path (input.url, a second String(input), a Proxy's trap) checks a URL that is not sent. ocap-kernel's makeHostCaveat reads new URL(input instanceof Request ? input.url : input) and then passes input on, which is that second path"
	// rationaleInputIdentity is shared by every input-identity spec.
	rationaleInputIdentity = "Vat code controls every getter, toString, subclass and Proxy trap of what it passes to fetch: an allowlist that reads the input twice, or reads a different field from the one fetch uses, lets the vat show the check one host and send the request to another."
)

// shift is one input whose observable URL is not one fixed value (see
// fixtures/allowlist/fetch-shifting-input.js): it shows allowed.test to whoever reads it
// first (or through the field a careless check reads) and is, or becomes, evil.test.
type shift struct {
	id         string
	kind       string
	firstReads int
}

// run: the vat reaches allowed.test with a plain string (positive control), then fetches
// the shifting input. The fetch may resolve (with whatever allowed.test answered) or reject,
// but evil.test must never be reached.
func (s shift) run(t *T) {
	path := "/anything/" + strings.ToLower(s.id)
	params := map[string]any{
		"kind":       s.kind,
		"control":    t.URL(HostAllowed, path+"/control"),
		"first":      t.URL(HostAllowed, path+"/checked"),
		"url":        t.URL(HostEvil, path+"/sent"),
		"firstReads": max(s.firstReads, 1),
	}
	vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
	res := vat.Run(fixtureShiftingInput, params)
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

// inputIdentitySpecs are the inputs whose URL differs between two reads, or between the
// field a check reads and the one fetch uses (ALLOW-061 to ALLOW-080).
func inputIdentitySpecs() []Spec {
	spec := func(id, title, requirement string, s shift) Spec {
		s.id = id
		return Spec{
			Requirement: Requirement{
				File: "allow_identity.go", Globals: WithGlobals("URL"),
				ID: id, Title: title, Requirement: requirement,
				Rationale: rationaleInputIdentity,
				Profile:   ProfileStrict, Area: AreaAllowlist, Since: "0.2.0",
				Source:  srcInputIdentity,
				Fixture: fixtureShiftingInput,
			},
			Run: s.run,
		}
	}
	const mustNot = " must never reach evil.test: the URL checked is the URL requested, converted once."
	return []Spec{
		spec("ALLOW-061", "Request subclass whose url getter lies",
			"A Request subclass constructed for evil.test whose url getter returns an allowed.test URL"+mustNot,
			shift{kind: "request-subclass-url"}),
		spec("ALLOW-062", "Request subclass whose url changes",
			"A Request subclass whose url getter returns an allowed.test URL on its first read and an evil.test URL afterwards"+mustNot,
			shift{kind: "request-subclass-changing"}),
		spec("ALLOW-063", "Request subclass whose url changes after two reads",
			"A Request subclass whose url getter returns an allowed.test URL on its first two reads and an evil.test URL afterwards"+mustNot,
			shift{kind: "request-subclass-changing", firstReads: 2}),
		spec("ALLOW-064", "Request with an own url getter",
			"A Request constructed for evil.test, given an own url accessor that returns an allowed.test URL,"+mustNot,
			shift{kind: "request-own-url"}),
		spec("ALLOW-065", "Proxy over a Request whose url trap lies",
			"A Proxy over a Request for evil.test whose get trap answers url with an allowed.test URL"+mustNot,
			shift{kind: "proxy-request"}),
		spec("ALLOW-066", "Proxy over a Request whose url changes",
			"A Proxy over a Request for allowed.test whose get trap answers url with the allowed.test URL first and an evil.test URL afterwards"+mustNot,
			shift{kind: "proxy-request-changing"}),
		spec("ALLOW-067", "Proxy that passes instanceof Request",
			"A Proxy over a plain object whose getPrototypeOf trap answers Request.prototype, whose url is an allowed.test URL and whose toString is an evil.test URL"+mustNot,
			shift{kind: "proxy-fake-request"}),
		spec("ALLOW-068", "Proxy over a URL whose href changes",
			"A Proxy over a URL for allowed.test whose href and toString answer the allowed.test URL first and an evil.test URL afterwards"+mustNot,
			shift{kind: "proxy-url"}),
		spec("ALLOW-069", "URL subclass whose toString changes",
			"A URL subclass constructed for allowed.test whose toString returns the allowed.test URL first and an evil.test URL afterwards"+mustNot,
			shift{kind: "url-subclass-tostring"}),
		spec("ALLOW-070", "URL subclass whose href getter changes",
			"A URL subclass constructed for allowed.test whose href getter (and toString, which returns this.href) gives the allowed.test URL first and an evil.test URL afterwards"+mustNot,
			shift{kind: "url-subclass-href"}),
		spec("ALLOW-071", "object whose url and href getters change",
			"An object whose url and href getters (and toString, which returns this.href) give an allowed.test URL on the first read and an evil.test URL afterwards"+mustNot,
			shift{kind: "getter-object"}),
		spec("ALLOW-072", "object whose getters change after two reads",
			"An object whose url and href getters give an allowed.test URL on the first two reads and an evil.test URL afterwards"+mustNot,
			shift{kind: "getter-object", firstReads: 2}),
		spec("ALLOW-073", "Request-like object whose url differs from its string",
			"A plain object with a url of allowed.test, a method and headers, but whose toString returns an evil.test URL (fetch converts a non-Request with toString),"+mustNot,
			shift{kind: "request-like-object"}),
		spec("ALLOW-074", "Symbol.toPrimitive that changes between calls",
			"An object whose Symbol.toPrimitive returns an allowed.test URL on its first call and an evil.test URL afterwards"+mustNot,
			shift{kind: "primitive-changing"}),
	}
}
