package suite

import (
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Aborts that code written for Snaps and ocap-kernel relies on, beyond the catalogue's
// signal-in-init cases.

func abortUpstreamSpecs() []Spec {
	return Defaults{Area: AreaAbort, Profile: ProfileCore, Since: "0.3.0", Fixture: "abort/request-signal",
		Source:    "WHATWG Fetch §5.4 Request constructor (the request's signal follows init.signal) and §5.6 fetch() abort steps",
		Rationale: "A Request carries its signal to fetch; code that builds Requests ahead and aborts them later must stop the transfer, or aborted work keeps running and sockets stay open.",
		Globals:   WithGlobals("AbortController", "AbortSignal"),
	}.Specs(
		Row{ID: "ABORT-016", Title: "abort through a Request's own signal",
			Requirement: "fetch(new Request(url, { signal })) must reject with an error named AbortError when the signal is aborted while the request waits for headers, and its connection must close (mocknet sees the client close within 2 s).",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, "/hang")})
				t.AwaitObservation("the request to abort", ReadyWithin, PathIs("/hang"))
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				t.ExpectOpen("the request to abort", 1, PathIs("/hang"))
				abortedAt := time.Now()
				Expect(vat.Eval("conformAbort()")).To(Returned())
				var got map[string]any
				task.AwaitValue(CloseDeadline, &got)
				Expect(got).To(HaveKeyWithValue("name", "AbortError"), "the fetch of a Request whose signal was aborted must reject with an AbortError; the program saw %v", got)
				t.ExpectClosedWithin("the aborted request", abortedAt, CloseDeadline, PathIs("/hang"))
			}},
	)
}
