package suite

import (
	"fmt"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcAbort       = "WHATWG Fetch §5.6 (abort the fetch() call) and WHATWG DOM §3.1–§3.3 AbortController, AbortSignal"
	srcAbortAny    = "WHATWG DOM §3.2 AbortSignal.any() (create a dependent abort signal)"
	srcEventTarget = "WHATWG DOM §2.7 EventTarget (add an event listener, remove an event listener, flatten options) and §2.10 inner invoke"
	// fetchUntilAborted is the fixture of the specs that abort a fetch under way.
	fetchUntilAborted = "abort/fetch-until-aborted"
)

// The fixtures tell a DOMException by its class string, [object DOMException], so that the
// specs need no DOMException global: kernels that grant AbortController often grant no
// DOMException, yet their abort errors must be DOMExceptions all the same.
func abortSpecs() []Spec {
	const rationale = "Abort is how a vat gives up on a request; an abort that does not stop the transfer or does not reject as specified leaves work running and code waiting."
	abortError := map[string]any{"name": "AbortError", "tag": "[object DOMException]"}
	rejectedWith := func(name string) map[string]any {
		return map[string]any{"settled": "rejected", "name": name, "tag": "[object DOMException]"}
	}
	nothingSent := func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(rejectedWith("AbortError")))
		Expect(t.Observations()).To(BeEmpty(), "an aborted fetch must send nothing; what mocknet saw")
	}
	return Defaults{Area: AreaAbort, Profile: ProfileFetchAPI, Since: "0.1.0", Source: srcAbort, Rationale: rationale, Fixture: "abort/cases",
		Globals: WithGlobals("AbortController", "AbortSignal")}.Specs(
		Row{ID: "ABORT-001", Title: "pre-aborted signal sends nothing", Profile: ProfileCore,
			Requirement: "fetch with an already aborted signal must reject with a DOMException named AbortError, and no request may be sent.",
			Run:         Case{Check: nothingSent}.Run},
		Row{ID: "ABORT-002", Title: "pre-aborted Request signal sends nothing", Profile: ProfileCore,
			Requirement: "fetch of a Request whose signal was aborted must reject with a DOMException named AbortError, and no request may be sent.",
			Run:         Case{Check: nothingSent}.Run},
		Row{ID: "ABORT-003", Title: "abort after completion is harmless", Profile: ProfileCore,
			Requirement: "Aborting after the body has been read must not throw or change the response already read.",
			Run:         Returns(map[string]any{"status": 200, "length": 64, "aborted": true})},
		Row{ID: "ABORT-004", Title: "abort event fires once",
			Requirement: "AbortController.abort() must set aborted, set reason to an AbortError DOMException, and fire abort once to listeners then onabort; a second abort() does nothing.",
			Run:         Returns(map[string]any{"before": false, "after": true, "seen": [][]string{{"listener", "abort"}, {"onabort"}}, "reason": abortError})},
		Row{ID: "ABORT-005", Title: "abort keeps a custom reason",
			Requirement: "abort(reason) must set signal.reason to the given reason.",
			Run:         Returns(map[string]any{"aborted": true, "reason": "stop here"})},
		Row{ID: "ABORT-006", Title: "AbortSignal.abort() is already aborted",
			Requirement: "AbortSignal.abort() must return an aborted signal whose reason is an AbortError DOMException, and throwIfAborted must throw that reason.",
			Run:         Returns(map[string]any{"aborted": true, "reason": abortError, "thrown": abortError})},
		Row{ID: "ABORT-007", Title: "AbortSignal.timeout() aborts with TimeoutError",
			Requirement: "A fetch given AbortSignal.timeout(50) that waits longer must reject with a DOMException named TimeoutError, and the connection must be closed.",
			Run: Case{Within: ReadyWithin, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(rejectedWith("TimeoutError")))
				t.ExpectClosedWithin("the timed-out request", time.Now(), CloseDeadline, PathIs("/hang"))
			}}.Run},
		Row{ID: "ABORT-008", Title: "abort while waiting for headers", Profile: ProfileCore, Fixture: fetchUntilAborted,
			Requirement: "Aborting while the server has not answered must reject fetch with an AbortError DOMException and close the connection within 2 s.",
			Run:         abortInFlight{}.Run},
		Row{ID: "ABORT-009", Title: "abort while reading the body", Profile: ProfileCore, Fixture: fetchUntilAborted,
			Requirement: "Aborting while the body is being read must reject the pending read with an AbortError DOMException and close the connection within 2 s.",
			Run:         abortInFlight{read: true}.Run},
		Row{ID: "ABORT-010", Title: "fetch rejects with the abort reason", Fixture: fetchUntilAborted,
			Requirement: "Aborting with a reason must reject fetch with that reason, and close the connection within 2 s.",
			Run:         abortInFlight{reason: "stop here"}.Run},
		Row{ID: "ABORT-011", Title: "AbortSignal.any follows its sources", Since: "0.2.0", Source: srcAbortAny,
			Requirement: "AbortSignal.any(signals) must abort, once, with the reason of the first source to abort, and return an aborted signal with that source's reason when one is already aborted.",
			Rationale:   "any() is how code combines a caller's signal with its own timeout; a dependent signal that never aborts, or aborts with another reason, breaks cancellation and its error handling.",
			Run:         Returns(map[string]any{"before": false, "aborted": true, "sameReason": true, "events": 1, "preAborted": true, "preReason": "already"})},
		Row{ID: "ABORT-012", Title: "a signal from AbortSignal.any aborts a fetch", Since: "0.2.0", Source: srcAbortAny + "; WHATWG Fetch §5.6 fetch() abort steps", Fixture: fetchUntilAborted,
			Requirement: "Aborting a controller whose signal was combined by AbortSignal.any into the signal given to fetch, while the server has not answered, must reject fetch with an AbortError DOMException and close the connection within 2 s.",
			Rationale:   "The combined signal is the one fetch sees; if it does not follow its sources, neither the caller's abort nor a timeout combined with it stops the request.",
			Run:         abortInFlight{combine: true}.Run},
		Row{ID: "ABORT-013", Title: "a listener object's handleEvent is called", Since: "0.2.0", Source: srcEventTarget,
			Requirement: "An abort listener given as an object with a handleEvent method must be called through that method, with this the object and the abort event.",
			Rationale:   "EventListener objects are part of the DOM's listener contract; classes register themselves this way.",
			Run:         Returns([]map[string]any{{"thisIsListener": true, "type": "abort", "targetIsSignal": true}})},
		Row{ID: "ABORT-014", Title: "removeEventListener and duplicate listeners", Since: "0.2.0", Source: srcEventTarget,
			Requirement: "A listener removed with removeEventListener must not be called, removing a listener never added (or of another type) must change nothing, and a listener added twice must be called once.",
			Rationale:   "Code detaches its abort handlers when work completes; a handler that still runs acts on finished work, one that runs twice does its cleanup twice.",
			Run:         Returns([]string{"kept", "added twice"})},
		Row{ID: "ABORT-015", Title: "listeners are told apart by capture", Since: "0.2.0", Source: srcEventTarget,
			Requirement: "The same callback added with capture false and with capture true must be two listeners (called twice), and removeEventListener with capture true must not remove one added with capture false.",
			Rationale:   "The DOM identifies a listener by type, callback and capture; an EventTarget that ignores capture drops or keeps handlers other code relies on.",
			Run:         Returns([]string{"both", "both", "removed with capture true"})},
	)
}

// abortInFlight starts a fetch of a server that never answers (or, with read, reads a body
// that never ends), aborts it once mocknet has seen it and the fixture is ready, and requires
// the program to see an AbortError DOMException (or the given reason) and the connection to
// be closed.
type abortInFlight struct {
	read    bool
	reason  string // given to abort() when set
	combine bool   // fetch gets AbortSignal.any([controller.signal, another]) instead
}

func (c abortInFlight) Run(t *T) {
	path, stage, ready := "/hang", "fetch", PathIs("/hang")
	if c.read {
		path, stage, ready = "/drip-forever?interval=20", "read", Streaming("/drip-forever")
	}
	want, abortCall := map[string]any{"stage": stage, "name": "AbortError", "tag": "[object DOMException]"}, "conformAbort()"
	if c.reason != "" {
		want, abortCall = map[string]any{"stage": stage, "isReason": true}, fmt.Sprintf("conformAbort(%q)", c.reason)
	}
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	task := vat.Start(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, path), "read": c.read, "combine": c.combine, "reason": c.reason})
	t.AwaitObservation("the request to abort", ReadyWithin, ready)
	vat.AwaitLog(ReadyMarker, ReadyWithin)
	abortedAt := time.Now()
	Expect(vat.Eval(abortCall)).To(Returned())
	var got map[string]any
	task.AwaitValue(CloseDeadline, &got)
	for k, v := range want {
		Expect(got).To(HaveKeyWithValue(k, v), "after the abort the program must see %s = %v; it saw %v", k, v, got)
	}
	t.ExpectClosedWithin("the aborted request", abortedAt, CloseDeadline, PathIs(PathOnly(path)))
}
