package parallel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

// The test binary doubles as a worker that speaks the protocol without running anything:
// it passes every spec it is handed, unless told to misbehave (fakeWorkerEnv) in the first
// worker to start (the one that creates the file "first" in fakeDirEnv).
const (
	fakeWorkerEnv = "CONFORM_TEST_FAKE_WORKER"
	fakeDirEnv    = "CONFORM_TEST_FAKE_DIR"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeWorkerEnv); mode != "" {
		os.Exit(fakeWorker(mode, os.Getenv(fakeDirEnv)))
	}
	os.Exit(m.Run())
}

func fakeWorker(mode, dir string) int {
	first := false
	if f, err := os.OpenFile(filepath.Join(dir, "first"), os.O_CREATE|os.O_EXCL, 0o644); err == nil {
		_ = f.Close()
		first = true
	}
	w := NewWorker(os.Stdin, os.Stdout)
	plan, err := w.Plan()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	byID := map[string]suite.Spec{}
	for _, s := range plan.Specs {
		byID[s.ID] = s
	}
	run := &reports.Run{SchemaVersion: "1", Profiles: suite.Profiles(), Implementation: reports.Implementation{Name: "fake", Version: "1.0"}}
	if first && mode == "never-ready" {
		// As a worker whose adapter would not start: named by its command line.
		run.Implementation = reports.Implementation{Name: "fake-adapter --flag"}
		run.Interrupted, run.InterruptReason = true, "initialize implementation fake-adapter --flag: exit status 1"
		_ = w.Report(run, &runner.InfraError{Err: errors.New(run.InterruptReason)})
		return 3
	}
	w.Started()
	fmt.Println("a line that is not the protocol's")
	var pending []string
	hung := false
	for {
		if len(pending) == 0 {
			if hung {
				break // a worker whose implementation hung asks for no more
			}
			if pending = w.Next(); len(pending) == 0 {
				break
			}
		}
		id := pending[0]
		pending = pending[1:]
		if first && mode == "crash" {
			fmt.Fprintln(os.Stderr, "crashing with", id)
			return 2
		}
		status, st := "PASS", reports.StatusPassed
		if first && (mode == "fail" || mode == "hang" && !hung) {
			status, st = "FAIL", reports.StatusFailed
		}
		if first && mode == "hang" && !hung {
			hung = true
			w.Hung("in-process implementation did not return from evaluate within 10s")
		}
		w.Finished(runner.SpecDone{ID: id, Title: byID[id].Title, Status: status, Took: time.Millisecond})
		run.Specs = append(run.Specs, reports.SpecResult{ID: id, Title: byID[id].Title, Status: st})
		if st == reports.StatusFailed && mode == "fail" {
			break // as Ginkgo does under --fail-fast
		}
	}
	if err := w.Report(run, nil); err != nil {
		return 3
	}
	return 0
}

// runFake runs plan in fake workers that behave as mode says.
func runFake(t *testing.T, mode string, plan runner.Plan, opts Options) (*reports.Run, error, string) {
	t.Helper()
	t.Setenv(fakeWorkerEnv, mode)
	t.Setenv(fakeDirEnv, t.TempDir())
	var progress, stderr bytes.Buffer
	opts.Command, opts.Progress, opts.Stderr = []string{os.Args[0]}, &progress, &stderr
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := Run(ctx, plan, opts)
	if run == nil {
		t.Fatalf("no report (%v); stderr:\n%s", err, stderr.String())
	}
	if len(run.Specs) != len(plan.Specs) {
		t.Errorf("%d results for %d specs", len(run.Specs), len(plan.Specs))
	}
	return run, err, progress.String()
}

func statuses(run *reports.Run) map[string]reports.Status {
	m := map[string]reports.Status{}
	for _, s := range run.Specs {
		m[s.ID] = s.Status
	}
	return m
}

func testPlan(t *testing.T) runner.Plan {
	t.Helper()
	plan, err := runner.Select(runner.Selection{LabelFilter: "teardown || ISO-002 || ISO-006 || AVAIL-004"})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// Every spec is run once, by one of the workers, the serial one last; progress lines are
// numbered in the order specs finish; what a worker prints that is not the protocol's is no
// result.
func TestWorkersPullEverySpec(t *testing.T) {
	plan := testPlan(t)
	run, err, progress := runFake(t, "pass", plan, Options{Workers: 3})
	if err != nil {
		t.Errorf("error %v", err)
	}
	for id, st := range statuses(run) {
		if st != reports.StatusPassed {
			t.Errorf("%s: %s", id, st)
		}
	}
	lines := strings.Split(strings.TrimSpace(progress), "\n")
	if len(lines) != len(plan.Specs) {
		t.Fatalf("%d progress lines for %d specs:\n%s", len(lines), len(plan.Specs), progress)
	}
	last := fmt.Sprintf("[%d/%d] PASS TEAR-017: ", len(lines), len(lines))
	if !strings.HasPrefix(lines[len(lines)-1], last) {
		t.Errorf("the last progress line is %q, want the serial spec's (%q…)", lines[len(lines)-1], last)
	}
	if run.Interrupted || run.Implementation.Name != "fake" {
		t.Errorf("report: interrupted %v (%s), implementation %q", run.Interrupted, run.InterruptReason, run.Implementation.Name)
	}
}

// A worker whose implementation never started names it by its command line; the merged
// report is still one implementation's, the others run every spec, and the run is an
// infrastructure failure.
func TestAWorkerThatNeverStarted(t *testing.T) {
	run, err, _ := runFake(t, "never-ready", testPlan(t), Options{Workers: 3, StartSlots: 1})
	var infra *runner.InfraError
	if !errors.As(err, &infra) || !strings.Contains(err.Error(), "fake-adapter --flag") {
		t.Errorf("error %v, want an infrastructure error naming the adapter", err)
	}
	if run.Implementation.Name != "fake" {
		t.Errorf("implementation %q, want the name the started workers' implementation gave", run.Implementation.Name)
	}
	for id, st := range statuses(run) {
		if st != reports.StatusPassed {
			t.Errorf("%s: %s, want it run by another worker", id, st)
		}
	}
}

// A worker that exits without a report leaves the spec it was running not run, with its
// last output, and the run is an infrastructure failure; the other workers run the rest.
func TestAWorkerThatCrashed(t *testing.T) {
	run, err, _ := runFake(t, "crash", testPlan(t), Options{Workers: 3, StartSlots: 1})
	var infra *runner.InfraError
	if !errors.As(err, &infra) {
		t.Errorf("error %v, want an infrastructure error", err)
	}
	var notRun []reports.SpecResult
	for _, s := range run.Specs {
		if s.Status != reports.StatusPassed {
			notRun = append(notRun, s)
		}
	}
	if len(notRun) != 1 || notRun[0].Status != reports.StatusSkipped || notRun[0].Failure == nil ||
		!notRun[0].Failure.Infrastructure || !strings.Contains(notRun[0].Failure.Message, "crashing with "+notRun[0].ID) {
		t.Errorf("want one spec not run, with the worker's last output; got %+v", notRun)
	}
}

// Under FailFast nothing is handed out after the first failure: the specs left are skipped,
// as a run in one process skips them, and the run is not an infrastructure failure.
func TestFailFastStopsHandingOut(t *testing.T) {
	plan := testPlan(t)
	run, err, _ := runFake(t, "fail", plan, Options{Workers: 2, StartSlots: 1, FailFast: true})
	if err != nil {
		t.Errorf("error %v", err)
	}
	counts := run.Count()
	if counts[reports.StatusFailed] != 1 || counts[reports.StatusSkipped] == 0 || run.Interrupted {
		t.Errorf("counts %v, interrupted %v; want one failure, the specs not handed out skipped", counts, run.Interrupted)
	}
	for _, s := range run.Specs {
		if s.Status == reports.StatusSkipped && s.Failure != nil {
			t.Errorf("%s skipped with a failure: %s", s.ID, s.Failure.Message)
		}
	}
}

// A worker whose implementation hung runs what it was handed, asks for no more and exits;
// another worker takes its place and runs the rest: every spec runs once, the hung one
// failed.
func TestAWorkerWhoseImplementationHungIsReplaced(t *testing.T) {
	plan := testPlan(t)
	run, err, _ := runFake(t, "hang", plan, Options{Workers: 1})
	if err != nil {
		t.Errorf("error %v", err)
	}
	counts := run.Count()
	if counts[reports.StatusFailed] != 1 || counts[reports.StatusPassed] != len(plan.Specs)-1 {
		t.Errorf("counts %v; want the hung spec failed and every other one run by the replacement", counts)
	}
	if run.Interrupted {
		t.Errorf("report interrupted: %s", run.InterruptReason)
	}
}
