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
	"runtime"
	"slices"
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
// share of the plan, and merges their reports. Specs marked Serial run last in one of them,
// once the others are done, so alone. Statuses do not depend on N: each spec still starts on a healthy
// implementation of its own worker, and tampering specs still run last in theirs.

// workerGrace is how long a worker may take to write its reports after it was told to stop.
const workerGrace = 15 * time.Second

// progressLine is a worker's line per finished spec ("[ 3/50] PASS ID: title (12ms)").
var progressLine = regexp.MustCompile(`^\[\s*\d+/\d+\] (PASS|FAIL|SKIP) (.*)$`)

// share is one worker's part of the plan and the time it is expected to take.
type share struct {
	ids  []string
	cost time.Duration
}

// partition deals the plan's specs to n workers and returns the serial specs apart. ready
// says when each worker is expected to have its implementation started (nil: all at once);
// share i is for the i-th worker to be ready, and a worker ready later gets less. The specs
// that tamper with the endowment go to workers that run nothing else when there are other
// workers: each needs an implementation no other spec has used, so a worker of their own
// spares the restart a mixed worker would need before its first one. They are cut, in ID
// order, into as many consecutive groups, each in its own worker, as shortens the run; each
// group starts on its worker's fresh implementation. The other specs are dealt heaviest first, each to the worker with the least work so far
// (teardown specs wait by design, for a close or a never-settles window, and dominate a
// run), ties going to the lower worker: the same plan and history always give the same
// shares, and each worker runs its share in ID order.
func partition(specs []suite.Spec, n int, hist *history, ready []time.Duration) (shares []share, serial []string) {
	type item struct {
		id   string
		cost time.Duration
	}
	var tampering, items []item
	for _, s := range specs {
		switch {
		case s.Serial:
			serial = append(serial, s.ID)
		case s.Tampers:
			tampering = append(tampering, item{s.ID, hist.cost(s)})
		default:
			items = append(items, item{s.ID, hist.cost(s)})
		}
	}
	sort.Slice(tampering, func(i, j int) bool { return tampering[i].id < tampering[j].id })
	sort.SliceStable(items, func(i, j int) bool { return items[i].cost > items[j].cost })

	// Each worker's load starts at when it is expected to be ready, the tampering workers
	// taking the earliest: their pieces are chains of restarts.
	readyAt := func(i int) time.Duration {
		if i < len(ready) {
			return ready[i]
		}
		return 0
	}
	// dealOthers deals the non-tampering specs over workers, given what they already hold.
	dealOthers := func(workers []share) []share {
		for _, it := range items {
			w := 0
			for i := range workers {
				if workers[i].cost < workers[w].cost {
					w = i
				}
			}
			workers[w].cost += it.cost
			workers[w].ids = append(workers[w].ids, it.id)
		}
		return workers
	}
	var best []share
	switch {
	case len(tampering) == 0 || n == 1:
		first := share{}
		for _, t := range tampering {
			first.ids = append(first.ids, t.id)
			first.cost += t.cost
		}
		others := make([]share, n)
		for i := range others {
			others[i].cost = readyAt(i)
		}
		first.cost += readyAt(0)
		others[0] = first
		best = dealOthers(others)
	default:
		// The tampering specs, in ID order, are cut into as many consecutive groups as
		// shortens the run, each group in a worker of its own.
		var pieces []share
		for _, t := range tampering {
			pieces = append(pieces, share{ids: []string{t.id}, cost: t.cost})
		}
		bestSpan := time.Duration(-1)
		for k := 1; k <= min(len(pieces), n-1); k++ {
			workers := append(groupInOrder(pieces, k), make([]share, n-k)...)
			for i := range workers {
				workers[i].cost += readyAt(i)
			}
			workers = append(workers[:k:k], dealOthers(workers[k:])...)
			span := time.Duration(0)
			for _, w := range workers {
				span = max(span, w.cost)
			}
			if bestSpan < 0 || span < bestSpan {
				best, bestSpan = workers, span
			}
		}
	}
	for _, sh := range best {
		if len(sh.ids) > 0 {
			sort.Strings(sh.ids)
			shares = append(shares, sh)
		}
	}
	return shares, serial
}

// groupInOrder joins consecutive pieces into k groups whose heaviest is as light as it can
// be (a linear partition; there are a few dozen pieces at most).
func groupInOrder(pieces []share, k int) []share {
	n := len(pieces)
	prefix := make([]time.Duration, n+1)
	for i, p := range pieces {
		prefix[i+1] = prefix[i] + p.cost
	}
	// span[j][i]: the lightest heaviest group when the first i pieces form j groups; cut[j][i]
	// is where the last of those groups starts.
	span := make([][]time.Duration, k+1)
	cut := make([][]int, k+1)
	for j := range span {
		span[j] = make([]time.Duration, n+1)
		cut[j] = make([]int, n+1)
		for i := range span[j] {
			span[j][i] = -1
		}
	}
	span[0][0] = 0
	for j := 1; j <= k; j++ {
		for i := j; i <= n; i++ {
			for c := j - 1; c < i; c++ {
				if span[j-1][c] < 0 {
					continue
				}
				s := max(span[j-1][c], prefix[i]-prefix[c])
				if span[j][i] < 0 || s < span[j][i] {
					span[j][i], cut[j][i] = s, c
				}
			}
		}
	}
	groups := make([]share, k)
	for j, i := k, n; j > 0; j-- {
		c := cut[j][i]
		for _, p := range pieces[c:i] {
			groups[j-1].ids = append(groups[j-1].ids, p.ids...)
			groups[j-1].cost += p.cost
		}
		i = c
	}
	return groups
}

// history is what an earlier report of the same implementation says about each spec: how
// long it took. A nil history knows nothing.
type history struct {
	took map[string]time.Duration
}

// loadHistory reads an earlier JSON report.
func loadHistory(path string) (*history, error) {
	run, err := reports.ReadJSON(path)
	if err != nil {
		return nil, err
	}
	h := &history{took: map[string]time.Duration{}}
	for _, s := range run.Specs {
		if s.Status != reports.StatusSkipped { // a skipped spec's duration says nothing
			h.took[s.ID] = s.Duration
		}
	}
	return h, nil
}

// cost is a spec's weight when dealing: how long it took last time, or else what the
// catalogue suggests.
func (h *history) cost(s suite.Spec) time.Duration {
	if h != nil {
		if d, ok := h.took[s.ID]; ok {
			return max(d, time.Millisecond)
		}
	}
	return expectedCost(s)
}

// expectedCost is what a spec costs in a passing run, judged from what the catalogue says of
// it.
func expectedCost(s suite.Spec) time.Duration {
	switch {
	case s.Area == suite.AreaTeardown:
		return 400 * time.Millisecond // a never-settles window, often after a close wait
	case s.Tampers:
		return 100 * time.Millisecond // runs on a freshly started implementation
	case s.Area == suite.AreaIsolation || s.Area == suite.AreaAbort:
		return 30 * time.Millisecond
	default:
		return 10 * time.Millisecond
	}
}

// workerReady is the line a worker prints once its implementation has started; the parent
// answers with the worker's share, "run ID,ID,…" on its stdin, then "go" before the serial
// specs if the share ends with them (anything else, or stdin closed, and the worker runs
// nothing more).
const workerReady = "conform worker: implementation started"

// runParallel runs the plan in worker processes. Starting an implementation can be mostly
// CPU (a runtime, a browser): started all at once, the workers would share the CPUs and all
// be ready late. They are started no more at a time than there are CPUs, and each is dealt
// its share when its implementation is up, from the specs not yet dealt: the first ready
// gets the most, and the ones still starting less by how much later they are expected to
// be ready (judged from how long this one took). The specs that run alone go last to the
// last worker, which waits before them until the others are done.
func runParallel(ctx context.Context, plan runner.Plan, procs int, hist *history, workerArgs []string, progress, stderr io.Writer) (*reports.Run, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the conform binary to start workers: %w", err)
	}
	dir, err := os.MkdirTemp("", "conform-workers-")
	if err != nil {
		return nil, fmt.Errorf("workers' report directory: %w", err)
	}
	defer os.RemoveAll(dir)

	cpus := max(1, runtime.NumCPU())
	planned, _ := partition(plan.Specs, procs, hist, nil)
	workers := len(planned)
	if workers == 0 {
		workers = 1 // only serial specs
	}
	d := newDealer(plan.Specs, workers, hist, cpus)
	pr := &progressPrinter{w: progress, total: len(plan.Specs)}
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()

	starting := make(chan struct{}, cpus)
	exits := make(chan struct{}, workers)
	othersDone := func() bool {
		for range workers - 1 {
			select {
			case <-exits:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	outcomes := make([]workerOutcome, workers)
	var wg sync.WaitGroup
	for i := range workers {
		select {
		case starting <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{index: i + 1, dir: filepath.Join(dir, fmt.Sprint(i+1)), dealer: d, started: func() { <-starting }, othersDone: othersDone}
			outcomes[i] = w.run(ctx, self, workerArgs, pr, stderr)
			exits <- struct{}{}
			if outcomes[i].code == exitFailures && containsArg(workerArgs, "--fail-fast") {
				stopAll() // the first failure stops every worker, as it stops a serial run
			}
		}()
	}
	wg.Wait()
	// Specs no worker took (workers whose implementation never started, or a run stopped
	// before they did) are not run, for the reason the first such worker gave.
	reason := "not run: the run stopped before a worker took these specs"
	for _, o := range outcomes {
		if o.run == nil && o.skipped != "" {
			reason = o.skipped
			break
		}
	}
	if ids := d.undealt(); len(ids) > 0 {
		outcomes = append(outcomes, workerOutcome{ids: ids, skipped: reason})
	}
	return mergeWorkers(ctx, plan, outcomes)
}

// dealer deals the specs to the workers as they become ready.
type dealer struct {
	hist    *history
	cpus    int
	workers int

	mu        sync.Mutex
	remaining []suite.Spec // not dealt yet, serial ones apart
	serial    []string
	starts    []time.Time // when each worker not yet ready was started
	dealt     int
}

func newDealer(specs []suite.Spec, workers int, hist *history, cpus int) *dealer {
	d := &dealer{hist: hist, cpus: cpus, workers: workers}
	for _, s := range specs {
		if s.Serial {
			d.serial = append(d.serial, s.ID)
		} else {
			d.remaining = append(d.remaining, s)
		}
	}
	return d
}

// starting records that a worker process was started.
func (d *dealer) starting(at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.starts = append(d.starts, at)
}

// deal is the share of a worker started at begun whose implementation is up now, and
// whether it ends with the serial specs, to be run once the other workers are done.
func (d *dealer) deal(begun time.Time) (ids []string, serial bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	startup := now.Sub(begun)
	if i := slices.Index(d.starts, begun); i >= 0 {
		d.starts = slices.Delete(d.starts, i, i+1)
	}
	left := d.workers - d.dealt
	d.dealt++
	if left <= 0 {
		return nil, false
	}
	// When the workers still to come are expected to be ready, if each start takes as long
	// as this one did: those already started at their start plus that, each freeing its
	// start slot then; the others when a start slot frees, plus that. This worker freed its
	// slot before it was dealt, so as many workers as slots may already be starting.
	ready := []time.Duration{0}
	slots := make([]time.Duration, 0, max(d.cpus, len(d.starts)))
	for _, at := range d.starts {
		r := max(0, at.Add(startup).Sub(now))
		ready = append(ready, r)
		slots = append(slots, r)
	}
	for len(slots) < d.cpus {
		slots = append(slots, 0)
	}
	for len(ready) < left {
		slices.Sort(slots)
		next := slots[0] + startup
		slots[0] = next
		ready = append(ready, next)
	}
	ready = ready[:min(len(ready), left)]
	slices.Sort(ready)
	shares, _ := partition(d.remaining, left, d.hist, ready)
	if len(shares) > 0 {
		ids = shares[0].ids
		d.remaining = slices.DeleteFunc(d.remaining, func(s suite.Spec) bool { return slices.Contains(ids, s.ID) })
	}
	if left == 1 || len(d.remaining) == 0 && len(d.serial) > 0 {
		ids, serial = append(ids, d.serial...), len(d.serial) > 0
		d.serial = nil
	}
	return ids, serial
}

// gone records that the worker started at begun ended before its implementation was up:
// the specs are dealt to the others.
func (d *dealer) gone(begun time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i := slices.Index(d.starts, begun); i >= 0 {
		d.starts = slices.Delete(d.starts, i, i+1)
	}
	d.workers--
}

// undealt lists the specs no worker took.
func (d *dealer) undealt() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []string
	for _, s := range d.remaining {
		ids = append(ids, s.ID)
	}
	return append(ids, d.serial...)
}

// worker is one `conform run --worker --hold` process, which gets its share of the plan from
// dealer once its implementation has started.
type worker struct {
	index  int
	dir    string
	dealer *dealer
	// started is called once, when the worker's implementation has started or the worker
	// ended without starting it.
	started func()
	// othersDone waits until every other worker has exited; false means the run stopped.
	othersDone func() bool
}

// workerOutcome is what a worker left: its report, or why there is none.
type workerOutcome struct {
	ids     []string
	code    int
	run     *reports.Run
	skipped string // set when the worker left no report
}

func (w worker) run(ctx context.Context, self string, args []string, pr *progressPrinter, stderr io.Writer) workerOutcome {
	var startedOnce sync.Once
	started := func() {
		if w.started != nil {
			startedOnce.Do(w.started)
		}
	}
	defer started()
	args = append(append([]string{}, args...), "--report-dir", w.dir, "--hold")
	cmd := exec.CommandContext(ctx, self, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return workerOutcome{skipped: fmt.Sprintf("not run: worker %d: %v", w.index, err)}
	}
	defer stdin.Close()
	// On cancellation the worker is asked to stop like a user would (it then writes reports
	// marked interrupted), and killed if it has not exited within the grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = workerGrace
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return workerOutcome{skipped: fmt.Sprintf("not run: worker %d: %v", w.index, err)}
	}
	tail := &tailBuffer{max: 4096}
	errOut := prefixed(stderr, fmt.Sprintf("worker %d: ", w.index))
	defer errOut.Close()
	cmd.Stderr = io.MultiWriter(tail, errOut)
	begun := time.Now()
	if err := cmd.Start(); err != nil {
		return workerOutcome{skipped: fmt.Sprintf("not run: start worker %d: %v", w.index, err)}
	}
	w.dealer.starting(begun)
	var ids []string
	ready := false
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == workerReady && !ready {
			ready = true
			started()
			var serial bool
			ids, serial = w.dealer.deal(begun)
			if len(ids) > 0 {
				_, _ = io.WriteString(stdin, "run "+strings.Join(ids, ",")+"\n")
			}
			go func() {
				if serial && w.othersDone() {
					_, _ = io.WriteString(stdin, "go\n")
				}
				_ = stdin.Close()
			}()
			continue
		}
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
	if ready && len(ids) == 0 {
		return workerOutcome{} // nothing was left for it
	}
	if !ready {
		w.dealer.gone(begun)
		// Its implementation never started (or the run stopped first): its report lists
		// specs it was never given.
		reason := fmt.Sprintf("not run: worker %d exited (code %d, %v) before its implementation started; its last output:\n%s", w.index, code, err, tail.String())
		if run, readErr := reports.ReadJSON(filepath.Join(w.dir, reports.JSONFile)); readErr == nil && run.InterruptReason != "" {
			reason = "not run: " + strings.TrimPrefix(run.InterruptReason, "not run: ")
		}
		return workerOutcome{code: code, skipped: reason}
	}
	run, readErr := reports.ReadJSON(filepath.Join(w.dir, reports.JSONFile))
	if readErr != nil {
		return workerOutcome{ids: ids, code: code, skipped: fmt.Sprintf("not run: worker %d exited (code %d, %v) without a report; its last output:\n%s", w.index, code, err, tail.String())}
	}
	return workerOutcome{ids: ids, code: code, run: run}
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
		if o.run == nil && len(o.ids) == 0 && o.skipped == "" {
			continue // a worker dealt nothing
		}
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
		// Workers whose implementation would not start all say the same.
		infra = slices.Compact(infra)
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
