package fuzz

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Confirmation and shrinking are rapid.Check, driven outside `go test`: the property runs a
// generated program in every implementation and fails when the finding's class (and the
// implementations it concerns) shows up again. With rapid's seed set to the program's seed
// and one check, the first program rapid generates is the program the loop found (Generate
// uses the same bit stream); rapid runs it, runs it again to see that it reproduces, then
// shrinks it, every candidate being a run of its own, and runs the minimal one a last time.
// The property never fails on anything else, so a candidate is kept only if it still shows
// the same finding.

// rapidMu serialises the use of rapid's configuration, which rapid keeps in process-wide
// flags (rapid.seed, rapid.checks, rapid.shrinktime): two shrinks at once would overwrite each
// other's seed.
var rapidMu sync.Mutex

// checkRapid runs rapid.Check with the seed and shrink budget given.
func checkRapid(seed uint64, shrinkTime time.Duration, prop func(*rapid.T)) error {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	// rapid calls testing.Short, which needs the testing flags registered and parsed; in the
	// conform binary nothing else parses the process's flag set.
	testing.Init()
	if !flag.Parsed() {
		if err := flag.CommandLine.Parse(nil); err != nil {
			return fmt.Errorf("prepare rapid: %w", err)
		}
	}
	settings := [][2]string{
		{"rapid.seed", strconv.FormatUint(seed, 10)}, {"rapid.checks", "1"}, {"rapid.nofailfile", "true"},
		{"rapid.shrinktime", shrinkTime.String()}, {"rapid.v", "false"}, {"rapid.log", "false"}, {"test.short", "false"},
	}
	for _, s := range settings {
		if err := flag.CommandLine.Set(s[0], s[1]); err != nil {
			return fmt.Errorf("configure rapid (%s): %w", s[0], err)
		}
	}
	rapid.Check(&quietTB{}, prop)
	return nil
}

// quietTB is the rapid.TB of a check outside `go test`: it keeps whether the check failed
// and drops rapid's messages (the property records what it needs itself).
type quietTB struct {
	mu     sync.Mutex
	failed bool
}

var _ rapid.TB = (*quietTB)(nil)

func (*quietTB) Helper()                  {}
func (*quietTB) Name() string             { return "conform-fuzz" }
func (*quietTB) Logf(string, ...any)      {}
func (*quietTB) Log(...any)               {}
func (*quietTB) Skipf(string, ...any)     {}
func (*quietTB) Skip(...any)              {}
func (*quietTB) SkipNow()                 {}
func (tb *quietTB) Errorf(string, ...any) { tb.Fail() }
func (tb *quietTB) Error(...any)          { tb.Fail() }
func (tb *quietTB) Fatalf(string, ...any) { tb.Fail() }
func (tb *quietTB) Fatal(...any)          { tb.Fail() }
func (tb *quietTB) FailNow()              { tb.Fail() }
func (tb *quietTB) Fail() {
	tb.mu.Lock()
	tb.failed = true
	tb.mu.Unlock()
}
func (tb *quietTB) Failed() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.failed
}

// attempt is one run of the property.
type attempt struct {
	program Program
	runs    []*Run
	finding Finding
	failed  bool
	ids     map[string]bool // every finding the program showed
}

// confirm reruns a finding's program, shrinks it and runs the minimal program again in
// fresh instances. It returns nil when the finding does not reproduce.
func confirm(ctx context.Context, w *worker, env Env, p Program, f Finding, budget time.Duration, known *Known) (*Report, error) {
	id := f.ID()
	// A property is one implementation's: the others need not run. A difference needs
	// every implementation, for the majority.
	var only func(*instance) bool
	if !strings.HasPrefix(f.Class, "diff/") {
		only = func(in *instance) bool { return slices.Contains(f.Impls, in.name()) }
	}
	var attempts []attempt
	var runErr error
	// run runs q and reports whether it shows the finding (not through a known divergence).
	run := func(q Program) (attempt, error) {
		runs, err := w.runSome(ctx, q, true, only)
		if err != nil {
			return attempt{}, err
		}
		a := attempt{program: q, runs: runs, ids: map[string]bool{}}
		for _, g := range judge(q, runs) {
			a.ids[g.ID()] = true
			if _, isKnown := known.Match(g); g.ID() == id && !isKnown && !a.failed {
				a.failed, a.finding = true, g
			}
		}
		return a, nil
	}
	began := time.Now()
	prop := func(t *rapid.T) {
		q := Generator(env).Draw(t, "program")
		q.Seed = p.Seed
		if runErr != nil || ctx.Err() != nil {
			return
		}
		// A candidate that shows the class through a known divergence is not the finding.
		a, err := run(q)
		if err != nil {
			runErr = err
			return
		}
		attempts = append(attempts, a)
		if a.failed {
			t.Fatalf("%s", id)
		}
	}
	// rapid gets most of the budget; the rest goes to removing whole steps from its result.
	if err := checkRapid(p.Seed, budget*3/4, prop); err != nil {
		return nil, err
	}
	if runErr != nil {
		return nil, fmt.Errorf("shrink: %w", runErr)
	}
	// The first attempt is the program as found, the second rapid's reproduction of it.
	if len(attempts) < 2 || !attempts[0].failed || !attempts[1].failed {
		return nil, nil
	}
	best := attempts[len(attempts)-1]
	if !best.failed {
		best = smallest(attempts)
	}
	runs := len(attempts)
	// rapid checks its deadline between passes, so it may have run over: the reduction gets
	// its quarter whatever rapid took.
	deadline := began.Add(budget)
	if least := time.Now().Add(budget / 4); least.After(deadline) {
		deadline = least
	}
	best, n, err := reduce(best, run, deadline)
	if err != nil {
		return nil, fmt.Errorf("reduce: %w", err)
	}
	rep := &Report{Finding: best.finding, GrammarVersion: GrammarVersion, Env: env, Program: best.program,
		OriginalStatements: p.Statements(), ShrinkRuns: runs + n}
	// The last word is a run in instances that ran nothing before.
	named := func(in *instance) bool { return !in.target.InProcess && slices.Contains(f.Impls, in.name()) }
	if err := w.renew(ctx, false, named); err != nil {
		return nil, fmt.Errorf("fresh instances: %w", err)
	}
	fresh := 0
	final := best.runs
	for i := 0; i < 1; i++ {
		runs, err := w.runSome(ctx, best.program, true, only)
		if err != nil {
			return nil, fmt.Errorf("run the minimal program: %w", err)
		}
		for _, g := range judge(best.program, runs) {
			if _, isKnown := known.Match(g); g.ID() == id && !isKnown {
				fresh++
				final = runs
				rep.Finding = g
				break
			}
		}
	}
	rep.Reproduced = fmt.Sprintf("found, then reproduced in %d of %d runs while shrinking, and in %d of 1 run in fresh instances",
		countFailed(attempts)-1, len(attempts)-1, fresh)
	rep.Fresh = fresh > 0
	for _, r := range final {
		rep.Runs = append(rep.Runs, RunReport{Run: r, Trace: traceOf(best.program, r)})
	}
	return rep, nil
}

// reduce removes what the finding does not need from a program rapid shrank, one piece at
// a time, keeping a removal when the finding stays (until deadline): whole steps (rapid
// removes a step only when the steps after it still read the same from its bit stream,
// which a step's bindings often prevent), then allowlist entries. The result is no longer a
// program of a seed; the report carries it whole.
func reduce(best attempt, run func(Program) (attempt, error), deadline time.Time) (attempt, int, error) {
	n := 0
	try := func(q Program) (bool, error) {
		if time.Now().After(deadline) {
			return false, nil
		}
		n++
		a, err := run(q)
		if err != nil || !a.failed {
			return false, err
		}
		// A removal that makes the program show something else as well (an allowlist
		// entry removed, so that a fetch now escapes) would muddle the finding.
		for other := range a.ids {
			if !best.ids[other] {
				return false, nil
			}
		}
		best = a
		return true, nil
	}
	for changed := true; changed; {
		changed = false
		p := best.program
		for i := len(p.Steps) - 2; i >= 0; i-- {
			q := p
			q.Steps = slices.Delete(slices.Clone(p.Steps), i, i+1)
			ok, err := try(q)
			if err != nil {
				return best, n, err
			}
			if ok {
				p, changed = best.program, true
			}
		}
	}
	p := best.program
	for i := len(p.AllowedHosts) - 1; i >= 0; i-- {
		q := p
		q.AllowedHosts = slices.Delete(slices.Clone(p.AllowedHosts), i, i+1)
		ok, err := try(q)
		if err != nil {
			return best, n, err
		}
		if ok {
			p = best.program
		}
	}
	return best, n, nil
}

func countFailed(as []attempt) int {
	n := 0
	for _, a := range as {
		if a.failed {
			n++
		}
	}
	return n
}

// smallest is the failing attempt with the fewest statements, then the shortest program.
func smallest(as []attempt) attempt {
	var best attempt
	for _, a := range as {
		if !a.failed {
			continue
		}
		if !best.failed || a.program.Statements() < best.program.Statements() ||
			(a.program.Statements() == best.program.Statements() && len(a.program.Render("")) < len(best.program.Render(""))) {
			best = a
		}
	}
	return best
}
