package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/fixtures"
	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

// Globals a vat asks for most often.
var (
	// NetworkGlobals is the network endowment proper, as Snaps ships it.
	NetworkGlobals = []string{"fetch", "Request", "Headers", "Response"}
)

// WithGlobals returns NetworkGlobals plus extra, for specs that need abort or streams too.
func WithGlobals(extra ...string) []string {
	return append(append([]string{}, NetworkGlobals...), extra...)
}

// Hosts of the standard scenario every spec can use.
const (
	HostAllowed    = "allowed.test"
	HostEvil       = "evil.test"
	HostSubAllowed = "a.allowed.test"
	HostOther      = "other.test"
)

// Deadlines stated by the specs. Generous enough for slow adapters; the reference meets them
// in milliseconds.
const (
	// CloseDeadline is how soon after terminateVat returns mocknet must have seen a
	// connection closed.
	CloseDeadline = 2 * time.Second
	// SettleWindow is how long a spec watches for something that must not happen (a late
	// settlement, a late request) after the event that should have prevented it.
	SettleWindow = 300 * time.Millisecond
)

// T is what a spec body works with: vats on the implementation under test, the mock
// network's observations, and a journal of what happened for failure messages.
type T struct {
	ctx      context.Context
	env      *runEnv
	req      Requirement
	startSeq uint64

	mu      sync.Mutex
	vats    []*Vat
	journal []string
	infra   bool
}

// Context is the spec's context: cancelled when the spec times out or the run is interrupted.
func (t *T) Context() context.Context { return t.ctx }

// Logf adds a line to the journal shown when the spec fails.
func (t *T) Logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.mu.Lock()
	t.journal = append(t.journal, line)
	t.mu.Unlock()
}

// URL returns http://host + path, the address a vat uses to reach a virtual host.
func (t *T) URL(host, path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "http://" + host + path
}

// Handle adds a spec-specific route on a virtual host for the rest of the run. Paths should
// be unique to the spec (prefix them with the spec ID) since hosts are shared.
func (t *T) Handle(host, pattern string, handler http.HandlerFunc) {
	t.env.net.AddHost(host).Handle(pattern, handler)
}

// VatConfig is how a spec asks for a vat.
type VatConfig struct {
	// Globals to endow; nil means NetworkGlobals.
	Globals []string
	// AllowedHosts is the vat's network.allowedHosts.
	AllowedHosts []string
	// NoNetwork omits the network configuration altogether (allowedHosts not given).
	NoNetwork bool
}

// NewVat creates a vat and fails the spec if the implementation refuses.
func (t *T) NewVat(cfg VatConfig) *Vat {
	GinkgoHelper()
	v, err := t.CreateVat(cfg)
	Expect(err).NotTo(HaveOccurred(), "createVat(globals=%v, allowedHosts=%v) must succeed", v.globals, cfg.AllowedHosts)
	return v
}

// CreateVat creates a vat and returns the implementation's refusal as an error (a
// *harness.RPCError) for specs about vat configuration. Faults of the implementation fail
// the spec.
func (t *T) CreateVat(cfg VatConfig) (*Vat, error) {
	GinkgoHelper()
	globals := cfg.Globals
	if globals == nil {
		globals = NetworkGlobals
	}
	v := &Vat{t: t, id: t.env.nextVatID(), globals: globals}
	params := harness.CreateVatParams{VatID: v.id, Globals: globals}
	if !cfg.NoNetwork {
		hosts := cfg.AllowedHosts
		if hosts == nil {
			hosts = []string{}
		}
		params.Network = &harness.VatNetwork{AllowedHosts: hosts}
	}
	ctx, cancel := t.env.callContext(t.ctx)
	defer cancel()
	err := t.env.implementation().CreateVat(ctx, params)
	desc := fmt.Sprintf("createVat %s globals=%v network=%s", v.id, globals, describeNetwork(params.Network))
	var rpcErr *harness.RPCError
	switch {
	case err == nil:
		t.Logf("%s → ok", desc)
		t.mu.Lock()
		t.vats = append(t.vats, v)
		t.mu.Unlock()
		return v, nil
	case errors.As(err, &rpcErr):
		t.Logf("%s → refused: %v", desc, err)
		return v, err
	default:
		t.failInfra(desc, err)
		return v, err
	}
}

func describeNetwork(n *harness.VatNetwork) string {
	if n == nil {
		return "(none)"
	}
	b, _ := json.Marshal(n)
	return string(b)
}

// failInfra fails the spec because the implementation or its transport broke, as opposed to
// answering wrongly. The run restarts the implementation before the next spec.
func (t *T) failInfra(during string, err error) {
	GinkgoHelper()
	t.mu.Lock()
	t.infra = true
	t.mu.Unlock()
	t.Logf("%s → implementation failure: %v", during, err)
	Fail(fmt.Sprintf("implementation failure during %s: %v", during, err))
}

// Observations returns what mocknet saw since the spec began, in arrival order.
func (t *T) Observations() Seen {
	return t.env.net.Since(t.startSeq)
}

// ObservationsOf returns what host saw since the spec began.
func (t *T) ObservationsOf(host string) Seen {
	var out Seen
	for _, o := range t.Observations() {
		if o.Host == host {
			out = append(out, o)
		}
	}
	return out
}

// AwaitObservation waits until mocknet has seen an exchange matching pred (evaluated on the
// latest state of each exchange) and returns it; the spec fails after within.
func (t *T) AwaitObservation(what string, within time.Duration, pred func(mocknet.Observation) bool) mocknet.Observation {
	GinkgoHelper()
	var matching Seen
	Eventually(t.ctx, func() Seen {
		matching = nil
		for _, o := range t.Observations() {
			if pred(o) {
				matching = append(matching, o)
			}
		}
		return matching
	}).WithTimeout(within).WithPolling(5*time.Millisecond).Should(Not(BeEmpty()),
		"mocknet never saw %s within %s; everything it saw:\n%s", what, within, describeObservations(t.Observations()))
	return matching[0]
}

// ExpectNoContact asserts that no exchange reached host since the spec began.
func (t *T) ExpectNoContact(host string) {
	GinkgoHelper()
	seen := t.ObservationsOf(host)
	Expect(seen).To(BeEmpty(), "no request may reach %s; what mocknet saw there", host)
}

// ExpectClosedWithin asserts that every exchange matching pred was closed by the client
// (or completed) within d of since.
func (t *T) ExpectClosedWithin(what string, since time.Time, d time.Duration, pred func(mocknet.Observation) bool) {
	GinkgoHelper()
	Eventually(t.ctx, func() []string {
		var open []string
		for _, o := range t.Observations() {
			if pred(o) && o.Outcome == mocknet.OutcomeInFlight {
				open = append(open, describeObservation(o))
			}
		}
		return open
	}).WithTimeout(time.Until(since.Add(d))+time.Millisecond).WithPolling(5*time.Millisecond).Should(BeEmpty(),
		"%s must be closed by the client within %s; still open on mocknet:", what, d)
}

// Seen is what mocknet observed. In a failed assertion it prints one readable line per
// exchange (host, method, path, timing, outcome) instead of Go structs.
type Seen []mocknet.Observation

// GomegaString is how Gomega prints Seen in failure messages.
func (s Seen) GomegaString() string { return describeObservations(s) }

// Vat is one vat on the implementation under test.
type Vat struct {
	t       *T
	id      string
	globals []string
	tasks   int
	// terminated is set once terminateVat has returned.
	terminated bool
	// TerminatedAt is when terminateVat returned.
	TerminatedAt time.Time
}

// ID is the vat's ID on the implementation.
func (v *Vat) ID() string { return v.id }

// Result is what a program in a vat produced: a JSON value, or the error it threw.
type Result struct {
	Program string
	Value   json.RawMessage
	Error   *harness.JSError
}

func (r Result) String() string {
	if r.Error != nil {
		return fmt.Sprintf("%s threw %s: %s", r.Program, r.Error.Name, r.Error.Message)
	}
	return fmt.Sprintf("%s returned %s", r.Program, truncate(string(r.Value), 400))
}

// Decode unmarshals the program's value into dst, failing the spec if the program threw.
func (r Result) Decode(dst any) {
	GinkgoHelper()
	Expect(r.Error).To(BeNil(), "%s must not throw", r.Program)
	Expect(json.Unmarshal(r.Value, dst)).To(Succeed(), "%s returned %s, which does not decode", r.Program, r.Value)
}

// Run evaluates fixture with params in the vat and waits for it to settle.
func (v *Vat) Run(fixture string, params any) Result {
	GinkgoHelper()
	src, err := fixtures.Program(fixture, params)
	Expect(err).NotTo(HaveOccurred())
	return v.evaluate(fixtureLabel(fixture, params), src)
}

// Eval evaluates an inline program (the body of an async function) in the vat. Prefer a
// fixture for anything an adapter author would want to read.
func (v *Vat) Eval(source string) Result {
	GinkgoHelper()
	return v.evaluate("inline program", source)
}

func (v *Vat) evaluate(label, src string) Result {
	GinkgoHelper()
	ctx, cancel := v.t.env.callContext(v.t.ctx)
	defer cancel()
	res, err := v.t.env.implementation().Evaluate(ctx, v.id, src)
	r := Result{Program: label, Value: res.Value, Error: res.Error}
	if err != nil {
		v.t.failInfra(fmt.Sprintf("evaluate %s in %s", label, v.id), err)
	}
	v.t.Logf("evaluate in %s: %s", v.id, r)
	return r
}

// Task is a program started in a vat that keeps running.
type Task struct {
	vat   *Vat
	id    string
	label string
	// Started is when start was sent.
	Started time.Time
}

// Start runs fixture with params as a task and returns at once.
func (v *Vat) Start(fixture string, params any) *Task {
	GinkgoHelper()
	src, err := fixtures.Program(fixture, params)
	Expect(err).NotTo(HaveOccurred())
	v.tasks++
	task := &Task{vat: v, id: fmt.Sprintf("%s-t%d", v.id, v.tasks), label: fixtureLabel(fixture, params), Started: time.Now()}
	ctx, cancel := v.t.env.callContext(v.t.ctx)
	defer cancel()
	if err := v.t.env.implementation().Start(ctx, v.id, task.id, src); err != nil {
		v.t.failInfra(fmt.Sprintf("start %s in %s", task.label, v.id), err)
	}
	v.t.Logf("start %s in %s as %s", task.label, v.id, task.id)
	return task
}

// Settlement returns the task's settlement, if it has settled.
func (k *Task) Settlement() (harness.TaskSettledEvent, bool) {
	return k.vat.t.env.events.settlement(k.vat.id, k.id)
}

// Await waits for the task to settle and fails the spec after within.
func (k *Task) Await(within time.Duration) harness.TaskSettledEvent {
	GinkgoHelper()
	var ev harness.TaskSettledEvent
	Eventually(k.vat.t.ctx, func() bool {
		var ok bool
		ev, ok = k.Settlement()
		return ok
	}).WithTimeout(within).WithPolling(5*time.Millisecond).Should(BeTrue(), "task %s (%s) must settle within %s", k.id, k.label, within)
	k.vat.t.Logf("task %s settled %s", k.id, describeSettlement(ev))
	return ev
}

// AwaitValue waits for the task to settle, requires that it fulfilled, and decodes its value
// into dst.
func (k *Task) AwaitValue(within time.Duration, dst any) {
	GinkgoHelper()
	settled := k.Await(within)
	Expect(settled.Status).To(Equal("fulfilled"), "task %s (%s): %s", k.id, k.label, describeSettlement(settled))
	Expect(json.Unmarshal(settled.Value, dst)).To(Succeed(), "task %s returned %s, which does not decode", k.id, settled.Value)
}

// ExpectNeverSettles asserts the task has not settled and does not within SettleWindow.
func (k *Task) ExpectNeverSettles(why string) {
	GinkgoHelper()
	k.ExpectNeverSettlesFor(SettleWindow, why)
}

// ExpectNeverSettlesFor is ExpectNeverSettles watching for d, for programs that arm
// something (a timeout) that would fire later than SettleWindow.
func (k *Task) ExpectNeverSettlesFor(d time.Duration, why string) {
	GinkgoHelper()
	Consistently(k.vat.t.ctx, func() string {
		if ev, ok := k.Settlement(); ok {
			return describeSettlement(ev)
		}
		return ""
	}).WithTimeout(d).WithPolling(10*time.Millisecond).Should(BeEmpty(), "task %s (%s) settled, but %s", k.id, k.label, why)
}

func describeSettlement(ev harness.TaskSettledEvent) string {
	if ev.Error != nil {
		return fmt.Sprintf("%s with %s: %s", ev.Status, ev.Error.Name, ev.Error.Message)
	}
	return fmt.Sprintf("%s with %s", ev.Status, truncate(string(ev.Value), 200))
}

// Terminate tears the vat down and waits for the implementation to say teardown completed.
func (v *Vat) Terminate() {
	GinkgoHelper()
	ctx, cancel := v.t.env.callContext(v.t.ctx)
	defer cancel()
	start := time.Now()
	err := v.t.env.implementation().TerminateVat(ctx, v.id)
	v.TerminatedAt = time.Now()
	v.terminated = true
	if err != nil {
		var rpcErr *harness.RPCError
		if errors.As(err, &rpcErr) {
			v.t.Logf("terminateVat %s → refused: %v", v.id, err)
			Fail(fmt.Sprintf("terminateVat %s must succeed, got %v", v.id, err))
		}
		v.t.failInfra("terminateVat "+v.id, err)
	}
	v.t.Logf("terminateVat %s → ok after %s", v.id, v.TerminatedAt.Sub(start).Round(time.Millisecond))
}

// ReadyMarker is what fixtures log once they hold open what a spec is about to test
// (a body being read, a reader, a clone), so that the spec acts at that moment and not
// merely when mocknet has seen the request.
const ReadyMarker = "conform: ready"

// AwaitLog waits until the vat has logged a line containing text.
func (v *Vat) AwaitLog(text string, within time.Duration) {
	GinkgoHelper()
	Eventually(v.t.ctx, func() []string {
		var lines []string
		for _, l := range v.Logs() {
			lines = append(lines, l.Message)
		}
		return lines
	}).WithTimeout(within).WithPolling(5*time.Millisecond).Should(ContainElement(ContainSubstring(text)),
		"vat %s must log %q (its program logs it once it is ready)", v.id, text)
}

// Notifications returns the notify events the vat emitted so far.
func (v *Vat) Notifications() []harness.NotifyEvent { return v.t.env.events.notifications(v.id) }

// NotifyMethods returns the methods of the vat's notify events, in order.
func (v *Vat) NotifyMethods() []string {
	var methods []string
	for _, n := range v.Notifications() {
		methods = append(methods, n.Method)
	}
	return methods
}

// Logs returns the console output of the vat so far.
func (v *Vat) Logs() []harness.LogEvent { return v.t.env.events.logs(v.id) }

func fixtureLabel(fixture string, params any) string {
	if params == nil {
		return fixture
	}
	b, _ := json.Marshal(params)
	return fixture + " " + truncate(string(b), 200)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// describeObservations renders observations one per line, for failure messages.
func describeObservations(obs []mocknet.Observation) string {
	if len(obs) == 0 {
		return "  (nothing)"
	}
	var b strings.Builder
	for _, o := range obs {
		b.WriteString("  ")
		b.WriteString(describeObservation(o))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func describeObservation(o mocknet.Observation) string {
	if o.Escape {
		return fmt.Sprintf("ESCAPE attempt to %s (%s %s via %s) at %s", o.Target, o.Method, o.Path, o.Via, o.Received.Format("15:04:05.000"))
	}
	line := fmt.Sprintf("%s %s %s%s via %s: received %s, %s", o.Host, o.Method, o.Path, query(o.RawQuery), o.Via, o.Received.Format("15:04:05.000"), o.Outcome)
	if !o.ClosedAt.IsZero() {
		line += fmt.Sprintf(" at %s (+%s)", o.ClosedAt.Format("15:04:05.000"), o.ClosedAt.Sub(o.Received).Round(time.Millisecond))
	}
	if o.BodyBytes > 0 {
		line += fmt.Sprintf(", request body %d bytes", o.BodyBytes)
	}
	if o.BytesSent > 0 {
		line += fmt.Sprintf(", %d bytes sent", o.BytesSent)
	}
	return line
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}
