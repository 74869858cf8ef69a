package dsl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/fixtures"
	"github.com/conform-suite/conform/harness"
)

// VatConfig is how a spec asks for a vat.
type VatConfig struct {
	// Globals to endow; nil means every global the spec declares. A vat may ask for fewer
	// than the spec declares, never for a web global it does not declare.
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
		globals = t.Globals()
	}
	if undeclared := t.undeclared(globals); len(undeclared) > 0 {
		Fail(fmt.Sprintf("catalogue bug in %s: it creates a vat with %v but declares only the globals %v; declare every global the spec needs (Globals of its row or of its file's defaults)", t.spec.ID, undeclared, t.spec.Globals))
	}
	v := &Vat{t: t, id: t.session.NextVatID(), globals: globals}
	params := harness.CreateVatParams{VatID: v.id, Globals: globals}
	if !cfg.NoNetwork {
		hosts := cfg.AllowedHosts
		if hosts == nil {
			hosts = []string{}
		}
		params.Network = &harness.VatNetwork{AllowedHosts: hosts}
	}
	ctx, cancel := t.callContext()
	defer cancel()
	err := t.session.Implementation.CreateVat(ctx, params)
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
	// TornDownAt is when the last teardownVat returned.
	TornDownAt time.Time
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
	ctx, cancel := v.t.callContext()
	defer cancel()
	res, err := v.t.session.Implementation.Evaluate(ctx, v.id, src)
	r := Result{Program: label, Value: res.Value, Error: res.Error}
	if err != nil {
		v.t.failInfra(fmt.Sprintf("evaluate %s in %s", label, v.id), err)
	}
	v.t.Logf("evaluate in %s: %s", v.id, r)
	return r
}

// Terminate tears the vat down and waits for the implementation to say teardown completed.
func (v *Vat) Terminate() {
	GinkgoHelper()
	ctx, cancel := v.t.callContext()
	defer cancel()
	start := time.Now()
	err := v.t.session.Implementation.TerminateVat(ctx, v.id)
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

// TerminateWithin is Terminate for specs whose requirement is that teardown completes within
// d even when the vat misbehaves (a loop that never yields). An implementation that does not
// answer in time fails the spec as a conformance failure, not an infrastructure fault (not
// answering is what the spec is about), and is restarted before the next spec, since it may
// be wedged with the vat.
func (v *Vat) TerminateWithin(d time.Duration) {
	GinkgoHelper()
	// A little slack over d, so an answer at the deadline is judged by the spec's own
	// assertion, with the time it took, rather than cut off by the transport.
	ctx, cancel := context.WithTimeout(v.t.ctx, d+d/4)
	defer cancel()
	start := time.Now()
	err := v.t.session.Implementation.TerminateVat(ctx, v.id)
	v.TerminatedAt = time.Now()
	v.terminated = true
	took := v.TerminatedAt.Sub(start)
	var rpcErr *harness.RPCError
	switch {
	case err == nil:
		v.t.Logf("terminateVat %s → ok after %s", v.id, took.Round(time.Millisecond))
		Expect(took).To(BeNumerically("<", d), "terminateVat %s must answer within %s", v.id, d)
	case errors.As(err, &rpcErr):
		v.t.Logf("terminateVat %s → refused: %v", v.id, err)
		Fail(fmt.Sprintf("terminateVat %s must succeed, got %v", v.id, err))
	case took >= d:
		v.t.Logf("terminateVat %s → no answer within %s: %v", v.id, d, err)
		v.t.mu.Lock()
		v.t.restart = true
		v.t.mu.Unlock()
		Fail(fmt.Sprintf("terminateVat %s must answer within %s; it did not answer at all (%v)", v.id, d, err))
	default:
		v.t.failInfra("terminateVat "+v.id, err)
	}
}

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
func (v *Vat) Notifications() []harness.NotifyEvent { return v.t.session.Events.notifications(v.id) }

// NotifyMethods returns the methods of the vat's notify events, in order.
func (v *Vat) NotifyMethods() []string {
	var methods []string
	for _, n := range v.Notifications() {
		methods = append(methods, n.Method)
	}
	return methods
}

// Logs returns the console output of the vat so far.
func (v *Vat) Logs() []harness.LogEvent { return v.t.session.Events.logs(v.id) }

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
