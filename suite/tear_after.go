package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// What a vat that goes on after teardownVat meets when it touches what it held from before.
func teardownAfterSpecs() []Spec {
	const drip = "/drip-forever?interval=20&tear-036"
	return Defaults{Area: AreaTeardown, Profile: ProfileCore, Since: "0.3.0", Fixture: "teardown/hold-response", Features: []string{harness.FeatureTeardownVat},
		Source:    "harness/PROTOCOL.md teardownVat (protocol 1.1); Snaps EndowmentFactoryResult contract (teardownFunction called when a snap goes idle; the snap keeps running)",
		Rationale: "Teardown closes every body, and the vat keeps running: a read it starts afterwards on a body it held must end, or the program waits for data that can no longer come.",
	}.Specs(
		Row{ID: "TEAR-036", Title: "reading a held body after teardown rejects",
			Requirement: "After teardownVat closed a response body the vat held unread (" + drip + "), text() of it started afterwards must reject within 2 s, not hang and not resolve.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, drip)})
				t.ExpectOpen("the held body", 1, Streaming("/drip-forever"))
				vat.AwaitLog(ReadyMarker, ReadyWithin) // the vat holds the response, not only mocknet its body
				vat.Teardown()
				var got map[string]any
				vat.Start("teardown/read-held", nil).AwaitValue(CloseDeadline, &got)
				Expect(got).To(HaveKeyWithValue("settled", "rejected"), "text() of the body teardown closed: %v", got)
			}},
	)
}
