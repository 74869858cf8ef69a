package runner

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/dsl"
)

// session is the state of one run: the mock network, the implementation (restarted after a
// fault, and before a spec that tampers when anything it must not inherit ran), the events
// it emitted, and each spec's report and evidence, filed by spec ID.
type session struct {
	ctx    context.Context
	opts   Options
	net    *mocknet.Network
	events *dsl.EventLog

	mu     sync.Mutex
	impl   harness.Implementation
	info   harness.InitializeResult
	broken bool
	// dirty: the implementation ran a spec whose traces a tampering spec must not inherit
	// (any spec that does not tamper, or a tampering spec that failed). start clears it.
	dirty bool
	// tampered: the implementation ran a tampering spec, whose traces no other spec may
	// inherit. start clears it.
	tampered bool
	fatal    error
	vatSeq   int
	finished int
	reports  map[string]types.SpecReport
	evidence map[string]*evidence
	// implWarnings are the protocol warnings of implementation instances already shut down.
	implWarnings []string
	// ownWarnings is set when an implementation reports its own protocol violations
	// (harness.WarningSource), which then replace the run's event-log check.
	ownWarnings bool
	// For a parallel run's worker (Options.Queue): the specs handed out and reached so
	// far; those handed out but not reached yet; whether the queue is done; and how long
	// the wait for a spec took when it was handed out as it was reached.
	handedOut map[string]bool
	pending   []string
	queueDone bool
	heldFor   map[string]time.Duration
	// hangs counts the in-process instances that stopped answering (harness.Bound).
	hangs int
	// needs are the missing globals and features of the specs found not applicable
	// (applicability.go).
	needs map[string][]string
}

// evidence is what a failed spec left for its report.
type evidence struct {
	journal        []string
	observations   string
	adapterLog     string
	infrastructure bool
}

func newSession(ctx context.Context, opts Options) (*session, error) {
	net, err := mocknet.New()
	if err != nil {
		return nil, fmt.Errorf("start mock network: %w", err)
	}
	for _, h := range mocknet.StandardHosts() {
		net.AddHost(h)
	}
	s := &session{ctx: ctx, opts: opts, net: net, events: dsl.NewEventLog(),
		reports: map[string]types.SpecReport{}, evidence: map[string]*evidence{}, needs: map[string][]string{}}
	if err := s.start(); err != nil {
		_ = net.Close()
		return nil, err
	}
	return s, nil
}

// start creates and initialises a fresh implementation instance.
func (s *session) start() error {
	impl, err := s.opts.Target.New(s.net, Timeouts{Call: s.opts.CallTimeout, Initialize: s.opts.InitializeTimeout})
	if err != nil {
		return fmt.Errorf("start implementation %s: %w", s.opts.Target.Name, err)
	}
	if s.opts.Target.Adapter == "" {
		// An in-process implementation gets the bounds an adapter gets from its harness: a
		// call that does not return within the call timeout is a hang, and the instance is
		// replaced (restart) as a hung adapter is.
		impl = harness.Bound(impl, harness.BoundOptions{Name: s.opts.Target.Name,
			CallTimeout: s.opts.CallTimeout, InitializeTimeout: s.opts.InitializeTimeout, OnHang: s.hung})
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.InitializeTimeout)
	defer cancel()
	info, err := impl.Initialize(ctx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: s.net.ProxyURL(), DNS: s.net.DNSAddr(), CA: string(s.net.CertificateAuthority())},
		Listener:        s.events,
	})
	if err != nil {
		s.shutdown(impl)
		return fmt.Errorf("initialize implementation %s: %w", s.opts.Target.Name, err)
	}
	if !harness.SpeaksVersion(info.ProtocolVersion) {
		s.shutdown(impl)
		return fmt.Errorf("implementation %s speaks protocol version %q, this suite speaks %q", s.opts.Target.Name, info.ProtocolVersion, harness.ProtocolVersion)
	}
	s.mu.Lock()
	s.impl, s.info, s.broken, s.dirty, s.tampered = impl, info, false, false, false
	s.mu.Unlock()
	return nil
}

// hung records that an in-process instance stopped answering. The spec whose call hung
// fails as an infrastructure failure and the instance is replaced before the next spec, as
// a hung adapter is; a parallel run's worker also tells its parent (Queue.Hung).
func (s *session) hung(err *harness.HungError) {
	s.mu.Lock()
	s.hangs++
	s.mu.Unlock()
	if s.opts.Queue != nil {
		s.opts.Queue.Hung(err.Error())
	}
}

func (s *session) shutdown(impl harness.Implementation) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = impl.Shutdown(ctx)
	// An adapter that ignores shutdown is itself a protocol violation, known only now.
	if ws, ok := impl.(harness.WarningSource); ok {
		s.mu.Lock()
		s.ownWarnings = true
		s.implWarnings = append(s.implWarnings, ws.Warnings()...)
		s.mu.Unlock()
	}
}

func (s *session) close() {
	s.mu.Lock()
	impl := s.impl
	s.mu.Unlock()
	if impl != nil {
		s.shutdown(impl)
	}
	_ = s.net.Close()
}

func (s *session) implementation() harness.Implementation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.impl
}

func (s *session) fatalError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fatal
}

// knownVat reports whether the run created a vat with this ID.
func (s *session) knownVat(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int
	if _, err := fmt.Sscanf(id, "v%d", &n); err != nil || fmt.Sprintf("v%d", n) != id {
		return false
	}
	return n >= 1 && n <= s.vatSeq
}

// warnings are the protocol violations of the run that failed no spec: what the
// implementations reported of themselves, or else what the event log shows. Call it after
// close, when every instance has been shut down.
func (s *session) warnings() []string {
	s.mu.Lock()
	own, list := s.ownWarnings, append([]string(nil), s.implWarnings...)
	s.mu.Unlock()
	if own {
		return dedupe(list)
	}
	return s.events.Violations(s.knownVat)
}

// dedupe keeps the first of equal warnings (an External keeps its list across restarts, so
// each instance's shutdown reports the earlier ones again).
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range list {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func (s *session) nextVatID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vatSeq++
	return fmt.Sprintf("v%d", s.vatSeq)
}

// runSpec runs one spec with a fresh T, then tears down its vats and checks that nothing
// escaped the mock network, inside the same spec so those failures count against it.
func (s *session) runSpec(ctx SpecContext, spec suite.Spec) {
	if s.ctx.Err() != nil {
		AbortSuite("run interrupted: " + s.ctx.Err().Error())
	}
	s.mu.Lock()
	broken, fatal := s.broken, s.fatal
	s.mu.Unlock()
	if fatal != nil {
		AbortSuite("implementation could not be restarted: " + fatal.Error())
	}
	s.skipIfNotApplicable(spec)
	if broken {
		s.restart("after a failure")
	}
	t := dsl.NewT(ctx, dsl.Session{
		Implementation: s.implementation(),
		Network:        s.net,
		Events:         s.events,
		CallTimeout:    s.opts.CallTimeout,
		NextVatID:      s.nextVatID,
	}, dsl.SpecInfo{ID: spec.ID, Fixture: spec.Fixture, Globals: spec.Globals})
	DeferCleanup(func() {
		defer func() {
			// A tampering spec that passed showed that another vat's reads stayed intact, so
			// what it changed is not visible outside its vats; one that failed left shared
			// damage behind.
			if !spec.Tampers || CurrentSpecReport().Failed() {
				s.mu.Lock()
				s.dirty = true
				s.mu.Unlock()
			}
		}()
		s.finishSpec(spec.ID, t)
	})
	spec.Run(t)
}

// claim records that a parallel run's worker runs the spec if it is the next one its
// queue handed it (handed reports it); the worker passes it over otherwise. The worker asks
// for more specs only once it reached those it was handed: the queue hands specs out in
// the plan's order, which is the order of the tree.
func (s *session) claim(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hangs > 0 {
		// A worker whose implementation hung takes no more specs (Queue.Hung).
		s.queueDone = true
	}
	if len(s.pending) == 0 && !s.queueDone && s.ctx.Err() == nil {
		s.mu.Unlock()
		began := time.Now()
		ids := s.opts.Queue.Next()
		waited := time.Since(began)
		s.mu.Lock()
		s.pending, s.queueDone = ids, len(ids) == 0
		if len(ids) > 0 && ids[0] == id {
			if s.heldFor == nil {
				s.heldFor = map[string]time.Duration{}
			}
			s.heldFor[id] = waited
		}
	}
	if len(s.pending) == 0 || s.pending[0] != id {
		return
	}
	s.pending = s.pending[1:]
	if s.handedOut == nil {
		s.handedOut = map[string]bool{}
	}
	s.handedOut[id] = true
}

// handed reports whether the queue handed this spec to the run.
func (s *session) handed(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handedOut[id]
}

// ran is the part of the plan the run was to run: all of it, or for a parallel run's
// worker what its queue handed it.
func (s *session) ran(plan []suite.Spec) []suite.Spec {
	if s.opts.Queue == nil {
		return plan
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []suite.Spec
	for _, spec := range plan {
		if s.handedOut[spec.ID] {
			out = append(out, spec)
		}
	}
	return out
}

// restart replaces the implementation with a fresh instance; when that fails the run
// cannot go on.
func (s *session) restart(why string) {
	s.shutdown(s.implementation())
	if err := s.start(); err != nil {
		s.mu.Lock()
		s.fatal = err
		s.mu.Unlock()
		AbortSuite("restart implementation " + why + ": " + err.Error())
	}
}

// freshForTampering gives a tampering spec an implementation in which nothing ran that
// could decide its status: not the specs that do not tamper (a vat that asked for a global
// the implementation then hardened for every vat), nor a tampering spec that failed (the
// damage it showed is shared). The status is then the same whatever the order, the worker
// or the selection. It runs before the spec, outside its timeout, and restarts only when
// needed: an adapter's start is the costly part of a tampering spec.
func (s *session) freshForTampering() {
	s.mu.Lock()
	dirty := s.dirty
	s.tampered = true
	s.mu.Unlock()
	if !dirty || s.ctx.Err() != nil || s.fatalError() != nil {
		return // runSpec reports an interruption or a failed restart
	}
	s.restart("before a tampering spec")
}

// freshAfterTampering gives a spec that does not tamper an implementation no tampering spec
// ran in. In one process the tampering specs run last and it never restarts; a parallel
// run's worker starts with them and restarts once before its other specs.
func (s *session) freshAfterTampering() {
	s.mu.Lock()
	tampered := s.tampered
	s.mu.Unlock()
	if !tampered || s.ctx.Err() != nil || s.fatalError() != nil {
		return
	}
	s.restart("after tampering specs")
}

func (s *session) finishSpec(id string, t *dsl.T) {
	// Vats are terminated even when the spec failed half-way, so the next spec starts on a
	// quiet network; a failure here still counts against this spec.
	failed := CurrentSpecReport().Failed()
	t.TerminateVats()
	if t.NeedsRestart() || failed && s.stillBusy(t) {
		s.mu.Lock()
		s.broken = true
		s.mu.Unlock()
	}
	escapes := dsl.Escapes(t.Observations())
	if failed || len(escapes) > 0 {
		ev := &evidence{
			journal:        t.Journal(),
			observations:   dsl.DescribeObservations(t.Observations()) + "\nWhat mocknet's DNS was asked:\n" + dsl.DescribeLookups(t.Lookups()),
			infrastructure: t.ImplementationFailed(),
		}
		if tail, ok := s.implementation().(harness.LogTailer); ok {
			ev.adapterLog = tail.LogTail()
		}
		s.mu.Lock()
		s.evidence[id] = ev
		s.mu.Unlock()
	}
	Expect(escapes).To(BeEmpty(), "nothing may leave the mock network; what mocknet refused")
}

// busyProbe is how long, after a failed spec's vats are terminated, the runner watches mocknet
// for requests that prove the implementation is still working for them.
const busyProbe = 100 * time.Millisecond

// stillBusy reports whether the implementation still works for vats it was told to
// terminate: one of the spec's exchanges is still open, or a new request arrives within
// busyProbe. An implementation whose teardown failed this way (a fetch loop that never
// stops, a body nobody closes) is restarted before the next spec, so that spec is not charged
// for traffic it did not cause.
func (s *session) stillBusy(t *dsl.T) bool {
	for _, o := range t.Observations() {
		if o.Outcome == mocknet.OutcomeInFlight {
			t.Logf("after termination: %s is still open; the implementation is restarted before the next spec", dsl.DescribeObservation(o))
			return true
		}
	}
	mark := s.net.LastSeq()
	deadline := time.Now().Add(busyProbe)
	for time.Now().Before(deadline) {
		if s.net.LastSeq() != mark {
			t.Logf("after termination: mocknet still receives requests; the implementation is restarted before the next spec")
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// record files a spec's final report under its ID.
func (s *session) record(id string, r types.SpecReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports[id] = r
}

func (s *session) progress(spec suite.Spec, r types.SpecReport, total int) {
	if r.LeafNodeType != types.NodeTypeIt {
		return
	}
	done := SpecDone{ID: spec.ID, Title: spec.Title, Status: "PASS", Took: r.RunTime}
	switch {
	case r.State.Is(types.SpecStateSkipped) && strings.HasPrefix(r.Failure.Message, notApplicablePrefix):
		done.Status = "N/A"
	case r.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		done.Status = "SKIP"
	case r.Failed():
		done.Status = "FAIL"
	}
	if s.opts.Queue != nil {
		s.mu.Lock()
		done.Took -= s.heldFor[spec.ID]
		s.mu.Unlock()
		s.opts.Queue.Finished(done)
	}
	if s.opts.Progress == nil {
		return
	}
	s.mu.Lock()
	s.finished++
	n := s.finished
	s.mu.Unlock()
	fmt.Fprint(s.opts.Progress, done.Line(n, total))
}
