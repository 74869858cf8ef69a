package dsl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

// Session is what the runner hands each spec: the implementation under test, the mock
// network it is routed through, and the log of events the implementation emitted.
type Session struct {
	// Implementation is the instance the spec drives; the runner replaces it between specs
	// after a failure, never during one.
	Implementation harness.Implementation
	Network        *mocknet.Network
	Events         *EventLog
	// CallTimeout bounds every protocol call a spec makes.
	CallTimeout time.Duration
	// NextVatID returns a vat ID unique in the run.
	NextVatID func() string
}

// T is what a spec body works with: vats on the implementation under test, the mock
// network's observations, and a journal of what happened for failure messages.
type T struct {
	ctx      context.Context
	session  Session
	spec     SpecInfo
	startSeq uint64
	// startLookup is the last DNS lookup mocknet had answered when the spec began.
	startLookup uint64

	mu      sync.Mutex
	vats    []*Vat
	journal []string
	infra   bool
	// restart is set when the implementation answered wrongly in a way that may have left
	// it wedged (a terminateVat that never came): not an infrastructure fault, but the next
	// spec needs a fresh instance.
	restart bool
}

// SpecInfo is what a spec declares that its body's helpers read: its ID (which keys its case
// in a cases fixture), its fixture and the globals it needs.
type SpecInfo struct {
	ID      string
	Fixture string
	// Globals are every global the spec's vats may ask for; nil means NetworkGlobals().
	Globals []string
}

// NewT starts a spec: what mocknet saw before this moment is not the spec's.
func NewT(ctx context.Context, s Session, spec SpecInfo) *T {
	if spec.Globals == nil {
		spec.Globals = NetworkGlobals()
	}
	return &T{ctx: ctx, session: s, spec: spec, startSeq: s.Network.LastSeq(), startLookup: s.Network.LastLookupSeq()}
}

// ID is the spec's ID.
func (t *T) ID() string { return t.spec.ID }

// Fixture is the fixture the spec declares ("area/name"), empty when it declares none.
func (t *T) Fixture() string { return t.spec.Fixture }

// Globals are the globals the spec declares: what its vats get unless they ask for fewer.
func (t *T) Globals() []string { return append([]string(nil), t.spec.Globals...) }

// callContext bounds one protocol call by the session's per-call timeout.
func (t *T) callContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.ctx, t.session.CallTimeout)
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

// AddHost adds a virtual host with the standard routes (the catalogue of mocknet) for the
// rest of the run, for specs that spread connections over more hosts than the standard
// scenario has. Names should be unique to the spec (contain its ID) since hosts are shared.
func (t *T) AddHost(name string) {
	t.session.Network.AddHost(name)
}

// Handle adds a spec-specific route on a virtual host for the rest of the run. Paths should
// be unique to the spec (prefix them with the spec ID) since hosts are shared.
func (t *T) Handle(host, pattern string, handler http.HandlerFunc) {
	t.session.Network.AddHost(host).Handle(pattern, handler)
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
	return t.session.Network.Since(t.startSeq)
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
		"mocknet never saw %s within %s; everything it saw:\n%s", what, within, DescribeObservations(t.Observations()))
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
				open = append(open, DescribeObservation(o))
			}
		}
		return open
	}).WithTimeout(time.Until(since.Add(d))+time.Millisecond).WithPolling(5*time.Millisecond).Should(BeEmpty(),
		"%s must be closed by the client within %s; still open on mocknet:", what, d)
}

// TerminateVats terminates every vat the spec created and did not terminate itself, so the
// next spec starts on a quiet network. The runner calls it after every spec body, passed or
// failed; a refusal is journalled, a transport fault marks the implementation broken.
func (t *T) TerminateVats() {
	t.mu.Lock()
	vats := append([]*Vat(nil), t.vats...)
	wedged := t.infra || t.restart
	t.mu.Unlock()
	if wedged {
		return
	}
	for _, v := range vats {
		if v.terminated {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), t.session.CallTimeout)
		err := t.session.Implementation.TerminateVat(ctx, v.id)
		cancel()
		v.terminated = true
		if err == nil {
			continue
		}
		t.Logf("cleanup: terminateVat %s → %v", v.id, err)
		var rpcErr *harness.RPCError
		if !errors.As(err, &rpcErr) {
			t.mu.Lock()
			t.infra = true
			t.mu.Unlock()
		}
	}
}

// ImplementationFailed reports whether the implementation or its transport broke during
// the spec (as opposed to answering wrongly); the runner restarts it before the next spec.
func (t *T) ImplementationFailed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.infra
}

// NeedsRestart reports whether the implementation must be restarted before the next spec:
// it broke (ImplementationFailed) or may be wedged by what the spec made it do.
func (t *T) NeedsRestart() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.infra || t.restart
}

// Journal returns what the spec did, one line per call, for its failure report.
func (t *T) Journal() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.journal...)
}
