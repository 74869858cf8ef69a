package parallel

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/conform-suite/conform/internal/childproc"
	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

// Options says how to run a plan in worker processes.
type Options struct {
	// Command starts one worker: a program and its arguments that run the implementation
	// under test as a worker speaking this package's protocol on its stdin and stdout
	// (`conform run --worker` with the run's implementation and limits).
	Command []string
	// Workers is how many workers the run starts at most.
	Workers int
	// StartSlots is how many workers may be starting their implementation at once; zero
	// means one per CPU.
	StartSlots int
	// Costs order the specs (runner.Order).
	Costs runner.Costs
	// FailFast hands out nothing more after the first failure.
	FailFast bool
	// Progress receives one line per finished spec; nil discards.
	Progress io.Writer
	// Stderr receives the workers' stderr, each line prefixed with the worker's number.
	Stderr io.Writer
}

// workerGrace is how long a worker may take to send its report after it was told to stop.
const workerGrace = 15 * time.Second

// Run runs the plan in worker processes and merges their reports into the run's. Like
// runner.Run it returns a report whenever it can (interrupted or not), and a
// *runner.InfraError when the implementation failed the run.
func Run(ctx context.Context, plan runner.Plan, opts Options) (*reports.Run, error) {
	if len(opts.Command) == 0 {
		return nil, errors.New("parallel run: no worker command")
	}
	workers := max(1, min(opts.Workers, len(plan.Specs)))
	slots := opts.StartSlots
	if slots <= 0 {
		slots = max(1, runtime.NumCPU())
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	q := newQueue(plan.Specs, opts.Costs, workers)
	defer context.AfterFunc(ctx, func() { q.stop(interrupted) })()
	p := &pool{opts: opts, q: q, order: q.order(), progress: &printer{w: opts.Progress, total: len(plan.Specs)}}

	p.starting = make(chan struct{}, slots)
	for i := 1; i <= workers; i++ {
		if !p.launch(ctx, i) {
			break
		}
	}
	q.startsDone()
	p.wg.Wait()
	return p.merge(ctx, plan, p.outcomes)
}

// launch starts worker i once a start slot is free, if the queue has specs for it, and
// reports whether it did. A worker whose implementation hung (outcome.hung) is replaced
// when it exits, by a worker numbered after every other, while the queue has specs left.
func (p *pool) launch(ctx context.Context, i int) bool {
	select {
	case p.starting <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if !p.q.join(i) {
		<-p.starting
		return false
	}
	o := &outcome{index: i}
	p.mu.Lock()
	p.outcomes = append(p.outcomes, o)
	p.last = max(p.last, i)
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var once sync.Once
		release := func() { once.Do(func() { <-p.starting }) }
		p.work(ctx, o, release)
		release()
		p.q.left(i)
		if o.hung == "" || ctx.Err() != nil {
			return
		}
		p.mu.Lock()
		p.last++
		next := p.last
		p.mu.Unlock()
		p.launch(ctx, next)
	}()
	return true
}

// pool is a parallel run's state besides the queue.
type pool struct {
	opts     Options
	q        *queue
	order    []string
	progress *printer
	starting chan struct{} // the start slots
	wg       sync.WaitGroup

	mu       sync.Mutex
	outcomes []*outcome
	last     int // the highest worker number so far
}

// outcome is what a worker left.
type outcome struct {
	index int
	ready bool         // its implementation started
	run   *reports.Run // its report, if it sent one
	infra string       // why its implementation failed the run, if it did
	exit  error        // how its process ended
	hung  string       // why its implementation stopped answering, if it did
	tail  string       // its last output
}

// work runs worker o until it exits; started is called once its implementation is up.
func (p *pool) work(ctx context.Context, o *outcome, started func()) {
	cmd := exec.CommandContext(ctx, p.opts.Command[0], p.opts.Command[1:]...)
	// On cancellation the worker is asked to stop like a user would (it then sends a report
	// marked interrupted), and killed if it has not exited within the grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = workerGrace
	// A worker does not outlive the run: killed if this process dies (Linux), else ended
	// by its stdin closing.
	childproc.DieWithParent(cmd)
	tail := &tailBuffer{max: 4096}
	errOut := prefixed(p.opts.Stderr, fmt.Sprintf("worker %d: ", o.index))
	defer errOut.Close()
	cmd.Stderr = io.MultiWriter(tail, errOut)
	stdin, err := cmd.StdinPipe()
	if err == nil {
		defer stdin.Close()
	}
	stdout, err2 := cmd.StdoutPipe()
	if err = errors.Join(err, err2); err == nil {
		err = cmd.Start()
	}
	if err != nil {
		o.exit = fmt.Errorf("start worker %d: %w", o.index, err)
		return
	}
	send := func(m message) {
		line, _ := json.Marshal(m)
		_, _ = stdin.Write(append(line, '\n')) // a worker that is gone reports nothing more
	}
	send(message{Plan: p.order})
	r := bufio.NewReader(stdout)
	var kill *time.Timer
	defer func() {
		if kill != nil {
			kill.Stop()
		}
	}()
	for {
		line, err := r.ReadBytes('\n')
		var m message
		switch {
		case len(line) == 0:
		case json.Unmarshal(line, &m) != nil:
			_, _ = tail.Write(line)
		case m.Ready:
			o.ready = true
			started()
		case m.Next:
			if ids := p.q.next(o.index); len(ids) > 0 {
				send(message{Run: ids})
			} else {
				send(message{Stop: true})
			}
		case m.Done != nil:
			p.progress.print(*m.Done)
			if p.opts.FailFast && m.Done.Status == "FAIL" {
				p.q.stop(failedFast) // as a run in one process stops at its first failure
			}
		case m.Hung != "":
			o.hung = m.Hung
		case m.Report != nil:
			o.run, o.infra = m.Report, m.Infra
			// The report is the last message: a worker that does not exit after it (held
			// by what its stuck implementation holds) is killed.
			if kill == nil {
				kill = time.AfterFunc(workerGrace, func() { _ = cmd.Process.Kill() })
			}
		default:
			_, _ = tail.Write(line)
		}
		if err != nil {
			break
		}
	}
	_ = stdin.Close()
	o.exit = cmd.Wait()
	o.tail = tail.String()
}

// merge joins the workers' reports into the run's, filling in the specs of workers that
// left none and the specs no worker was handed, and says whether the implementation failed
// the run as a whole.
func (p *pool) merge(ctx context.Context, plan runner.Plan, outcomes []*outcome) (*reports.Run, error) {
	byID := map[string]suite.Spec{}
	for _, s := range plan.Specs {
		byID[s.ID] = s
	}
	notRun := func(ids []string, why string, infrastructure bool) *reports.Run {
		r := &reports.Run{SchemaVersion: "1", Profiles: suite.Profiles(), StartedAt: time.Now(), FinishedAt: time.Now()}
		if infrastructure {
			r.Interrupted, r.InterruptReason = true, why
		}
		for _, id := range ids {
			r.Specs = append(r.Specs, skipped(byID[id], why, infrastructure))
		}
		return r
	}
	var runs []*reports.Run
	var infra []string
	notStarted := "" // why the first worker whose implementation never started did not
	for _, o := range outcomes {
		handed := p.q.handedTo(o.index)
		if o.run == nil {
			why := fmt.Sprintf("not run: worker %d exited (%v) without a report; its last output:\n%s", o.index, o.exit, o.tail)
			if !o.ready {
				why = fmt.Sprintf("not run: worker %d exited (%v) before its implementation started; its last output:\n%s", o.index, o.exit, o.tail)
			}
			runs = append(runs, notRun(handed, why, true))
			if ctx.Err() == nil {
				infra = append(infra, why)
			}
			if !o.ready && notStarted == "" {
				notStarted = why
			}
			continue
		}
		r := o.run
		// The specs handed out that the worker stopped before reaching: after a failure
		// under FailFast, skipped as in one process; else not run.
		reported := map[string]bool{}
		for _, s := range r.Specs {
			reported[s.ID] = true
		}
		_, stopped := p.q.remaining()
		for _, id := range handed {
			switch {
			case reported[id]:
			case stopped == failedFast:
				r.Specs = append(r.Specs, skipped(byID[id], "", false))
			default:
				why := fmt.Sprintf("not run: worker %d stopped before this spec (%s)", o.index, r.InterruptReason)
				r.Specs = append(r.Specs, skipped(byID[id], why, true))
			}
		}
		runs = append(runs, r)
		if o.infra != "" && ctx.Err() == nil {
			infra = append(infra, o.infra)
		}
		if !o.ready && notStarted == "" && r.InterruptReason != "" {
			notStarted = "not run: " + strings.TrimPrefix(r.InterruptReason, "not run: ")
		}
	}
	if rest, why := p.q.remaining(); len(rest) > 0 || len(runs) == 0 {
		switch {
		case why == failedFast:
			// As a run in one process does, the specs after the first failure are skipped.
			runs = append(runs, notRun(rest, "", false))
		case notStarted != "":
			runs = append(runs, notRun(rest, notStarted, true))
		default:
			runs = append(runs, notRun(rest, "not run: the run stopped before a worker took these specs", true))
		}
	}
	// Every worker ran the same target, but one whose implementation never initialised names
	// it by the command line, not as the implementation names itself, and a report made up
	// here not at all: take the name of a worker that got furthest, so the reports merge
	// as one implementation's.
	var named *reports.Implementation
	for _, r := range runs {
		if r.Implementation.Version != "" || named == nil && r.Implementation.Name != "" {
			named = &r.Implementation
		}
		if r.Implementation.Version != "" {
			break
		}
	}
	if named != nil {
		impl := *named
		for _, r := range runs {
			r.Implementation = impl
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

// skipped is the result of a spec that did not run, and why (empty: no reason to give).
func skipped(s suite.Spec, why string, infrastructure bool) reports.SpecResult {
	r := reports.SpecResult{ID: s.ID, Title: s.Title, Profile: s.Profile, Area: s.Area, Labels: s.Labels(),
		Requirement: s.Requirement.Requirement, Source: s.Source, Status: reports.StatusSkipped}
	if why != "" {
		r.Failure = &reports.Failure{Message: why, Infrastructure: infrastructure}
	}
	return r
}

// printer numbers the workers' progress lines in the order the specs finish.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
}

func (p *printer) print(d runner.SpecDone) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	fmt.Fprint(p.w, d.Line(p.n, p.total))
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
