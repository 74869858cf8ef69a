package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcAllowlist = "ocap-kernel: VatConfig.network.allowedHosts (exact match on URL hostname; ports and schemes ignored)"

	fixtureFetchURL   = "allowlist/fetch-url"
	fixtureFetchInput = "allowlist/fetch-input"

	rationaleHostHeader = "Behind a shared front end or proxy the Host header picks the site; a vat that sets it reaches a host the allowlist denies."

	rationaleInputForms        = "Every form of input reaches the same allowlist; a form the check does not understand must be denied, not waved through."
	rationaleParseDifferential = "A check that parses the URL differently from the code that connects lets a vat name one host and reach another."
	rationaleOpenRedirect      = "An allowlist checked only on the first URL is bypassed by any open redirect on an allowed host."

	srcStrictParse    = "security argument (strict): the hostname checked must be the hostname connected to, whatever the URL's spelling; WHATWG URL §4.4 host parsing"
	srcStrictOnce     = "security argument (strict): the URL that was checked is the URL fetched; WHATWG Fetch §5.4 (the Request constructor parses its input once)"
	srcStrictRedirect = "security argument (strict): every redirect hop is a new request to a new host; WHATWG Fetch §4.4 HTTP-redirect fetch"
	srcStrictHost     = "security argument (strict): Host is a forbidden request-header (WHATWG Fetch §2.2.2); a vat must not pick the virtual host behind an allowed address"
)

// attempt is one way a vat might try to reach a host its allowlist denies. Every attempt is
// made with allowedHosts [allowed.test].
type attempt struct {
	// kind and url build the fetch input (see fixtures/allowlist/fetch-input.js); first is
	// the decoy some kinds show before url.
	kind, url, first string
	init             map[string]any
	// mayResolve marks attempts whose WHATWG-parsed hostname is allowed.test: they may
	// resolve, but only allowed.test may be contacted. All others must reject.
	mayResolve bool
	// nothingSent also forbids contact with allowed.test: the attempt must be refused before
	// anything is sent.
	nothingSent bool
}

// bypass is the Run of an attempt: the fetch must be denied (unless the attempt may
// resolve), and no host but allowed.test may ever be contacted.
func bypass(a attempt) func(t *T) {
	return func(t *T) {
		vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
		t.ExpectCanReach(vat, HostAllowed)
		mark := t.Mark()
		params := map[string]any{"kind": a.kind, "url": a.url}
		if a.first != "" {
			params["first"] = a.first
		}
		if a.init != nil {
			params["init"] = a.init
		}
		res := vat.Run(fixtureFetchInput, params)
		if !a.mayResolve {
			Expect(res).To(Threw(""), "the fetch must be denied")
		}
		vat.Terminate()
		var elsewhere Seen
		for _, o := range t.ObservationsAfter(mark) {
			if o.Host != HostAllowed || o.Escape {
				elsewhere = append(elsewhere, o)
			}
		}
		Expect(elsewhere).To(BeEmpty(), "only %s may ever be contacted; what mocknet saw elsewhere", HostAllowed)
		if a.nothingSent {
			Expect(t.ObservationsAfter(mark)).To(BeEmpty(), "a denied fetch must not reach any host; what mocknet saw")
		}
	}
}
