package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

// Target says how to reach the implementation under test. The CLI builds it (the embedded
// reference, an adapter command, a broken variant); the runner only starts it.
type Target struct {
	// Name identifies the target in messages before the implementation names itself.
	Name string
	// Adapter is the adapter command line, empty for an in-process implementation.
	Adapter string
	// New starts a fresh instance of the implementation, routed through net. The run calls it
	// again after an implementation failure, so each spec starts on a healthy instance.
	New func(net *mocknet.Network, timeouts Timeouts) (harness.Implementation, error)
}

// Timeouts are the limits the run puts on an implementation's calls.
type Timeouts struct {
	Call       time.Duration // every call but initialize
	Initialize time.Duration // initialize, which includes the adapter's start-up
}

// Options says where and how to run a plan.
type Options struct {
	Target Target
	// CallTimeout bounds every protocol call but initialize; zero means 10 s.
	CallTimeout time.Duration
	// InitializeTimeout bounds initialize; zero means 30 s, as PROTOCOL.md promises.
	InitializeTimeout time.Duration
	FailFast          bool
	// Progress receives one line per finished spec; nil discards.
	Progress io.Writer
	// Verbose shows Ginkgo's own output too.
	Verbose bool
	// Grant, when not nil, narrows the globals the implementation offers to these names (a
	// kernel's grant): specs needing others are not applicable.
	Grant []string
	// Queue, when set, makes the run one worker of a parallel run: the plan's specs are
	// those the run may be handed, in the order they may be handed out, and the run runs
	// only those Queue hands it; its report lists only those.
	Queue Queue
}

// Queue hands a parallel run's worker its specs, one or a few at a time (package parallel
// keeps the queue in the parent process). The worker registers every spec of its plan, in
// the plan's order, runs those it was handed as it reaches them and asks for more when it
// has reached them all; the specs it passes over are left out of its report.
type Queue interface {
	// Started is called once the implementation is up, before the first Next.
	Started()
	// Next is the next specs to run, one or a few in the plan's order after those already
	// handed out, or none when there are no more. It may wait (for a spec that runs
	// alone, until the other workers are done); the wait is not counted in the spec's
	// duration.
	Next() []string
	// Finished is called after each spec Next handed out.
	Finished(SpecDone)
	// Hung is called when an in-process implementation stopped answering (a call did not
	// return within the call timeout): the run replaces the instance, but what the stuck
	// call holds is freed only with the process, so the worker asks for no more specs and
	// its parent replaces it once it has exited.
	Hung(reason string)
}

// SpecDone is a finished spec, as its progress line shows it.
type SpecDone struct {
	ID     string        `json:"id"`
	Title  string        `json:"title"`
	Status string        `json:"status"` // PASS, FAIL, SKIP or N/A
	Took   time.Duration `json:"tookNanos"`
}

// Line is the progress line of the spec, the n-th of total to finish.
func (d SpecDone) Line(n, total int) string {
	return fmt.Sprintf("[%*d/%d] %s %s: %s (%s)\n", len(fmt.Sprint(total)), n, total, d.Status, d.ID, d.Title, d.Took.Round(time.Millisecond))
}

// InfraError means the implementation or the harness failed in a way that stopped the run
// (the adapter would not start or could not be restarted).
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }

// ginkgoRan guards the one RunSpecs call Ginkgo allows per process (Ginkgo keeps its spec
// tree in package state and exits the process on a second call).
var ginkgoRan atomic.Bool

// Run executes plan against opts.Target and returns the run's report. It may be called once
// per process. The returned run is complete even when err is an *InfraError or ctx was
// cancelled (it is then marked interrupted), so reports can always be written.
func Run(ctx context.Context, plan Plan, opts Options) (*reports.Run, error) {
	if !ginkgoRan.CompareAndSwap(false, true) {
		return nil, errors.New("runner.Run can run once per process (Ginkgo keeps one spec tree per process)")
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 10 * time.Second
	}
	if opts.InitializeTimeout <= 0 {
		opts.InitializeTimeout = 30 * time.Second
	}
	run := &reports.Run{
		SchemaVersion:  "1",
		Implementation: reports.Implementation{Name: opts.Target.Name, Adapter: opts.Target.Adapter},
		Profiles:       plan.Profiles,
		LabelFilter:    plan.LabelFilter,
		Grant:          opts.Grant,
		Shard:          plan.Shard.String(),
		StartedAt:      time.Now(),
	}
	if len(run.Profiles) == 0 {
		run.Profiles = suite.Profiles()
	}

	env, err := newSession(ctx, opts)
	if err != nil {
		run.FinishedAt = time.Now()
		run.Interrupted = true
		run.InterruptReason = err.Error()
		if opts.Queue == nil { // a worker was handed nothing
			run.Specs = notRun(plan.Specs, "not run: "+err.Error())
		}
		return run, &InfraError{err}
	}
	closed := false
	defer func() {
		if !closed {
			env.close()
		}
	}()
	run.Implementation.Name = env.info.Name
	run.Implementation.Version = env.info.Version
	run.Implementation.Globals = env.info.Globals
	run.Implementation.Features = env.info.Features

	if opts.Queue != nil {
		opts.Queue.Started()
	}
	var suiteReport types.Report
	registerSpecs(env, plan.Specs)
	ReportAfterSuite("conform", func(r Report) { suiteReport = r })

	registerJSONFormat()
	RegisterFailHandler(Fail)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.FailFast = opts.FailFast
	suiteConfig.Timeout = 24 * time.Hour
	suiteConfig.RandomizeAllSpecs = false
	reporterConfig.NoColor = true
	reporterConfig.Succinct = !opts.Verbose
	reporterConfig.Verbose = opts.Verbose
	if !opts.Verbose {
		// Ginkgo's default reporter writes to this package variable; the run prints its own
		// progress lines instead, so the Ginkgo summary would only repeat them.
		formatter.ColorableStdOut = io.Discard
	}
	RunSpecs(ginkgoT{}, "conform", suiteConfig, reporterConfig)

	run.FinishedAt = time.Now()
	run.Specs = env.results(env.ran(plan.Specs))
	env.close()
	closed = true
	run.Warnings = env.warnings()
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
	if fatal := env.fatalError(); fatal != nil {
		run.Interrupted = true
		run.InterruptReason = fatal.Error()
		return run, &InfraError{fatal}
	}
	if ctx.Err() != nil && !run.Interrupted {
		run.Interrupted = true
		run.InterruptReason = "interrupted: " + ctx.Err().Error()
	}
	return run, nil
}

// ginkgoT is the testing.T stand-in RunSpecs needs outside `go test`; the outcome is read
// from the specs' reports instead.
type ginkgoT struct{}

func (ginkgoT) Fail() {}

// registerSpecs builds the Ginkgo tree: one container per area, one It per spec, the
// tampering specs last; or, for a parallel run's worker, every spec in the plan's order.
// Each spec's ID is captured by the closures built for it, so its report is filed under
// that ID.
func registerSpecs(env *session, specs []suite.Spec) {
	queued := env.opts.Queue != nil
	byArea := map[string][]suite.Spec{}
	var tampering []suite.Spec
	for _, s := range specs {
		if s.Tampers {
			tampering = append(tampering, s)
		} else {
			byArea[s.Area] = append(byArea[s.Area], s)
		}
	}
	total := len(specs)
	position := map[string]int{}
	for i, s := range specs {
		position[s.ID] = i + 1
	}
	it := func(s suite.Spec) {
		timeout := s.Timeout
		if timeout == 0 {
			timeout = suite.DefaultSpecTimeout
		}
		text := s.ID
		if queued {
			// Ginkgo sorts specs by code location, then by container text: the position
			// in the plan, first, keeps the plan's order.
			text = fmt.Sprintf("%0*d %s", len(fmt.Sprint(total)), position[s.ID], s.ID)
		}
		Describe(text, func() {
			// A worker passes over, without a trace in its report, the specs its queue
			// does not hand it: each node returns at once (Skip would cost a stack trace
			// per spec).
			mine := func() bool { return !queued || env.handed(s.ID) }
			BeforeEach(func() {
				if queued {
					env.claim(s.ID)
				}
				switch {
				case !mine():
				case s.Tampers:
					env.freshForTampering()
				default:
					env.freshAfterTampering()
				}
			})
			ReportAfterEach(func(r SpecReport) {
				if mine() {
					env.record(s.ID, r)
					env.progress(s, r, total)
				}
			})
			It(s.ID+": "+s.Title, NodeTimeout(timeout), func(ctx SpecContext) {
				if mine() {
					env.runSpec(ctx, s)
				}
			})
		})
	}
	// One top-level container: Ginkgo shuffles top-level containers, and a fixed order makes
	// runs against implementations whose vats share state reproducible.
	Describe("conform", func() {
		if queued {
			for _, s := range specs {
				it(s)
			}
			return
		}
		for _, area := range suite.Areas() {
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
