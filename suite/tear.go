package suite

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcTeardown       = "Snaps network endowment teardownFunction; ocap-kernel vat termination"
	srcTeardownStrict = "Security argument: a body the vat can still reach through another path (clone, tee, reader, upload) is an open socket teardown must close"
	// dripForever is a body that never ends (a chunk every 20 ms): open until someone closes it.
	dripForever = "/drip-forever?interval=20"
)

// heldRow is a teardown spec whose run is a HeldOpen, and the ID of its twin: the same
// situation stopped by protocol 1.1's teardownVat instead of termination.
type heldRow struct {
	Row
	Held HeldOpen
	Twin string
}

// heldRows are the situations that leave something open on the network at teardown.
func heldRows() []heldRow {
	return []heldRow{
		{Row: Row{ID: "TEAR-001", Title: "in-flight request is aborted",
			Requirement: "Terminating a vat while a fetch waits for response headers must close that connection (mocknet sees the client close within 2 s) and the fetch must never settle.",
			Rationale:   "A stopped vat must not keep sockets open on the host, nor run code when a late answer arrives."},
			Held: HeldOpen{Path: "/hang"}, Twin: "TEAR-026"},
		{Row: Row{ID: "TEAR-002", Title: "unread body is cancelled",
			Requirement: "Terminating a vat that holds a response whose body it has not read must close the connection within 2 s.",
			Rationale:   "A response body is an open socket until it is read or cancelled; a vat that stopped will never read it.",
			Fixture:     "teardown/hold-response"},
			Held: HeldOpen{Path: dripForever, Reading: true}, Twin: "TEAR-027"},
		{Row: Row{ID: "TEAR-003", Title: "body read with text() is cancelled",
			Requirement: "Terminating a vat while it reads a response body with text() must close the connection within 2 s, and text() must never settle.",
			Rationale:   "A body being read is locked to its reader, so cancelling the stream from outside fails; teardown must still stop the download. (Snaps leaves this case as a todo in its own tests.)"},
			Held: HeldOpen{Path: dripForever, Reading: true}, Twin: "TEAR-028"},
		{Row: Row{ID: "TEAR-004", Title: "body read through getReader() is cancelled",
			Requirement: "Terminating a vat while it reads a body through res.body.getReader() must close the connection within 2 s.",
			Rationale:   "A reader locks the stream, so an implementation that only calls body.cancel() fails silently and the socket stays open.",
			Profile:     ProfileStrict, Source: srcTeardownStrict, Fixture: "teardown/read-with-reader"},
			Held: HeldOpen{Path: dripForever, Reading: true}, Twin: "TEAR-029"},
		{Row: Row{ID: "TEAR-005", Title: "unread clone is cancelled",
			Requirement: "Terminating a vat that holds a response and its clone(), neither read, must close the connection within 2 s.",
			Rationale:   "clone() tees the body: the original stream is locked by the tee, so cancelling it fails and both branches keep the socket open.",
			Profile:     ProfileStrict, Source: srcTeardownStrict, Fixture: "teardown/clone-and-hold"},
			Held: HeldOpen{Path: dripForever, Reading: true, Params: map[string]any{"read": "none"}}, Twin: "TEAR-030"},
		{Row: Row{ID: "TEAR-006", Title: "clone being read is cancelled",
			Requirement: "Terminating a vat while it reads a clone()d response's body with text() must close the connection within 2 s.",
			Rationale:   "Clones carry their own body; teardown must reach every branch, not only the response fetch returned.",
			Profile:     ProfileStrict, Source: srcTeardownStrict, Fixture: "teardown/clone-and-hold"},
			Held: HeldOpen{Path: dripForever, Reading: true, Params: map[string]any{"read": "clone"}}, Twin: "TEAR-031"},
		{Row: Row{ID: "TEAR-007", Title: "tee()d body is cancelled",
			Requirement: "Terminating a vat while it reads one branch of res.body.tee() must close the connection within 2 s.",
			Rationale:   "Vat code can tee a body itself; the branches keep the source stream alive unless teardown cancels the source.",
			Profile:     ProfileStrict, Source: srcTeardownStrict, Fixture: "teardown/tee-and-hold"},
			Held: HeldOpen{Path: dripForever, Reading: true}, Twin: "TEAR-032"},
		{Row: Row{ID: "TEAR-008", Title: "streaming upload is cancelled",
			Requirement: "Terminating a vat while a fetch is uploading a ReadableStream body must close the upload connection within 2 s.",
			Rationale:   "An upload driven by vat code keeps the socket open as long as the stream stays open; a stopped vat must stop sending.",
			Profile:     ProfileStrict, Source: srcTeardownStrict, Fixture: "teardown/upload-forever"},
			Held: HeldOpen{Path: "/upload-sink", Ready: func(o Observation) bool { return o.Path == "/upload-sink" && o.BodyBytes > 0 }}, Twin: "TEAR-033"},
		{Row: Row{ID: "TEAR-009", Title: "request after a redirect is aborted",
			Requirement: "Terminating a vat while a fetch waits on the target of a redirect must close that connection within 2 s.",
			Rationale:   "Following a redirect makes a new request; teardown must track the request in flight, not the first one."},
			Held: HeldOpen{Path: "/redirect-host/allowed.test?status=302&path=/hang", Open: "/hang"}, Twin: "TEAR-034"},
		{Row: Row{ID: "TEAR-010", Title: "timeout signal never fires into a torn-down vat",
			Requirement: "A fetch with AbortSignal.timeout() pending at teardown must never settle, even after the timeout would have fired.",
			Rationale:   "A timer armed by vat code is vat code waiting to run; after teardown nothing of the vat may run.",
			Fixture:     "teardown/fetch-with-timeout", Globals: WithGlobals("AbortSignal")},
			// 1.5 s: long enough that a loaded machine's adapter sends the request before the
			// timeout fires, which the spec needs to see first.
			Held: HeldOpen{Path: "/hang", Params: map[string]any{"ms": 1500}, AwaitReady: true, Quiet: 1500 * time.Millisecond}, Twin: "TEAR-035"},
	}
}

// heldTwinSpecs stops each situation of heldRows with teardownVat, which must close what it
// leaves open as termination does and keep the vat alive (Snaps' teardown when a snap idles).
func heldTwinSpecs() []Spec {
	var rows []Row
	for _, h := range heldRows() {
		rows = append(rows, Row{ID: h.Twin, Title: h.Title + " by teardownVat", Profile: h.Profile, Fixture: h.Fixture, Globals: h.Globals,
			Requirement: fmt.Sprintf("In the situation of %s (%s), teardownVat must close the connection within 2 s as termination does, the program must never settle, and the vat must go on evaluating code.", h.ID, h.Title),
			Run:         h.Held.RunTeardown})
	}
	return Defaults{Area: AreaTeardown, Profile: ProfileCore, Since: "0.3.0", Fixture: "teardown/fetch-and-wait",
		Source:    "Snaps EndowmentFactoryResult contract (teardownFunction when a snap goes idle; endowments stay usable); harness/PROTOCOL.md teardownVat (protocol 1.1)",
		Rationale: "Snaps tears an idle snap's endowments down and the snap keeps running: whatever termination closes, teardown must close too, without stopping the vat.",
		Features:  []string{harness.FeatureTeardownVat},
	}.Specs(rows...)
}

func teardownSpecs() []Spec {
	// tenStreams starts a vat reading ten bodies that never end, spread over three hosts so
	// that no host needs more than 6 connections at once (a browser's HTTP/1.1 limit per host).
	tenStreams := func(t *T) (*Vat, *Task) {
		hosts := []string{HostAllowed, HostSubAllowed, HostOther}
		var urls []string
		for _, h := range hosts {
			urls = append(urls, t.URL(h, dripForever))
		}
		vat := t.NewVat(VatConfig{AllowedHosts: hosts})
		task := vat.Start("teardown/many-reads", map[string]any{"urls": urls, "count": 10})
		vat.AwaitLog(ReadyMarker, ReadyWithin)
		t.ExpectOpen("the ten streams", 10, OnPath("/drip-forever"))
		return vat, task
	}
	held := heldRows()
	rows := make([]Row, len(held))
	for i, h := range held {
		rows[i] = h.Row
		rows[i].Run = h.Held.Run
	}
	return Defaults{Area: AreaTeardown, Profile: ProfileCore, Since: "0.1.0", Source: srcTeardown, Fixture: "teardown/fetch-and-wait"}.Specs(append(rows,
		Row{ID: "TEAR-011", Title: "no notify after teardown",
			Requirement: "After terminateVat returns, the vat must emit no further notify events.",
			Rationale:   "Events after teardown are attributed to a vat that no longer exists and can resume a clock that was stopped.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, dripForever)})
				t.AwaitObservation("the streaming response", ReadyWithin, Streaming("/drip-forever"))
				t.Precondition("the fetch must have emitted OutboundRequest before teardown (NOTIFY-001), or silence after teardown proves nothing", func() {
					Eventually(vat.NotifyMethods).WithTimeout(CloseDeadline).WithPolling(5 * time.Millisecond).Should(ContainElement(OutboundRequest))
				})
				vat.Terminate()
				before := len(vat.Notifications())
				Consistently(func() int { return len(vat.Notifications()) }).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).
					Should(Equal(before), "notify events arrived after terminateVat returned")
			}},
		Row{ID: "TEAR-012", Title: "many streams are cancelled at once",
			Requirement: "Terminating a vat that is reading ten streaming bodies at once must close all ten connections within 2 s.",
			Rationale:   "Teardown must track every open request, not only the latest one.",
			Fixture:     "teardown/many-reads",
			Run: func(t *T) {
				vat, task := tenStreams(t)
				vat.Terminate()
				t.ExpectClosedWithin("all ten streams", vat.TerminatedAt, CloseDeadline, OnPath("/drip-forever"))
				task.ExpectNeverSettles("a torn-down vat's promises must never settle")
			}},
		Row{ID: "TEAR-013", Title: "many vats torn down",
			Requirement: "Twenty vats, each with a request in flight, must each have their connection closed within 2 s of their own terminateVat.",
			Rationale:   "Kernels stop vats in bulk (shutdown, upgrade); teardown must hold at scale.",
			// A browser beside four CPU burners on two cores spent over 30 s making and ending twenty vats.
			Timeout: 2 * time.Minute,
			Run: func(t *T) {
				const n = 20
				// Five vats per host: no host needs more than 6 connections (a browser's limit).
				hosts := []string{"tear-013-a.test", "tear-013-b.test", "tear-013-c.test", "tear-013-d.test"}
				for _, h := range hosts {
					t.AddHost(h)
				}
				vats := make([]*Vat, n)
				for i := range vats {
					host := hosts[i%len(hosts)]
					vats[i] = t.NewVat(VatConfig{AllowedHosts: []string{host}})
					vats[i].Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(host, fmt.Sprintf("/hang?vat=%d", i))})
				}
				t.ExpectOpen("the twenty vats' requests", n, OnPath("/hang"))
				for i, v := range vats {
					v.Terminate()
					query := fmt.Sprintf("vat=%d", i)
					t.ExpectClosedWithin("the request of vat "+v.ID(), v.TerminatedAt, CloseDeadline, func(o Observation) bool {
						return o.Path == "/hang" && o.RawQuery == query
					})
				}
			}},
		Row{ID: "TEAR-014", Title: "teardown leaves other vats alone",
			Requirement: "Terminating one vat must not close or abort the in-flight request of another vat.",
			Rationale:   "Vats are independent; one vat's termination must not break another's work (or, in a shared process, its sockets).",
			Run: func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				a.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang?vat=a")})
				taskB := b.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang?vat=b")})
				isA := func(o Observation) bool { return o.Path == "/hang" && o.RawQuery == "vat=a" }
				isB := func(o Observation) bool { return o.Path == "/hang" && o.RawQuery == "vat=b" }
				t.AwaitObservation("vat A's request", ReadyWithin, isA)
				t.AwaitObservation("vat B's request", ReadyWithin, isB)
				a.Terminate()
				t.ExpectClosedWithin("vat A's request", a.TerminatedAt, CloseDeadline, isA)
				Consistently(func() Seen {
					return Filter(t.Observations(), func(o Observation) bool { return isB(o) && o.Outcome != mocknet.OutcomeInFlight })
				}).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).Should(BeEmpty(), "vat B's request must stay open when vat A is terminated")
				_, settled := taskB.Settlement()
				Expect(settled).To(BeFalse(), "vat B's fetch must still be pending")
			}},
		Row{ID: "TEAR-015", Title: "a new vat works after teardown",
			Requirement: "After a vat with open requests is terminated, a new vat with the same configuration must fetch normally.",
			Rationale:   "Teardown must release what it tore down, not poison shared machinery (transport, connection pool, endowment state) for later vats.",
			Fixture:     "notify/fetch-and-read",
			Run: func(t *T) {
				first := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				first.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, dripForever)})
				t.AwaitObservation("the first vat's stream", ReadyWithin, Streaming("/drip-forever"))
				first.Terminate()
				second := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(second.Run("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/bytes/64"), "read": "arrayBuffer"})).To(ReturnedJSON(200))
			}},
		Row{ID: "TEAR-016", Title: "teardown of an idle vat",
			Requirement: "Terminating a vat with no request in flight must succeed, and a second terminateVat of the same vat must succeed too.",
			Rationale:   "Teardown runs on every vat stop, busy or not, and may be triggered twice (kernel shutdown after a vat crash); it must be idempotent.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Terminate()
				vat.Terminate()
			}},
		Row{ID: "TEAR-017", Title: "terminate completes promptly",
			Requirement: "terminateVat of a vat with ten open streams must return within 1 s.",
			Rationale:   "Teardown blocks the kernel's vat shutdown; a slow teardown stalls every vat behind it.",
			Fixture:     "teardown/many-reads",
			// It bounds how long terminateVat takes; specs running beside it would eat into that.
			Serial: true,
			Run: func(t *T) {
				vat, _ := tenStreams(t)
				start := time.Now()
				vat.Terminate()
				Expect(vat.TerminatedAt.Sub(start)).To(BeNumerically("<", time.Second), "terminateVat took too long")
			}},
		Row{ID: "TEAR-018", Title: "body promise pending at teardown never settles",
			Requirement: "A json() read pending at teardown on a body that would later end must never settle, even after the server finishes the body.",
			Rationale:   "Late settlements run vat code after the vat stopped; the withTeardown guard in Snaps exists for exactly this.",
			Fixture:     "notify/fetch-and-read",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/drip?numbytes=4&duration=0.4&delay=0"), "read": "arrayBuffer"})
				t.AwaitObservation("the drip response", ReadyWithin, Streaming("/drip"))
				vat.Terminate()
				task.ExpectNeverSettles("the body read was pending at teardown")
			}},
		Row{ID: "TEAR-019", Title: "a vat busy fetching is stopped",
			Requirement: "Terminating a vat whose code is in a loop of fetches must stop it: once terminateVat has answered, no new request of the vat may reach the network, and the vat may emit no notify event and settle no task.",
			Rationale:   "A terminated vat is gone; if its running code keeps fetching, the kernel has lost control of a principal that still spends the host's network and reports to it.",
			Since:       "0.2.0", Fixture: "teardown/fetch-loop",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("teardown/fetch-loop", map[string]any{"url": t.URL(HostAllowed, "/bytes/64"), "warmup": 3})
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				t.Precondition("the loop must be fetching when the vat is terminated", func() {
					Expect(len(Filter(t.Observations(), PathIs("/bytes/64")))).To(BeNumerically(">=", 3), "requests of the loop mocknet saw")
				})
				vat.Terminate()
				notified := len(vat.Notifications())
				expectLoopStopped(t, PathIs("/bytes/64"))
				Expect(vat.Notifications()[notified:]).To(BeEmpty(), "notify events of the terminated vat after terminateVat answered")
				task.ExpectNeverSettles("its vat was terminated while it ran")
			}},
		Row{ID: "TEAR-020", Title: "a vat in a busy loop is stopped",
			Requirement: "Terminating a vat whose code is in a synchronous loop that never yields (and starts fetches from it) must complete within 2 s; once terminateVat has answered, no new request of the vat may reach the network, and the implementation must go on serving other vats.",
			Rationale:   "Vat code is untrusted: a vat that never yields is the case where the kernel needs terminate most, and a host that cannot interrupt it is wedged with it.",
			Since:       "0.2.0", Fixture: "teardown/busy-loop",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("teardown/busy-loop", map[string]any{"url": t.URL(HostAllowed, "/bytes/64"), "every": 50})
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				vat.TerminateWithin(CloseDeadline)
				expectLoopStopped(t, PathIs("/bytes/64"))
				other := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(other.Run("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/status/200"), "read": "text"})).To(ReturnedJSON(200),
					"a vat created after the busy one was terminated must fetch normally")
			}},
	)...)
}

// expectLoopStopped watches, for SettleWindow after terminateVat answered, for requests of a
// fetch loop (numbered ?i=0, 1, …) started after the answer. The request the loop had
// already sent may still reach mocknet; any later one means the vat's code went on running.
func expectLoopStopped(t *T, pred func(Observation) bool) {
	GinkgoHelper()
	index := func(o Observation) int {
		n := -1
		if v, err := url.ParseQuery(o.RawQuery); err == nil {
			if i, err := strconv.Atoi(v.Get("i")); err == nil {
				n = i
			}
		}
		return n
	}
	last := -1
	for _, o := range Filter(t.Observations(), pred) {
		last = max(last, index(o))
	}
	Consistently(func() Seen {
		return Filter(t.Observations(), func(o Observation) bool { return pred(o) && index(o) > last+1 })
	}).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).Should(BeEmpty(),
		"requests the terminated vat started after terminateVat answered (mocknet had seen up to ?i=%d)", last)
}
