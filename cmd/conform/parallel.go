package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

// A parallel run: Ginkgo runs one suite per process, so `conform run -p N` runs N copies of
// this binary as workers, each with its own mock network and implementation instance and a
// fixed share of the plan, and merges their reports. Specs marked Serial run afterwards in
// one more worker, alone. Statuses do not depend on N: each spec still starts on a healthy
// implementation of its own worker, and tampering specs still run last in theirs.

// workerGrace is how long a worker may take to write its reports after it was told to stop.
const workerGrace = 15 * time.Second

// progressLine is a worker's line per finished spec ("[ 3/50] PASS ID: title (12ms)").
var progressLine = regexp.MustCompile(`^\[\s*\d+/\d+\] (PASS|FAIL|SKIP) (.*)$`)

// partition deals the plan's specs to n workers and returns the serial specs apart. The
// specs that tamper with the endowment all go to the first worker, which runs nothing else
// when there are other workers: each needs an implementation no other spec has used, and one
// worker of their own spares the restarts several mixed workers would each need. The other specs
// are dealt heaviest first, each to the worker with the least work so far (teardown specs
// wait by design, for a close or a never-settles window, and dominate a run), ties going to
// the lower worker: the same plan always gives the same shares, and each worker runs its
// share in ID order.
func partition(specs []suite.Spec, n int) (shares [][]string, serial []string) {
	type item struct {
		id   string
		cost int
	}
	load := make([]int, n)
	shares = make([][]string, n)
	var items []item
	for _, s := range specs {
		switch {
		case s.Serial:
			serial = append(serial, s.ID)
		case s.Tampers:
			shares[0] = append(shares[0], s.ID)
			load[0] += expectedCost(s)
		default:
			items = append(items, item{s.ID, expectedCost(s)})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].cost > items[j].cost })
	// With workers to spare, the tampering specs' worker runs nothing else, so its
	// implementation is fresh for the first of them and needs no restart.
	first := 0
	if len(shares[0]) > 0 && n > 1 {
		first = 1
	}
	for _, it := range items {
		w := first
		for i := first; i < n; i++ {
			if load[i] < load[w] {
				w = i
			}
		}
		load[w] += it.cost
		shares[w] = append(shares[w], it.id)
	}
	out := shares[:0]
	for _, sh := range shares {
		if len(sh) > 0 {
			sort.Strings(sh)
			out = append(out, sh)
		}
	}
	return out, serial
}

// expectedCost is a spec's weight when dealing: what a spec costs in a passing run, in
// tens of milliseconds, from what the catalogue says of it.
func expectedCost(s suite.Spec) int {
	switch {
	case s.Area == suite.AreaTeardown:
		return 40 // a never-settles window, often after a close wait
	case s.Tampers:
		return 10 // runs on a freshly started implementation
	case s.Area == suite.AreaIsolation || s.Area == suite.AreaAbort:
		return 3
	default:
		return 1
	}
}

func runParallel(ctx context.Context, plan runner.Plan, procs int, workerArgs []string, progress, stderr io.Writer) (*reports.Run, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the conform binary to start workers: %w", err)
	}
	dir, err := os.MkdirTemp("", "conform-workers-")
	if err != nil {
		return nil, fmt.Errorf("workers' report directory: %w", err)
	}
	defer os.RemoveAll(dir)

	shares, serial := partition(plan.Specs, procs)
	pr := &progressPrinter{w: progress, total: len(plan.Specs)}
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()

	// The specs that run alone get their worker at once, held before its first spec: its
	// start-up (process, mock network, implementation) overlaps the others' specs, and it is
	// let go when they are done, or told to stop if the run stopped first.
	var serialOutcome chan workerOutcome
	release := make(chan bool, 1)
	if len(serial) > 0 {
		serialOutcome = make(chan workerOutcome, 1)
		w := worker{index: len(shares) + 1, ids: serial, dir: filepath.Join(dir, fmt.Sprint(len(shares)+1)), hold: release}
		go func() { serialOutcome <- w.run(ctx, self, workerArgs, pr, stderr) }()
	}
	outcomes := make([]workerOutcome, len(shares))
	var wg sync.WaitGroup
	for i, ids := range shares {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{index: i + 1, ids: ids, dir: filepath.Join(dir, fmt.Sprint(i+1))}
			outcomes[i] = w.run(ctx, self, workerArgs, pr, stderr)
			if outcomes[i].code == exitFailures && containsArg(workerArgs, "--fail-fast") {
				stopAll() // the first failure stops every worker, as it stops a serial run
			}
		}()
	}
	wg.Wait()
	if serialOutcome != nil {
		release <- ctx.Err() == nil
		outcomes = append(outcomes, <-serialOutcome)
	}
	return mergeWorkers(ctx, plan, outcomes)
}

// worker is one `conform run --worker` process and its share of the plan.
type worker struct {
	index int
	ids   []string
	dir   string
	// hold, when set, keeps the worker before its first spec until it yields true (run) or
	// false (do not).
	hold <-chan bool
}

// workerOutcome is what a worker left: its report, or why there is none.
type workerOutcome struct {
	ids     []string
	code    int
	run     *reports.Run
	skipped string // set when the worker left no report
}

func (w worker) run(ctx context.Context, self string, args []string, pr *progressPrinter, stderr io.Writer) workerOutcome {
	args = append(append([]string{}, args...), "--report-dir", w.dir, "--spec", strings.Join(w.ids, ","))
	if w.hold != nil {
		args = append(args, "--hold")
	}
	cmd := exec.CommandContext(ctx, self, args...)
	if w.hold != nil {
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return workerOutcome{ids: w.ids, skipped: fmt.Sprintf("not run: worker %d: %v", w.index, err)}
		}
		go func() {
			if <-w.hold {
				_, _ = io.WriteString(stdin, "go\n")
			}
			_ = stdin.Close()
		}()
	}
	// On cancellation the worker is asked to stop like a user would (it then writes reports
	// marked interrupted), and killed if it has not exited within the grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = workerGrace
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return workerOutcome{ids: w.ids, skipped: fmt.Sprintf("not run: worker %d: %v", w.index, err)}
	}
	tail := &tailBuffer{max: 4096}
	errOut := prefixed(stderr, fmt.Sprintf("worker %d: ", w.index))
	defer errOut.Close()
	cmd.Stderr = io.MultiWriter(tail, errOut)
	if err := cmd.Start(); err != nil {
		return workerOutcome{ids: w.ids, skipped: fmt.Sprintf("not run: start worker %d: %v", w.index, err)}
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if m := progressLine.FindStringSubmatch(line); m != nil {
			pr.print(m[1], m[2])
			continue
		}
		tail.Write([]byte(line + "\n"))
	}
	err = cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		code = exitInfra
	}
	run, readErr := reports.ReadJSON(filepath.Join(w.dir, reports.JSONFile))
	if readErr != nil {
		return workerOutcome{ids: w.ids, code: code, skipped: fmt.Sprintf("not run: worker %d exited (code %d, %v) without a report; its last output:\n%s", w.index, code, err, tail.String())}
	}
	return workerOutcome{ids: w.ids, code: code, run: run}
}

// mergeWorkers joins the workers' reports into the run's, filling in specs of workers that
// left none, and says whether the implementation failed the run as a whole.
func mergeWorkers(ctx context.Context, plan runner.Plan, outcomes []workerOutcome) (*reports.Run, error) {
	byID := map[string]suite.Spec{}
	for _, s := range plan.Specs {
		byID[s.ID] = s
	}
	var runs []*reports.Run
	var infra []string
	for _, o := range outcomes {
		if o.run != nil {
			runs = append(runs, o.run)
			if o.code == exitInfra && o.run.Interrupted && !strings.HasPrefix(o.run.InterruptReason, "interrupted") {
				infra = append(infra, o.run.InterruptReason)
			}
			continue
		}
		r := &reports.Run{SchemaVersion: "1", Profiles: suite.Profiles(), StartedAt: time.Now(), FinishedAt: time.Now(), Interrupted: true, InterruptReason: o.skipped}
		for _, id := range o.ids {
			s := byID[id]
			r.Specs = append(r.Specs, reports.SpecResult{ID: s.ID, Title: s.Title, Profile: s.Profile, Area: s.Area,
				Labels: s.Labels(), Requirement: s.Requirement.Requirement, Source: s.Source, Status: reports.StatusSkipped,
				Failure: &reports.Failure{Message: o.skipped, Infrastructure: true}})
		}
		if ctx.Err() == nil {
			infra = append(infra, o.skipped)
		}
		runs = append(runs, r)
	}
	// Every worker ran the same target, but one whose implementation never initialised names
	// it by the command line, not as the implementation names itself: take the name of a
	// worker that got that far, so the reports merge as one implementation's.
	var named *reports.Implementation
	for _, r := range runs {
		if r.Implementation.Version != "" {
			named = &r.Implementation
			break
		}
	}
	for _, r := range runs {
		if named != nil {
			r.Implementation = *named
		}
	}
	merged, err := reports.Merge(reports.MergeOptions{}, runs...)
	if err != nil {
		return nil, fmt.Errorf("merge the workers' reports: %w", err)
	}
	merged.Profiles = plan.Profiles
	if len(merged.Profiles) == 0 {
		merged.Profiles = suite.Profiles()
	}
	merged.LabelFilter = plan.LabelFilter
	merged.Shard = plan.Shard.String()
	if ctx.Err() != nil {
		merged.Interrupted = true
		merged.InterruptReason = "interrupted: " + context.Cause(ctx).Error()
	}
	if len(infra) > 0 {
		return merged, &runner.InfraError{Err: errors.New(strings.Join(infra, "; "))}
	}
	return merged, nil
}

// progressPrinter numbers the workers' progress lines in the order they finish.
type progressPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
}

func (p *progressPrinter) print(status, rest string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	fmt.Fprintf(p.w, "[%*d/%d] %s %s\n", len(fmt.Sprint(p.total)), p.n, p.total, status, rest)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// prefixed writes each line to w with prefix, so a worker's stderr says whose it is.
func prefixed(w io.Writer, prefix string) io.WriteCloser {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			fmt.Fprintf(w, "%s%s\n", prefix, sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return pw
}

func containsArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}
