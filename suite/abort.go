package suite

import (
	"fmt"
	"time"

	. "github.com/onsi/gomega" //nolint:revive
)

const (
	srcAbort      = "WHATWG Fetch §5.6 (abort the fetch() call) and WHATWG DOM §3.1–§3.3 AbortController, AbortSignal"
	abortFixture  = "abort/fetch-until-aborted"
	abortRational = "Abort is how a vat gives up on a request; an abort that does not stop the transfer or does not reject as specified leaves work running and code waiting."
)

func abortSpecs() []Spec {
	globals := WithGlobals(abortGlobals...)
	a := func(id, title, requirement, profile, name string, want any) semanticCase {
		return semanticCase{id: id, title: title, requirement: requirement, profile: profile, source: srcAbort,
			rationale: abortRational, name: name, want: want, globals: globals}
	}
	abortError := map[string]any{"name": "AbortError", "isDOMException": true}
	rejectedWith := func(name string) map[string]any {
		return map[string]any{"settled": "rejected", "name": name, "isDOMException": true}
	}
	nothingSent := func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(rejectedWith("AbortError")))
		Expect(t.Observations()).To(BeEmpty(), "an aborted fetch must send nothing; what mocknet saw")
	}
	cases := caseSpecs(AreaAbort, "abort/cases", []semanticCase{
		{id: "ABORT-001", title: "pre-aborted signal sends nothing", profile: ProfileCore, source: srcAbort, rationale: abortRational,
			name: "pre-aborted", globals: globals, check: nothingSent,
			requirement: "fetch with an already aborted signal must reject with a DOMException named AbortError, and no request may be sent."},
		{id: "ABORT-002", title: "pre-aborted Request signal sends nothing", profile: ProfileCore, source: srcAbort, rationale: abortRational,
			name: "pre-aborted-request", globals: globals, check: nothingSent,
			requirement: "fetch of a Request whose signal was aborted must reject with a DOMException named AbortError, and no request may be sent."},
		a("ABORT-003", "abort after completion is harmless",
			"Aborting after the body has been read must not throw or change the response already read.",
			ProfileCore, "after-completion", map[string]any{"status": 200, "length": 64, "aborted": true}),
		a("ABORT-004", "abort event fires once",
			"AbortController.abort() must set aborted, set reason to an AbortError DOMException, and fire abort once to listeners then onabort; a second abort() does nothing.",
			ProfileFetchAPI, "signal-events", map[string]any{
				"before": false, "after": true, "seen": [][]string{{"listener", "abort"}, {"onabort"}}, "reason": abortError,
			}),
		a("ABORT-005", "abort keeps a custom reason",
			"abort(reason) must set signal.reason to the given reason.",
			ProfileFetchAPI, "custom-reason", map[string]any{"aborted": true, "reason": "stop here"}),
		a("ABORT-006", "AbortSignal.abort() is already aborted",
			"AbortSignal.abort() must return an aborted signal whose reason is an AbortError DOMException, and throwIfAborted must throw that reason.",
			ProfileFetchAPI, "static-abort", map[string]any{"aborted": true, "reason": abortError, "thrown": abortError}),
		{id: "ABORT-007", title: "AbortSignal.timeout() aborts with TimeoutError", profile: ProfileFetchAPI, source: srcAbort, rationale: abortRational,
			name: "timeout", globals: globals,
			requirement: "A fetch given AbortSignal.timeout(50) that waits longer must reject with a DOMException named TimeoutError, and the connection must be closed.",
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(rejectedWith("TimeoutError")))
				t.ExpectClosedWithin("the timed-out request", time.Now(), CloseDeadline, pathIs("/hang"))
			}},
	})
	inFlight := func(id, title, requirement, profile, path string, read bool, reason any, want map[string]any, ready func(mocknetObservation) bool) Spec {
		return Spec{
			Requirement: Requirement{ID: id, Title: title, Requirement: requirement, Profile: profile, Area: AreaAbort,
				Source: srcAbort, Rationale: abortRational, Fixture: abortFixture},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: globals, AllowedHosts: []string{HostAllowed}})
				params := map[string]any{"url": t.URL(HostAllowed, path), "read": read}
				abortCall := "conformAbort()"
				if reason != nil {
					params["reason"] = reason
					abortCall = fmt.Sprintf("conformAbort(%q)", reason)
				}
				task := vat.Start(abortFixture, params)
				t.AwaitObservation("the request to abort", CloseDeadline, ready)
				vat.AwaitLog(ReadyMarker, CloseDeadline)
				abortedAt := time.Now()
				Expect(vat.Eval(abortCall)).To(Returned())
				var got map[string]any
				task.AwaitValue(CloseDeadline, &got)
				for k, v := range want {
					Expect(got).To(HaveKeyWithValue(k, v), "%s; the program saw %v", requirement, got)
				}
				t.ExpectClosedWithin("the aborted request", abortedAt, CloseDeadline, pathIs(pathOnly(path)))
			},
		}
	}
	drip := "/drip-forever?interval=20"
	return append(cases,
		inFlight("ABORT-008", "abort while waiting for headers",
			"Aborting while the server has not answered must reject fetch with an AbortError DOMException and close the connection within 2 s.",
			ProfileCore, "/hang", false, nil, map[string]any{"stage": "fetch", "name": "AbortError", "isDOMException": true}, pathIs("/hang")),
		inFlight("ABORT-009", "abort while reading the body",
			"Aborting while the body is being read must reject the pending read with an AbortError DOMException and close the connection within 2 s.",
			ProfileCore, drip, true, nil, map[string]any{"stage": "read", "name": "AbortError", "isDOMException": true}, streaming("/drip-forever")),
		inFlight("ABORT-010", "fetch rejects with the abort reason",
			"Aborting with a reason must reject fetch with that reason, and close the connection within 2 s.",
			ProfileFetchAPI, "/hang", false, "stop here", map[string]any{"stage": "fetch", "isReason": true}, pathIs("/hang")),
	)
}
