package suite

import (
	. "github.com/onsi/gomega" //nolint:revive
)

const srcTeardown = "Snaps network endowment teardownFunction; ocap-kernel vat termination"

func teardownSpecs() []Spec {
	return []Spec{
		{
			Requirement: Requirement{
				ID: "TEAR-001", Title: "in-flight request is aborted",
				Requirement: "Terminating a vat while a fetch waits for response headers must close that connection (mocknet sees the client close within 2 s) and the fetch must never settle.",
				Profile:     ProfileCore, Area: AreaTeardown, Source: srcTeardown,
				Rationale:   "A stopped vat must not keep sockets open on the host, nor run code when a late answer arrives.",
				Fixture:     "teardown/fetch-and-wait",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang")})
				t.AwaitObservation("the request to /hang", CloseDeadline, func(o mocknetObservation) bool {
					return o.Host == HostAllowed && o.Path == "/hang"
				})
				vat.Terminate()
				t.ExpectClosedWithin("the /hang request", vat.TerminatedAt, CloseDeadline, func(o mocknetObservation) bool {
					return o.Path == "/hang"
				})
				task.ExpectNeverSettles("a torn-down vat's promises must never settle")
			},
		},
	}
}
