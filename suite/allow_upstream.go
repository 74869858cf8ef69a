package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcAllowUpstream = "ocap-kernel: makeHostCaveat (packages/ocap-kernel/src/vats/network-caveat.ts) rejects file: URLs and hosts outside allowedHosts, whatever the form of the input"

func allowUpstreamSpecs() []Spec {
	secret := "secret-partner.test"
	fileRequest := Attempt{Kind: "request", URL: "file:///etc/passwd", NothingSent: true}
	return Defaults{Area: AreaAllowlist, Profile: ProfileCore, Since: "0.3.0", Source: srcAllowUpstream}.Specs(
		Row{ID: "ALLOW-075", Title: "file: as a Request is refused",
			Requirement: fileRequest.Fetch() + " must reject, and no host may be contacted.",
			Rationale:   "A Request is another way to hand fetch a URL; a scheme check that only looks at strings lets a vat read the host's files through a Request.",
			Fixture:     "allowlist/fetch-input",
			Run:         fileRequest.Run},
		Row{ID: "ALLOW-076", Title: "a denial discloses no other entry",
			Requirement: fmt.Sprintf("With allowedHosts [%q, %q], the error a fetch of http://%s/ rejects with must not name %s.", HostAllowed, secret, HostEvil, secret),
			Rationale:   "A vat learns its allowlist from what it was told, not from error messages: an error that lists the entries discloses hosts another component chose to keep private.",
			Fixture:     "allowlist/denial-message",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, secret}})
				t.ExpectCanReach(vat, HostAllowed)
				var got struct{ Settled, Name, Message string }
				vat.Run(t.Fixture(), map[string]any{"url": t.URL(HostEvil, "/")}).Decode(&got)
				Expect(got.Settled).To(Equal("rejected"), "fetch of %s must be denied", HostEvil)
				Expect(strings.ToLower(got.Message)).NotTo(ContainSubstring(secret), "the denial's message (%s: %s) must not name another allowlist entry", got.Name, got.Message)
				t.ExpectNoContact(HostEvil)
			}},
	)
}
