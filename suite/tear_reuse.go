package suite

import (
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Teardown without termination (protocol 1.1's teardownVat): Snaps tears a snap's endowments
// down when it goes idle and the snap goes on fetching; ocap-kernel's teardown may be called
// many times. What teardown closes must close, and the vat and its endowment must stay usable.

// holdOpen starts, in vat, a fetch waiting for headers on /hang and a fetch holding an unread
// streaming body, waits until mocknet sees both open, and returns the two tasks.
func holdOpen(t *T, vat *Vat, tag string) (*Task, *Task) {
	hang := t.URL(HostAllowed, "/hang?"+tag)
	waiting := vat.Start("teardown/fetch-and-wait", map[string]any{"url": hang})
	holding := vat.Start("teardown/hold-response", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=20&"+tag)})
	t.ExpectOpen("the program's request waiting on /hang and its held body", 2, opened(tag))
	return waiting, holding
}

// opened matches the exchanges holdOpen opened with tag (a query key of their URLs).
func opened(tag string) func(Observation) bool {
	return func(o Observation) bool {
		q, _ := url.ParseQuery(o.RawQuery)
		_, tagged := q[tag]
		return (o.Path == "/hang" || o.Path == "/drip-forever") && tagged
	}
}

// fetchWorks requires a fetch of /status/200 in vat to complete, reach mocknet and be
// notified with its OutboundRequest/OutboundResponse pair.
func fetchWorks(t *T, vat *Vat, after string) {
	before := len(vat.Notifications())
	mark := t.Mark()
	res := vat.Run("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/status/200"), "read": "text"})
	Expect(res).To(ReturnedJSON(200), "fetch in the same vat %s", after)
	Expect(t.ObservationsAfter(mark)).To(ContainElement(WithTransform(func(o Observation) string { return o.Path }, Equal("/status/200"))),
		"mocknet must see the fetch made %s", after)
	var methods []string
	for _, n := range vat.Notifications()[before:] {
		methods = append(methods, n.Method)
	}
	Expect(methods).To(ContainElements("OutboundRequest", "OutboundResponse"), "notify of the fetch made %s", after)
}

// dripFor is how long TEAR-025's body takes to arrive.
const dripFor = 3 * time.Second

func teardownReuseSpecs() []Spec {
	return Defaults{Area: AreaTeardown, Profile: ProfileCore, Since: "0.3.0",
		Source:    "Snaps EndowmentFactoryResult contract (teardownFunction called when a snap goes idle; endowments stay usable), quoted by ocap-kernel's endowments.ts; harness/PROTOCOL.md teardownVat (protocol 1.1)",
		Rationale: "Snaps tears a snap's endowments down when it goes idle and the snap keeps running: teardown must close what is open and leave the endowment usable, or idle snaps leak sockets or lose their network.",
		Fixture:   "teardown/fetch-and-wait", Features: []string{harness.FeatureTeardownVat},
	}.Specs(
		Row{ID: "TEAR-021", Title: "teardown closes what is open and leaves the vat alive",
			Requirement: "teardownVat of a vat with a fetch waiting for headers and a held unread body must close both connections (mocknet sees the client close within 2 s), the two programs must never settle, and the vat must go on evaluating code.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				waiting, holding := holdOpen(t, vat, "tear-021")
				vat.Teardown()
				t.ExpectClosedWithin("both connections of the torn-down endowment", vat.TornDownAt, CloseDeadline, opened("tear-021"))
				waiting.ExpectNeverSettlesFor(SettleWindow, "a fetch in flight at teardown must never settle")
				holding.ExpectNeverSettles("a program holding a body at teardown must never settle")
				Expect(vat.Eval("return 1 + 1")).To(ReturnedJSON(2), "the vat must stay alive after teardownVat")
			}},
		Row{ID: "TEAR-022", Title: "the endowment works again after teardown",
			Requirement: "After teardownVat, the same vat's fetch must work and be notified, and what it opens must be closed by the next teardownVat.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				holdOpen(t, vat, "tear-022-a")
				vat.Teardown()
				t.ExpectClosedWithin("the connections open at the first teardown", vat.TornDownAt, CloseDeadline, opened("tear-022-a"))
				fetchWorks(t, vat, "after teardownVat")
				holdOpen(t, vat, "tear-022-b")
				vat.Teardown()
				t.ExpectClosedWithin("the connections opened after the first teardown", vat.TornDownAt, CloseDeadline, opened("tear-022-b"))
			}},
		Row{ID: "TEAR-023", Title: "teardown twice is harmless",
			Requirement: "teardownVat called twice in a row must succeed both times, and the vat's fetch must work afterwards.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				holdOpen(t, vat, "tear-023")
				vat.Teardown()
				vat.Teardown()
				t.ExpectClosedWithin("the connections open at the first teardown", vat.TornDownAt, CloseDeadline, opened("tear-023"))
				fetchWorks(t, vat, "after two teardowns")
			}},
		Row{ID: "TEAR-024", Title: "teardown then termination",
			Requirement: "terminateVat after teardownVat must succeed and still close what the vat opened between the two.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				holdOpen(t, vat, "tear-024-a")
				vat.Teardown()
				t.ExpectClosedWithin("the connections open at teardown", vat.TornDownAt, CloseDeadline, opened("tear-024-a"))
				waiting, _ := holdOpen(t, vat, "tear-024-b")
				vat.Terminate()
				t.ExpectClosedWithin("the connections opened after teardown", vat.TerminatedAt, CloseDeadline, opened("tear-024-b"))
				waiting.ExpectNeverSettles("a fetch in flight at termination must never settle")
			}},
		Row{ID: "TEAR-025", Title: "no notify after teardown",
			Requirement: "After teardownVat of a vat reading a streaming body with text(), notify must emit nothing for that fetch, in particular no OutboundResponse when the read would have completed.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				// A body that takes 3 s, so that teardown comes before its end even on a loaded
				// machine; a read completing first would make the silence prove nothing.
				task := vat.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, fmt.Sprintf("/drip?numbytes=30&duration=%d&delay=0", int(dripFor.Seconds())))})
				t.AwaitObservation("the streaming body", ReadyWithin, Streaming("/drip"))
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				t.Precondition("the fetch must have been notified with OutboundRequest before teardown, or silence afterwards proves nothing", func() {
					Expect(vat.NotifyMethods()).To(ContainElement("OutboundRequest"))
				})
				vat.Teardown()
				after := len(vat.Notifications())
				Expect(time.Since(task.Started)).To(BeNumerically("<", dripFor), "teardownVat must come before the body's end, or silence afterwards proves nothing")
				// The window is anchored on the body's end as mocknet saw it (the server sent it
				// whole, or the client closed it): a read the endowment let complete has its last
				// bytes then, and its notify follows. Anchored on the program's start instead, a
				// loaded machine whose request reached mocknet late saw that notify after the
				// spec had stopped looking, and the spec passed or failed by the clock.
				ended := t.AwaitObservation("the streaming body's end (sent whole, or closed by the client)", dripFor+ReadyWithin,
					func(o Observation) bool { return Streaming("/drip")(o) && !o.Finished.IsZero() })
				task.ExpectNeverSettlesFor(time.Until(ended.Finished.Add(CloseDeadline)), "a body read at teardown must never complete")
				Expect(vat.Notifications()[after:]).To(BeEmpty(), "notify after teardownVat (the body ended on mocknet at %s: %s)", ended.Finished.Format("15:04:05.000"), DescribeObservation(ended))
			}},
	)
}
