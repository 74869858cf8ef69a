package suite

import (
	"fmt"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/mocknet"
)

const (
	srcTeardown       = "Snaps network endowment teardownFunction; ocap-kernel vat termination"
	srcTeardownStrict = "Security argument: a body the vat can still reach through another path (clone, tee, reader, upload) is an open socket teardown must close"
)

// teardownCase is the common shape of teardown specs: start a program that leaves
// something open on the network, wait until mocknet sees it, terminate the vat, and require
// that mocknet sees every such connection closed by the client within CloseDeadline and
// that the program never settles.
type teardownCase struct {
	id, title, requirement, profile, rationale, source string
	fixture                                            string
	globals                                            []string
	// path is requested on allowed.test; open matches the exchanges that must be closed.
	path   string
	params map[string]any
	open   func(o mocknetObservation) bool
	// ready is what mocknet must have seen before the vat is terminated; nil means open.
	ready func(o mocknetObservation) bool
	// awaitReady makes the spec also wait for the fixture's ReadyMarker log line, for
	// fixtures that must be past `await fetch` (reading, cloning) when the vat stops.
	awaitReady bool
	// quiet is how long after the program started it must still not have settled, when
	// it armed something (a timeout) that would fire later than SettleWindow.
	quiet time.Duration
}

func (c teardownCase) spec() Spec {
	source := c.source
	if source == "" {
		source = srcTeardown
	}
	return Spec{
		Requirement: Requirement{ID: c.id, Title: c.title, Requirement: c.requirement, Profile: c.profile,
			Area: AreaTeardown, Source: source, Rationale: c.rationale, Fixture: c.fixture},
		Run: func(t *T) {
			globals := c.globals
			if globals == nil {
				globals = NetworkGlobals
			}
			vat := t.NewVat(VatConfig{Globals: globals, AllowedHosts: []string{HostAllowed}})
			params := map[string]any{"url": t.URL(HostAllowed, c.path)}
			for k, v := range c.params {
				params[k] = v
			}
			task := vat.Start(c.fixture, params)
			ready := c.ready
			if ready == nil {
				ready = c.open
			}
			t.AwaitObservation("the program's request", CloseDeadline, ready)
			if c.awaitReady {
				vat.AwaitLog(ReadyMarker, CloseDeadline)
			}
			vat.Terminate()
			t.ExpectClosedWithin(fmt.Sprintf("every connection of %s", c.fixture), vat.TerminatedAt, CloseDeadline, c.open)
			task.ExpectNeverSettlesFor(max(SettleWindow, time.Until(task.Started.Add(c.quiet+SettleWindow))),
				"a torn-down vat's promises must never settle")
		},
	}
}

func pathIs(path string) func(o mocknetObservation) bool {
	return func(o mocknetObservation) bool { return o.Host == HostAllowed && o.Path == path }
}

// streaming matches an exchange on path whose response has started (headers sent), so the
// fetch has resolved and a body is open.
func streaming(path string) func(o mocknetObservation) bool {
	return func(o mocknetObservation) bool {
		return o.Host == HostAllowed && o.Path == path && !o.ResponseStarted.IsZero() && o.BytesSent > 0
	}
}

func teardownSpecs() []Spec {
	drip := "/drip-forever?interval=20"
	cases := []teardownCase{
		{id: "TEAR-001", title: "in-flight request is aborted",
			requirement: "Terminating a vat while a fetch waits for response headers must close that connection (mocknet sees the client close within 2 s) and the fetch must never settle.",
			profile:     ProfileCore, fixture: "teardown/fetch-and-wait", path: "/hang", open: pathIs("/hang"),
			rationale: "A stopped vat must not keep sockets open on the host, nor run code when a late answer arrives."},
		{id: "TEAR-002", title: "unread body is cancelled",
			requirement: "Terminating a vat that holds a response whose body it has not read must close the connection within 2 s.",
			profile:     ProfileCore, fixture: "teardown/hold-response", path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "A response body is an open socket until it is read or cancelled; a vat that stopped will never read it."},
		{id: "TEAR-003", title: "body read with text() is cancelled",
			requirement: "Terminating a vat while it reads a response body with text() must close the connection within 2 s, and text() must never settle.",
			profile:     ProfileCore, fixture: "teardown/fetch-and-wait", path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "A body being read is locked to its reader, so cancelling the stream from outside fails; teardown must still stop the download. (Snaps leaves this case as a todo in its own tests.)"},
		{id: "TEAR-004", title: "body read through getReader() is cancelled",
			requirement: "Terminating a vat while it reads a body through res.body.getReader() must close the connection within 2 s.",
			profile:     ProfileStrict, source: srcTeardownStrict, fixture: "teardown/read-with-reader", path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "A reader locks the stream, so an implementation that only calls body.cancel() fails silently and the socket stays open."},
		{id: "TEAR-005", title: "unread clone is cancelled",
			requirement: "Terminating a vat that holds a response and its clone(), neither read, must close the connection within 2 s.",
			profile:     ProfileStrict, source: srcTeardownStrict, fixture: "teardown/clone-and-hold", params: map[string]any{"read": "none"},
			path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "clone() tees the body: the original stream is locked by the tee, so cancelling it fails and both branches keep the socket open."},
		{id: "TEAR-006", title: "clone being read is cancelled",
			requirement: "Terminating a vat while it reads a clone()d response's body with text() must close the connection within 2 s.",
			profile:     ProfileStrict, source: srcTeardownStrict, fixture: "teardown/clone-and-hold", params: map[string]any{"read": "clone"},
			path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "Clones carry their own body; teardown must reach every branch, not only the response fetch returned."},
		{id: "TEAR-007", title: "tee()d body is cancelled",
			requirement: "Terminating a vat while it reads one branch of res.body.tee() must close the connection within 2 s.",
			profile:     ProfileStrict, source: srcTeardownStrict, fixture: "teardown/tee-and-hold", path: drip, open: pathIs("/drip-forever"), ready: streaming("/drip-forever"),
			awaitReady: true,
			rationale:  "Vat code can tee a body itself; the branches keep the source stream alive unless teardown cancels the source."},
		{id: "TEAR-008", title: "streaming upload is cancelled",
			requirement: "Terminating a vat while a fetch is uploading a ReadableStream body must close the upload connection within 2 s.",
			profile:     ProfileStrict, source: srcTeardownStrict, fixture: "teardown/upload-forever", globals: WithGlobals("ReadableStream", "TextEncoder"),
			path: "/upload-sink", open: pathIs("/upload-sink"),
			ready:     func(o mocknetObservation) bool { return o.Path == "/upload-sink" && o.BodyBytes > 0 },
			rationale: "An upload driven by vat code keeps the socket open as long as the stream stays open; a stopped vat must stop sending."},
		{id: "TEAR-009", title: "request after a redirect is aborted",
			requirement: "Terminating a vat while a fetch waits on the target of a redirect must close that connection within 2 s.",
			profile:     ProfileCore, fixture: "teardown/fetch-and-wait", path: "/redirect-host/allowed.test?status=302&path=/hang",
			open:      pathIs("/hang"),
			rationale: "Following a redirect makes a new request; teardown must track the request in flight, not the first one."},
		{id: "TEAR-010", title: "timeout signal never fires into a torn-down vat",
			requirement: "A fetch with AbortSignal.timeout() pending at teardown must never settle, even after the timeout would have fired.",
			profile:     ProfileCore, fixture: "teardown/fetch-with-timeout", globals: WithGlobals("AbortSignal", "DOMException"),
			params: map[string]any{"ms": 400}, path: "/hang", open: pathIs("/hang"), awaitReady: true, quiet: 400 * time.Millisecond,
			rationale: "A timer armed by vat code is vat code waiting to run; after teardown nothing of the vat may run."},
	}
	specs := make([]Spec, 0, len(cases)+8)
	for _, c := range cases {
		specs = append(specs, c.spec())
	}
	spec := func(id, title, requirement, profile, rationale, fixture string, run func(t *T)) Spec {
		return Spec{Requirement: Requirement{ID: id, Title: title, Requirement: requirement, Profile: profile,
			Area: AreaTeardown, Source: srcTeardown, Rationale: rationale, Fixture: fixture}, Run: run}
	}
	return append(specs,
		spec("TEAR-011", "no notify after teardown",
			"After terminateVat returns, the vat must emit no further notify events.",
			ProfileCore,
			"Events after teardown are attributed to a vat that no longer exists and can resume a clock that was stopped.",
			"teardown/fetch-and-wait",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=20")})
				t.AwaitObservation("the streaming response", CloseDeadline, streaming("/drip-forever"))
				vat.Terminate()
				before := len(vat.Notifications())
				Consistently(func() int { return len(vat.Notifications()) }).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).
					Should(Equal(before), "notify events arrived after terminateVat returned")
			}),
		spec("TEAR-012", "many streams are cancelled at once",
			"Terminating a vat that is reading ten streaming bodies at once must close all ten connections within 2 s.",
			ProfileCore,
			"Teardown must track every open request, not only the latest one.",
			"teardown/many-reads",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("teardown/many-reads", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=20"), "count": 10})
				Eventually(func() int { return len(filterObs(t.Observations(), streaming("/drip-forever"))) }).
					WithTimeout(CloseDeadline).WithPolling(5*time.Millisecond).Should(Equal(10), "all ten streams must be open before teardown")
				vat.AwaitLog(ReadyMarker, CloseDeadline)
				vat.Terminate()
				t.ExpectClosedWithin("all ten streams", vat.TerminatedAt, CloseDeadline, pathIs("/drip-forever"))
				task.ExpectNeverSettles("a torn-down vat's promises must never settle")
			}),
		spec("TEAR-013", "many vats torn down",
			"Twenty vats, each with a request in flight, must each have their connection closed within 2 s of their own terminateVat.",
			ProfileCore,
			"Kernels stop vats in bulk (shutdown, upgrade); teardown must hold at scale.",
			"teardown/fetch-and-wait",
			func(t *T) {
				const n = 20
				vats := make([]*Vat, n)
				for i := range vats {
					vats[i] = t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
					vats[i].Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, fmt.Sprintf("/hang?vat=%d", i))})
				}
				Eventually(func() int { return len(filterObs(t.Observations(), pathIs("/hang"))) }).
					WithTimeout(CloseDeadline).WithPolling(5*time.Millisecond).Should(Equal(n), "every vat's request must reach mocknet")
				for i, v := range vats {
					v.Terminate()
					query := fmt.Sprintf("vat=%d", i)
					t.ExpectClosedWithin("the request of vat "+v.ID(), v.TerminatedAt, CloseDeadline, func(o mocknetObservation) bool {
						return o.Path == "/hang" && o.RawQuery == query
					})
				}
			}),
		spec("TEAR-014", "teardown leaves other vats alone",
			"Terminating one vat must not close or abort the in-flight request of another vat.",
			ProfileCore,
			"Vats are independent; one vat's termination must not break another's work (or, in a shared process, its sockets).",
			"teardown/fetch-and-wait",
			func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				a.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang?vat=a")})
				taskB := b.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang?vat=b")})
				isA := func(o mocknetObservation) bool { return o.Path == "/hang" && o.RawQuery == "vat=a" }
				isB := func(o mocknetObservation) bool { return o.Path == "/hang" && o.RawQuery == "vat=b" }
				t.AwaitObservation("vat A's request", CloseDeadline, isA)
				t.AwaitObservation("vat B's request", CloseDeadline, isB)
				a.Terminate()
				t.ExpectClosedWithin("vat A's request", a.TerminatedAt, CloseDeadline, isA)
				Consistently(func() []string {
					var closed []string
					for _, o := range filterObs(t.Observations(), isB) {
						if o.Outcome != mocknet.OutcomeInFlight {
							closed = append(closed, describeObservation(o))
						}
					}
					return closed
				}).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).Should(BeEmpty(), "vat B's request must stay open when vat A is terminated")
				_, settled := taskB.Settlement()
				Expect(settled).To(BeFalse(), "vat B's fetch must still be pending")
			}),
		spec("TEAR-015", "a new vat works after teardown",
			"After a vat with open requests is terminated, a new vat with the same configuration must fetch normally.",
			ProfileCore,
			"Teardown must release what it tore down, not poison shared machinery (transport, connection pool, endowment state) for later vats.",
			"notify/fetch-and-read",
			func(t *T) {
				first := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				first.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=20")})
				t.AwaitObservation("the first vat's stream", CloseDeadline, streaming("/drip-forever"))
				first.Terminate()
				second := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(second.Run("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/bytes/64"), "read": "arrayBuffer"})).To(ReturnedJSON(200))
			}),
		spec("TEAR-016", "teardown of an idle vat",
			"Terminating a vat with no request in flight must succeed, and a second terminateVat of the same vat must succeed too.",
			ProfileCore,
			"Teardown runs on every vat stop, busy or not, and may be triggered twice (kernel shutdown after a vat crash); it must be idempotent.",
			"",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Terminate()
				vat.Terminate()
			}),
		spec("TEAR-017", "terminate completes promptly",
			"terminateVat of a vat with ten open streams must return within 1 s.",
			ProfileCore,
			"Teardown blocks the kernel's vat shutdown; a slow teardown stalls every vat behind it.",
			"teardown/many-reads",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("teardown/many-reads", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=20"), "count": 10})
				Eventually(func() int { return len(filterObs(t.Observations(), streaming("/drip-forever"))) }).
					WithTimeout(CloseDeadline).WithPolling(5 * time.Millisecond).Should(Equal(10))
				start := time.Now()
				vat.Terminate()
				Expect(vat.TerminatedAt.Sub(start)).To(BeNumerically("<", time.Second), "terminateVat took too long")
			}),
		spec("TEAR-018", "body promise pending at teardown never settles",
			"A json() read pending at teardown on a body that would later end must never settle, even after the server finishes the body.",
			ProfileCore,
			"Late settlements run vat code after the vat stopped; the withTeardown guard in Snaps exists for exactly this.",
			"notify/fetch-and-read",
			func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, "/drip?numbytes=4&duration=0.4&delay=0"), "read": "arrayBuffer"})
				t.AwaitObservation("the drip response", CloseDeadline, streaming("/drip"))
				vat.Terminate()
				task.ExpectNeverSettles("the body read was pending at teardown")
			}),
	)
}

func filterObs(obs []mocknetObservation, pred func(mocknetObservation) bool) []mocknetObservation {
	var out []mocknetObservation
	for _, o := range obs {
		if pred(o) {
			out = append(out, o)
		}
	}
	return out
}
