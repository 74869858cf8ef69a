package fuzz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Config is a fuzzing run.
type Config struct {
	// Targets are the implementations compared; every program runs in each.
	Targets []Target
	// Seed decides the programs: program i of a run is Generate(env, ProgramSeed(Seed, i)).
	Seed uint64
	// Runs stops the run after this many generated programs (0: no limit); Time after this
	// long (0: no limit). At least one must be set.
	Runs int
	Time time.Duration
	// Workers run programs in parallel, each with its own instance of every target.
	Workers int
	// VaryAllowlist draws allowlists from the grammar (the default); otherwise every vat
	// allows exactly allowed.test.
	VaryAllowlist bool
	Timing        Timing
	// Known keeps triaged classes from failing the run; nil knows none.
	Known *Known
	// Out is where findings, the corpus and the summary are written ("" writes nothing).
	Out string
	// ShrinkTime bounds the shrinking of each finding; ShrinkTotal, of all of them (0: no
	// bound). Findings past the total are still confirmed, and reported unshrunk.
	ShrinkTime, ShrinkTotal time.Duration
	// Progress receives one line per new class and a status line now and then (nil: none).
	Progress io.Writer
}

// Result is what a run found.
type Result struct {
	Env       Env           `json:"env"`
	Seed      uint64        `json:"seed"`
	Programs  int           `json:"programs"`
	Elapsed   time.Duration `json:"elapsedNs"`
	PerSecond float64       `json:"programsPerSecond"`
	// Implementations are the names compared, in target order.
	Implementations []string `json:"implementations"`
	// Findings are the confirmed, shrunk findings no known divergence covers.
	Findings []*Report `json:"findings"`
	// Known counts, per class and implementation, findings a known divergence covered.
	Known map[string]int `json:"known"`
	// Unconfirmed are classes seen once that did not reproduce (not reported as findings).
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// ProgramSeed is the seed of program i of a run with seed s (a SplitMix64 step, so that
// neighbouring programs share nothing).
func ProgramSeed(s uint64, i int) uint64 {
	z := s + uint64(i+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return (z ^ (z >> 31)) >> 1 // non-negative as an int, which rapid's seeds are
}

// seen is the first program (in run order) that showed a finding, and how often it came.
type seen struct {
	order   int
	program Program
	finding Finding
	count   int
}

// Fuzz runs cfg until its budget is spent, then confirms and shrinks what it found. The
// error is an *InfraError when an implementation could not be started.
func Fuzz(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Runs <= 0 && cfg.Time <= 0 {
		return nil, errors.New("fuzz: set Runs or Time")
	}
	cfg.Workers = max(cfg.Workers, 1)
	workers := make([]*worker, cfg.Workers)
	errs := make([]error, cfg.Workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			workers[i], errs[i] = newWorker(ctx, cfg.Targets, cfg.Timing)
		}()
	}
	wg.Wait()
	defer func() {
		for _, w := range workers {
			if w != nil {
				w.close()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	env := workers[0].env(cfg.VaryAllowlist)
	res := &Result{Env: env, Seed: cfg.Seed, Implementations: workers[0].names(), Known: map[string]int{}}
	corpus := loadCorpus(cfg.Out, env)
	l := &loop{cfg: cfg, env: env, corpus: corpus, found: map[string]*seen{}, res: res, began: time.Now()}
	// The budget cancels the run rather than giving it a deadline: a call cut short by a
	// deadline counts as the adapter's hang, one cut short by cancellation does not.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Time > 0 {
		stop := time.AfterFunc(cfg.Time, cancel)
		defer stop.Stop()
	}
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.work(runCtx, w); err != nil {
				l.fail(err)
				cancel()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(l.began)
	res.Programs = l.done
	if res.Elapsed > 0 {
		res.PerSecond = float64(l.done) / res.Elapsed.Seconds()
	}
	if l.err != nil {
		return res, l.err
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("fuzz: interrupted: %w", ctx.Err())
	}
	l.progress("%d programs in %s (%.1f/s); %d classes to confirm", res.Programs, res.Elapsed.Round(time.Millisecond), res.PerSecond, len(l.found))
	if len(l.found) > 0 {
		if err := workers[0].renew(ctx, true, nil); err != nil {
			return res, err
		}
		if err := l.confirmAll(ctx, workers[0]); err != nil {
			return res, err
		}
	}
	if cfg.Out != "" {
		if err := writeCorpus(cfg.Out, env, l.corpus); err != nil {
			return res, err
		}
		if err := writeSummary(cfg.Out, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// loop is the shared state of the workers of a run.
type loop struct {
	cfg    Config
	env    Env
	res    *Result
	began  time.Time
	mu     sync.Mutex
	next   int // next position in run order: the corpus first, then generated programs
	done   int
	found  map[string]*seen
	corpus *corpus
	err    error
	last   time.Time
}

func (l *loop) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
	}
}

func (l *loop) progress(format string, args ...any) {
	if l.cfg.Progress != nil {
		fmt.Fprintf(l.cfg.Progress, "conform fuzz: "+format+"\n", args...)
	}
}

// take returns the next program to run and its position, or false when the budget is spent.
func (l *loop) take() (Program, int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	order := l.next
	replayed := len(l.corpus.replay)
	if l.cfg.Runs > 0 && order-replayed >= l.cfg.Runs {
		return Program{}, 0, false
	}
	l.next++
	if order < replayed {
		return Generate(l.env, l.corpus.replay[order]), order, true
	}
	return Generate(l.env, ProgramSeed(l.cfg.Seed, order-replayed)), order, true
}

func (l *loop) work(ctx context.Context, w *worker) error {
	for ctx.Err() == nil {
		p, order, ok := l.take()
		if !ok {
			return nil
		}
		runs, err := w.run(ctx, p, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil // the budget ran out during the program: it does not count
			}
			return err
		}
		l.record(order, p, runs)
	}
	return nil
}

// record files a program's findings and coverage.
func (l *loop) record(order int, p Program, runs []*Run) {
	findings := judge(p, runs)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done++
	l.corpus.add(p.Seed, features(p, runs, findings))
	for _, f := range findings {
		if _, ok := l.cfg.Known.Match(f); ok {
			l.res.Known[f.ID()]++
			continue
		}
		s, ok := l.found[f.ID()]
		if !ok {
			l.progress("new: %s (program %d, seed %d): %s", f.ID(), order, p.Seed, truncate(f.Detail, 160))
			s = &seen{order: order, program: p, finding: f}
			l.found[f.ID()] = s
		} else if order < s.order {
			s.order, s.program, s.finding = order, p, f
		}
		s.count++
	}
	if l.cfg.Progress != nil && time.Since(l.last) > 10*time.Second {
		l.last = time.Now()
		el := time.Since(l.began)
		l.progress("%d programs in %s (%.1f/s), %d classes found, %d known", l.done, el.Round(time.Second), float64(l.done)/el.Seconds(), len(l.found), len(l.res.Known))
	}
}

// confirmAll confirms and shrinks each class found, in the order they were first seen,
// and writes the findings.
func (l *loop) confirmAll(ctx context.Context, w *worker) error {
	ids := make([]string, 0, len(l.found))
	for id := range l.found {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return l.found[ids[i]].order < l.found[ids[j]].order })
	began := time.Now()
	for _, id := range ids {
		s := l.found[id]
		budget := l.cfg.ShrinkTime
		if l.cfg.ShrinkTotal > 0 {
			budget = min(budget, l.cfg.ShrinkTotal-time.Since(began))
		}
		rep, err := confirm(ctx, w, l.env, s.program, s.finding, max(budget, time.Nanosecond), l.cfg.Known)
		if err != nil {
			return fmt.Errorf("confirm %s: %w", id, err)
		}
		if rep == nil {
			l.progress("%s did not reproduce: not reported", id)
			l.res.Unconfirmed = append(l.res.Unconfirmed, id)
			continue
		}
		rep.RunSeed, rep.Order, rep.Seen = l.cfg.Seed, s.order, s.count
		l.res.Findings = append(l.res.Findings, rep)
		l.progress("finding %s: %d statements (from %d; %d runs)%s", id, rep.Program.Statements(), s.program.Statements(), rep.ShrinkRuns, rep.written(l.cfg.Out))
		if l.cfg.Out != "" {
			if err := writeFinding(l.cfg.Out, rep); err != nil {
				return err
			}
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
