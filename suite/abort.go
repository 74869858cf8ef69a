package suite

import (
	"fmt"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcAbort      = "WHATWG Fetch §5.6 (abort the fetch() call) and WHATWG DOM §3.1–§3.3 AbortController, AbortSignal"
	abortFixture  = "abort/fetch-until-aborted"
	abortRational = "Abort is how a vat gives up on a request; an abort that does not stop the transfer or does not reject as specified leaves work running and code waiting."
)

func abortSpecs() []Spec {
	globals := WithGlobals(abortGlobals()...)
	abortError := map[string]any{"name": "AbortError", "isDOMException": true}
	rejectedWith := func(name string) map[string]any {
		return map[string]any{"settled": "rejected", "name": name, "isDOMException": true}
	}
	nothingSent := func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(rejectedWith("AbortError")))
		Expect(t.Observations()).To(BeEmpty(), "an aborted fetch must send nothing; what mocknet saw")
	}
	drip := "/drip-forever?interval=20"
	return Defaults{Area: AreaAbort, Profile: ProfileFetchAPI, Since: "0.1.0", Source: srcAbort, Rationale: abortRational, Fixture: fixtureAbortCases}.Specs(
		Row{ID: "ABORT-001", Title: "pre-aborted signal sends nothing",
			Requirement: "fetch with an already aborted signal must reject with a DOMException named AbortError, and no request may be sent.",
			Profile:     ProfileCore,
			Globals:     globals,
			Run:         Case{Check: nothingSent}.Run},
		Row{ID: "ABORT-002", Title: "pre-aborted Request signal sends nothing",
			Requirement: "fetch of a Request whose signal was aborted must reject with a DOMException named AbortError, and no request may be sent.",
			Profile:     ProfileCore,
			Globals:     globals,
			Run:         Case{Check: nothingSent}.Run},
		Row{ID: "ABORT-003", Title: "abort after completion is harmless",
			Requirement: "Aborting after the body has been read must not throw or change the response already read.",
			Profile:     ProfileCore,
			Globals:     globals,
			Run:         Returns(map[string]any{"status": 200, "length": 64, "aborted": true})},
		Row{ID: "ABORT-004", Title: "abort event fires once",
			Requirement: "AbortController.abort() must set aborted, set reason to an AbortError DOMException, and fire abort once to listeners then onabort; a second abort() does nothing.",
			Globals:     globals,
			Run: Returns(map[string]any{
				"before": false, "after": true, "seen": [][]string{{"listener", "abort"}, {"onabort"}}, "reason": abortError,
			})},
		Row{ID: "ABORT-005", Title: "abort keeps a custom reason",
			Requirement: "abort(reason) must set signal.reason to the given reason.",
			Globals:     globals,
			Run:         Returns(map[string]any{"aborted": true, "reason": "stop here"})},
		Row{ID: "ABORT-006", Title: "AbortSignal.abort() is already aborted",
			Requirement: "AbortSignal.abort() must return an aborted signal whose reason is an AbortError DOMException, and throwIfAborted must throw that reason.",
			Globals:     globals,
			Run:         Returns(map[string]any{"aborted": true, "reason": abortError, "thrown": abortError})},
		Row{ID: "ABORT-007", Title: "AbortSignal.timeout() aborts with TimeoutError",
			Requirement: "A fetch given AbortSignal.timeout(50) that waits longer must reject with a DOMException named TimeoutError, and the connection must be closed.",
			Globals:     globals,
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(rejectedWith("TimeoutError")))
				t.ExpectClosedWithin("the timed-out request", time.Now(), CloseDeadline, PathIs("/hang"))
			}}.Run},
		Row{ID: "ABORT-008", Title: "abort while waiting for headers",
			Requirement: "Aborting while the server has not answered must reject fetch with an AbortError DOMException and close the connection within 2 s.",
			Profile:     ProfileCore,
			Fixture:     abortFixture,
			Run:         abortInFlight{path: "/hang", read: false, reason: nil, want: map[string]any{"stage": "fetch", "name": "AbortError", "isDOMException": true}, ready: PathIs("/hang")}.run},
		Row{ID: "ABORT-009", Title: "abort while reading the body",
			Requirement: "Aborting while the body is being read must reject the pending read with an AbortError DOMException and close the connection within 2 s.",
			Profile:     ProfileCore,
			Fixture:     abortFixture,
			Run:         abortInFlight{path: drip, read: true, reason: nil, want: map[string]any{"stage": "read", "name": "AbortError", "isDOMException": true}, ready: Streaming("/drip-forever")}.run},
		Row{ID: "ABORT-010", Title: "fetch rejects with the abort reason",
			Requirement: "Aborting with a reason must reject fetch with that reason, and close the connection within 2 s.",
			Fixture:     abortFixture,
			Run:         abortInFlight{path: "/hang", read: false, reason: "stop here", want: map[string]any{"stage": "fetch", "isReason": true}, ready: PathIs("/hang")}.run},
		Row{ID: "ABORT-011", Title: "AbortSignal.any follows its sources",
			Requirement: "AbortSignal.any(signals) must abort, once, with the reason of the first source to abort, and return an aborted signal with that source's reason when one is already aborted.",
			Since:       "0.2.0",
			Source:      srcAbortAny,
			Rationale:   "any() is how code combines a caller's signal with its own timeout; a dependent signal that never aborts, or aborts with another reason, breaks cancellation and its error handling.",
			Globals:     globals,
			Run: Returns(map[string]any{
				"before": false, "aborted": true, "sameReason": true, "events": 1, "preAborted": true, "preReason": "already",
			})},
		Row{ID: "ABORT-012", Title: "a signal from AbortSignal.any aborts a fetch",
			Requirement: "Aborting a controller whose signal was combined by AbortSignal.any into the signal given to fetch, while the server has not answered, must reject fetch with an AbortError DOMException and close the connection within 2 s.",
			Since:       "0.2.0",
			Source:      srcAbortAny + "; WHATWG Fetch §5.6 fetch() abort steps",
			Rationale:   "The combined signal is the one fetch sees; if it does not follow its sources, neither the caller's abort nor a timeout combined with it stops the request.",
			Fixture:     abortFixture,
			Run:         abortInFlight{path: "/hang", combine: true, want: map[string]any{"stage": "fetch", "name": "AbortError", "isDOMException": true}, ready: PathIs("/hang")}.run},
		Row{ID: "ABORT-013", Title: "a listener object's handleEvent is called",
			Requirement: "An abort listener given as an object with a handleEvent method must be called through that method, with this the object and the abort event.",
			Since:       "0.2.0",
			Source:      srcEventTarget,
			Rationale:   "EventListener objects are part of the DOM's listener contract; classes register themselves this way.",
			Globals:     globals,
			Run:         Returns([]map[string]any{{"thisIsListener": true, "type": "abort", "targetIsSignal": true}})},
		Row{ID: "ABORT-014", Title: "removeEventListener and duplicate listeners",
			Requirement: "A listener removed with removeEventListener must not be called, removing a listener never added (or of another type) must change nothing, and a listener added twice must be called once.",
			Since:       "0.2.0",
			Source:      srcEventTarget,
			Rationale:   "Code detaches its abort handlers when work completes; a handler that still runs acts on finished work, one that runs twice does its cleanup twice.",
			Globals:     globals,
			Run:         Returns([]string{"kept", "added twice"})},
		Row{ID: "ABORT-015", Title: "listeners are told apart by capture",
			Requirement: "The same callback added with capture false and with capture true must be two listeners (called twice), and removeEventListener with capture true must not remove one added with capture false.",
			Since:       "0.2.0",
			Source:      srcEventTarget,
			Rationale:   "The DOM identifies a listener by type, callback and capture; an EventTarget that ignores capture drops or keeps handlers other code relies on.",
			Globals:     globals,
			Run:         Returns([]string{"both", "both", "removed with capture true"})},
	)
}

// abortInFlight starts a fetch, waits until mocknet sees it (and the fixture is ready),
// aborts it, and requires the program to see want and the connection to be closed.
type abortInFlight struct {
	path   string
	read   bool
	reason any
	// combine hands fetch AbortSignal.any([controller.signal, another]) instead.
	combine bool
	want    map[string]any
	ready   func(Observation) bool
}

func (c abortInFlight) run(t *T) {
	vat := t.NewVat(VatConfig{Globals: WithGlobals(abortGlobals()...), AllowedHosts: []string{HostAllowed}})
	params := map[string]any{"url": t.URL(HostAllowed, c.path), "read": c.read, "combine": c.combine}
	abortCall := "conformAbort()"
	if c.reason != nil {
		params["reason"] = c.reason
		abortCall = fmt.Sprintf("conformAbort(%q)", c.reason)
	}
	task := vat.Start(abortFixture, params)
	t.AwaitObservation("the request to abort", ReadyWithin, c.ready)
	vat.AwaitLog(ReadyMarker, ReadyWithin)
	abortedAt := time.Now()
	Expect(vat.Eval(abortCall)).To(Returned())
	var got map[string]any
	task.AwaitValue(CloseDeadline, &got)
	for k, v := range c.want {
		Expect(got).To(HaveKeyWithValue(k, v), "after the abort the program must see %s = %v; it saw %v", k, v, got)
	}
	t.ExpectClosedWithin("the aborted request", abortedAt, CloseDeadline, PathIs(PathOnly(c.path)))
}

const (
	srcAbortAny    = "WHATWG DOM §3.2 AbortSignal.any() (create a dependent abort signal)"
	srcEventTarget = "WHATWG DOM §2.7 EventTarget (add an event listener, remove an event listener, flatten options) and §2.10 inner invoke"
)
