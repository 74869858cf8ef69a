package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
)

// Target says how to reach the implementation under test.
type Target struct {
	// Name identifies the target in messages before the implementation names itself.
	Name string
	// Adapter is the adapter command line, empty for an in-process implementation.
	Adapter string
	// New starts a fresh instance of the implementation, routed through net. The run calls it
	// again after an implementation failure, so each spec starts on a healthy instance.
	New func(net *mocknet.Network, callTimeout time.Duration) (harness.Implementation, error)
}

// Shard selects a deterministic part of the specs: Index in 1..Total.
type Shard struct{ Index, Total int }

// RunConfig selects the specs to run and where to run them.
type RunConfig struct {
	Target      Target
	Profiles    []string // empty: all
	LabelFilter string   // Ginkgo label filter syntax
	SpecIDs     []string // empty: all
	Shard       Shard    // zero: no sharding
	CallTimeout time.Duration
	FailFast    bool
	// Progress receives one line per finished spec; nil discards.
	Progress io.Writer
	// Verbose shows Ginkgo's own output too.
	Verbose bool
}

// ConfigError is a mistake in the run's configuration (unknown profile or spec ID, bad
// filter). The CLI reports it as a usage error.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// InfraError means the implementation or the harness failed in a way that stopped the run
// (the adapter would not start or could not be restarted).
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }

// ginkgoRan guards the one RunSpecs call Ginkgo allows per process (Ginkgo keeps its spec
// tree in package state and exits the process on a second call).
var ginkgoRan atomic.Bool

// Select returns the specs cfg selects, sorted by ID, or a *ConfigError.
func Select(cfg RunConfig) ([]Requirement, error) {
	specs, err := selectSpecs(cfg)
	if err != nil {
		return nil, err
	}
	reqs := make([]Requirement, len(specs))
	for i, s := range specs {
		reqs[i] = s.Requirement
	}
	return reqs, nil
}

func selectSpecs(cfg RunConfig) ([]Spec, error) {
	specs := allSpecs()
	if err := validateSpecs(specs); err != nil {
		return nil, err
	}
	profiles := setOf(Profiles())
	for _, p := range cfg.Profiles {
		if !profiles[p] {
			return nil, &ConfigError{fmt.Sprintf("unknown profile %q: valid profiles are %s", p, strings.Join(Profiles(), ", "))}
		}
	}
	known := map[string]bool{}
	for _, s := range specs {
		known[s.ID] = true
	}
	for _, id := range cfg.SpecIDs {
		if !known[id] {
			return nil, &ConfigError{fmt.Sprintf("unknown spec ID %q: `conform list` shows every ID", id)}
		}
	}
	filter := func([]string) bool { return true }
	if strings.TrimSpace(cfg.LabelFilter) != "" {
		f, err := types.ParseLabelFilter(cfg.LabelFilter)
		if err != nil {
			return nil, &ConfigError{fmt.Sprintf("invalid --label-filter %q: %v", cfg.LabelFilter, err)}
		}
		filter = f
	}
	if cfg.Shard.Total < 0 || (cfg.Shard.Total > 0 && (cfg.Shard.Index < 1 || cfg.Shard.Index > cfg.Shard.Total)) {
		return nil, &ConfigError{fmt.Sprintf("invalid shard %d/%d: use I/N with 1 ≤ I ≤ N", cfg.Shard.Index, cfg.Shard.Total)}
	}
	wantProfile := setOf(cfg.Profiles)
	wantID := setOf(cfg.SpecIDs)
	var selected []Spec
	for _, s := range specs {
		if len(wantProfile) > 0 && !wantProfile[s.Profile] {
			continue
		}
		if len(wantID) > 0 && !wantID[s.ID] {
			continue
		}
		if !filter(s.Labels()) {
			continue
		}
		selected = append(selected, s)
	}
	if cfg.Shard.Total > 1 {
		// Round-robin over the ID-sorted list: deterministic, and every shard gets a mix of
		// areas so shard durations stay similar.
		var shard []Spec
		for i, s := range selected {
			if i%cfg.Shard.Total == cfg.Shard.Index-1 {
				shard = append(shard, s)
			}
		}
		selected = shard
	}
	return selected, nil
}

// Run runs the selected specs against cfg.Target and returns the run's report. It may be
// called once per process. The returned run is complete even when err is an *InfraError
// or ctx was cancelled (it is then marked interrupted), so reports can always be written.
func Run(ctx context.Context, cfg RunConfig) (*reports.Run, error) {
	specs, err := selectSpecs(cfg)
	if err != nil {
		return nil, err
	}
	if !ginkgoRan.CompareAndSwap(false, true) {
		return nil, errors.New("suite.Run can run once per process (Ginkgo keeps one spec tree per process)")
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	run := &reports.Run{
		SchemaVersion:  "1",
		Implementation: reports.Implementation{Name: cfg.Target.Name, Adapter: cfg.Target.Adapter},
		Profiles:       cfg.Profiles,
		LabelFilter:    cfg.LabelFilter,
		StartedAt:      time.Now(),
	}
	if len(run.Profiles) == 0 {
		run.Profiles = Profiles()
	}
	if cfg.Shard.Total > 1 {
		run.Shard = fmt.Sprintf("%d/%d", cfg.Shard.Index, cfg.Shard.Total)
	}

	env, err := newRunEnv(ctx, cfg)
	if err != nil {
		run.FinishedAt = time.Now()
		run.Interrupted = true
		run.InterruptReason = err.Error()
		run.Specs = notRun(specs, "not run: "+err.Error())
		return run, &InfraError{err}
	}
	defer env.close()
	run.Implementation.Name = env.info.Name
	run.Implementation.Version = env.info.Version
	run.Implementation.Globals = env.info.Globals
	run.Implementation.Features = env.info.Features

	var suiteReport types.Report
	registerSpecs(env, specs)
	ReportAfterSuite("conform", func(r Report) { suiteReport = r })
	ReportAfterEach(func(r SpecReport) { env.progress(r, len(specs)) })

	RegisterFailHandler(Fail)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.FailFast = cfg.FailFast
	suiteConfig.Timeout = 24 * time.Hour
	suiteConfig.RandomizeAllSpecs = false
	reporterConfig.NoColor = true
	reporterConfig.Succinct = !cfg.Verbose
	reporterConfig.Verbose = cfg.Verbose
	if !cfg.Verbose {
		// Ginkgo's default reporter writes to this package variable; the run prints its own
		// progress lines instead, so the Ginkgo summary would only repeat them.
		formatter.ColorableStdOut = io.Discard
	}
	RunSpecs(ginkgoT{}, "conform", suiteConfig, reporterConfig)

	run.FinishedAt = time.Now()
	run.Specs = env.results(suiteReport, specs)
	for _, reason := range suiteReport.SpecialSuiteFailureReasons {
		if strings.Contains(reason, "Interrupted") || strings.Contains(reason, "Abort") || strings.Contains(reason, "Fail fast") {
			run.Interrupted = true
			run.InterruptReason = reason
		}
		if strings.Contains(reason, "Interrupted by User") {
			// Ginkgo saw SIGINT or SIGTERM itself, before or besides ctx.
			run.InterruptReason = "interrupted by a signal (SIGINT or SIGTERM)"
		}
	}
	if env.fatal != nil {
		run.Interrupted = true
		run.InterruptReason = env.fatal.Error()
		return run, &InfraError{env.fatal}
	}
	if ctx.Err() != nil && !run.Interrupted {
		run.Interrupted = true
		run.InterruptReason = "interrupted: " + ctx.Err().Error()
	}
	return run, nil
}

// ginkgoT is the testing.T stand-in RunSpecs needs outside `go test`; the outcome is read
// from the suite report instead.
type ginkgoT struct{}

func (ginkgoT) Fail() {}

func notRun(specs []Spec, why string) []reports.SpecResult {
	out := make([]reports.SpecResult, len(specs))
	for i, s := range specs {
		out[i] = specResult(s.Requirement)
		out[i].Status = reports.StatusSkipped
		out[i].Failure = &reports.Failure{Message: why, Infrastructure: true}
	}
	return out
}

func specResult(r Requirement) reports.SpecResult {
	return reports.SpecResult{
		ID: r.ID, Title: r.Title, Profile: r.Profile, Area: r.Area, Labels: r.Labels(),
		Requirement: r.Requirement, Source: r.Source,
	}
}

// registerSpecs builds the Ginkgo tree: one container per area, one It per spec.
func registerSpecs(env *runEnv, specs []Spec) {
	byArea := map[string][]Spec{}
	var tampering []Spec
	for _, s := range specs {
		if s.Tampers {
			tampering = append(tampering, s)
			continue
		}
		byArea[s.Area] = append(byArea[s.Area], s)
	}
	it := func(s Spec) {
		timeout := s.Timeout
		if timeout == 0 {
			timeout = defaultSpecTimeout
		}
		It(s.ID+": "+s.Title, Label(s.Labels()...), NodeTimeout(timeout), func(ctx SpecContext) {
			env.runSpec(ctx, s)
		})
	}
	// One top-level container: Ginkgo shuffles top-level containers, and a fixed order makes
	// runs against implementations whose vats share state reproducible.
	Describe("conform", func() {
		for _, area := range Areas() {
			if len(byArea[area]) == 0 {
				continue
			}
			Describe(area, func() {
				for _, s := range byArea[area] {
					it(s)
				}
			})
		}
		if len(tampering) > 0 {
			Describe("tampering", func() {
				for _, s := range tampering {
					it(s)
				}
			})
		}
	})
}

// runEnv is the state of one run: the mock network, the implementation, the events it
// emitted, and per-spec evidence for the report.
type runEnv struct {
	ctx    context.Context
	cfg    RunConfig
	net    *mocknet.Network
	events *eventLog

	mu       sync.Mutex
	impl     harness.Implementation
	info     harness.InitializeResult
	broken   bool
	fatal    error
	vatSeq   int
	finished int
	evidence map[string]*evidence
}

type evidence struct {
	journal        []string
	observations   string
	adapterLog     string
	infrastructure bool
}

func newRunEnv(ctx context.Context, cfg RunConfig) (*runEnv, error) {
	net, err := mocknet.New()
	if err != nil {
		return nil, fmt.Errorf("start mock network: %w", err)
	}
	for _, h := range mocknet.StandardHosts() {
		net.AddHost(h)
	}
	env := &runEnv{ctx: ctx, cfg: cfg, net: net, events: newEventLog(), evidence: map[string]*evidence{}}
	if err := env.start(); err != nil {
		_ = net.Close()
		return nil, err
	}
	return env, nil
}

// start creates and initialises a fresh implementation instance.
func (e *runEnv) start() error {
	impl, err := e.cfg.Target.New(e.net, e.cfg.CallTimeout)
	if err != nil {
		return fmt.Errorf("start implementation %s: %w", e.cfg.Target.Name, err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.CallTimeout)
	defer cancel()
	info, err := impl.Initialize(ctx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: e.net.ProxyURL()},
		Listener:        e.events,
	})
	if err != nil {
		e.shutdown(impl)
		return fmt.Errorf("initialize implementation %s: %w", e.cfg.Target.Name, err)
	}
	if info.ProtocolVersion != "" && info.ProtocolVersion != harness.ProtocolVersion {
		e.shutdown(impl)
		return fmt.Errorf("implementation %s speaks protocol version %q, this suite speaks %q", e.cfg.Target.Name, info.ProtocolVersion, harness.ProtocolVersion)
	}
	e.mu.Lock()
	e.impl, e.info, e.broken = impl, info, false
	e.mu.Unlock()
	return nil
}

func (e *runEnv) shutdown(impl harness.Implementation) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = impl.Shutdown(ctx)
}

func (e *runEnv) close() {
	e.mu.Lock()
	impl := e.impl
	e.mu.Unlock()
	if impl != nil {
		e.shutdown(impl)
	}
	_ = e.net.Close()
}

func (e *runEnv) implementation() harness.Implementation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.impl
}

func (e *runEnv) nextVatID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vatSeq++
	return fmt.Sprintf("v%d", e.vatSeq)
}

// callContext bounds one protocol call by the configured per-call timeout.
func (e *runEnv) callContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, e.cfg.CallTimeout)
}

// runSpec runs one spec with a fresh T, then tears down its vats and checks that nothing
// escaped the mock network, inside the same spec so those failures count against it.
func (e *runEnv) runSpec(ctx SpecContext, s Spec) {
	if e.ctx.Err() != nil {
		AbortSuite("run interrupted: " + e.ctx.Err().Error())
	}
	e.mu.Lock()
	broken, fatal := e.broken, e.fatal
	e.mu.Unlock()
	if fatal != nil {
		AbortSuite("implementation could not be restarted: " + fatal.Error())
	}
	if broken {
		e.shutdown(e.implementation())
		if err := e.start(); err != nil {
			e.mu.Lock()
			e.fatal = err
			e.mu.Unlock()
			AbortSuite("restart implementation after a failure: " + err.Error())
		}
	}
	t := &T{ctx: ctx, env: e, req: s.Requirement, startSeq: e.net.LastSeq()}
	DeferCleanup(func() { e.finishSpec(t) })
	s.Run(t)
}

func (e *runEnv) finishSpec(t *T) {
	// Vats are terminated even when the spec failed half-way, so the next spec starts on a
	// quiet network; a failure here still counts against this spec.
	t.mu.Lock()
	vats := append([]*Vat(nil), t.vats...)
	t.mu.Unlock()
	failed := CurrentSpecReport().Failed()
	for _, v := range vats {
		if !v.terminated && !t.infra {
			ctx, cancel := context.WithTimeout(context.Background(), e.cfg.CallTimeout)
			err := e.implementation().TerminateVat(ctx, v.id)
			cancel()
			v.terminated = true
			if err != nil {
				t.Logf("cleanup: terminateVat %s → %v", v.id, err)
				var rpcErr *harness.RPCError
				if !errors.As(err, &rpcErr) {
					t.infra = true
				}
			}
		}
	}
	if t.infra {
		e.mu.Lock()
		e.broken = true
		e.mu.Unlock()
	}
	escapes := escapesIn(t.Observations())
	if len(escapes) > 0 {
		failed = true
	}
	if failed {
		t.mu.Lock()
		ev := &evidence{
			journal:        append([]string(nil), t.journal...),
			observations:   describeObservations(t.Observations()),
			infrastructure: t.infra,
		}
		t.mu.Unlock()
		if tail, ok := e.implementation().(interface{ LogTail() string }); ok {
			ev.adapterLog = tail.LogTail()
		}
		e.mu.Lock()
		e.evidence[t.req.ID] = ev
		e.mu.Unlock()
	}
	Expect(Seen(escapes)).To(BeEmpty(), "nothing may leave the mock network; what mocknet refused")
}

func escapesIn(obs []mocknet.Observation) []mocknet.Observation {
	var out []mocknet.Observation
	for _, o := range obs {
		if o.Escape {
			out = append(out, o)
		}
	}
	return out
}

func (e *runEnv) progress(r SpecReport, total int) {
	if e.cfg.Progress == nil || r.LeafNodeType != types.NodeTypeIt {
		return
	}
	e.mu.Lock()
	e.finished++
	n := e.finished
	e.mu.Unlock()
	status := "PASS"
	switch {
	case r.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		status = "SKIP"
	case r.Failed():
		status = "FAIL"
	}
	fmt.Fprintf(e.cfg.Progress, "[%*d/%d] %s %s (%s)\n", len(fmt.Sprint(total)), n, total, status, r.LeafNodeText, r.RunTime.Round(time.Millisecond))
}

// results converts Ginkgo's report into the run model, one entry per selected spec.
func (e *runEnv) results(report types.Report, specs []Spec) []reports.SpecResult {
	byID := map[string]types.SpecReport{}
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		for _, l := range sr.Labels() {
			if idPattern.MatchString(l) {
				byID[l] = sr
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]reports.SpecResult, 0, len(specs))
	for _, s := range specs {
		res := specResult(s.Requirement)
		sr, ok := byID[s.ID]
		switch {
		case !ok || sr.State.Is(types.SpecStateSkipped|types.SpecStatePending):
			res.Status = reports.StatusSkipped
		case sr.State == types.SpecStatePassed:
			res.Status = reports.StatusPassed
		case sr.State == types.SpecStateInterrupted || (sr.State == types.SpecStateAborted && e.ctx.Err() != nil):
			// Stopped by the user: the spec says nothing about the implementation.
			res.Status = reports.StatusSkipped
			res.Failure = &reports.Failure{Message: "not finished: the run was interrupted while this spec ran"}
		default:
			res.Status = reports.StatusFailed
			res.Failure = &reports.Failure{
				Message:  failureMessage(sr),
				Location: suiteLocation(sr.Failure.Location),
			}
			if ev := e.evidence[s.ID]; ev != nil {
				res.Failure.Evidence = formatEvidence(ev)
				res.Failure.AdapterLog = ev.adapterLog
				res.Failure.Infrastructure = ev.infrastructure
			}
		}
		if ok {
			res.Duration = sr.RunTime
		}
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// suiteLocation names a failure's place in the suite relative to the module ("suite/x.go:12"),
// not as a path on the machine that built the binary.
func suiteLocation(cl types.CodeLocation) string {
	file := filepath.ToSlash(cl.FileName)
	if i := strings.LastIndex(file, "/suite/"); i >= 0 {
		file = file[i+1:]
	} else {
		file = filepath.Base(file)
	}
	return fmt.Sprintf("%s:%d", file, cl.LineNumber)
}

func failureMessage(sr types.SpecReport) string {
	msg := sr.Failure.Message
	if sr.State == types.SpecStateTimedout || sr.State == types.SpecStateInterrupted || sr.State == types.SpecStateAborted {
		msg = fmt.Sprintf("spec %s: %s", sr.State, msg)
	}
	if sr.Failure.ForwardedPanic != "" {
		msg += "\npanic: " + sr.Failure.ForwardedPanic
	}
	return strings.TrimSpace(msg)
}

func formatEvidence(ev *evidence) string {
	var b strings.Builder
	b.WriteString("What the vat did:\n")
	for _, line := range ev.journal {
		b.WriteString("  ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteString("What mocknet saw:\n")
	b.WriteString(ev.observations)
	return b.String()
}
