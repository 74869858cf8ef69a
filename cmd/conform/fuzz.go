package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/conform-suite/conform/fuzz"
	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/suite/runner"
)

const fuzzDescription = `Generates random vat programs over the endowment's surface (URL spellings, allowlist entries,
redirect chains, methods, headers, Request/Response construction, body reading, abort,
teardown) and runs each in a fresh vat of every implementation: the embedded reference (or a
broken variant, --mutant) unless --no-reference, and each --adapter. Checks on each alone that
nothing outside the vat's allowlist is contacted, that notify comes in pairs, that nothing
stays open or settles after teardown, that a plain fetch of an allowed host resolves and that
nothing crashes or hangs; compares the
implementations' outcomes (with three or more, the majority decides who deviates). Every
finding is run again, shrunk to a minimal program and written to --out as a JavaScript vat
program and a JSON file (seed, allowlist, each implementation's trace); --replay runs one again.

Exit codes: 0 nothing found (or only what --known lists); 1 a finding; 2 usage error;
3 an implementation could not be started, or the run was interrupted.`

const fuzzExamples = `  conform fuzz --time 60s
  conform fuzz --adapter "node adapters/node-plain/adapter.mjs" --time 60s --known fuzz/known-divergences.yaml
  conform fuzz --no-reference --adapter "node a.mjs" --adapter "node b.mjs" --adapter "node c.mjs" --runs 2000
  conform fuzz --replay conform-fuzz/findings/allowlist_direct@node-plain.json --adapter "node adapters/node-plain/adapter.mjs"`

// optionalDuration is a duration flag whose zero value means "not given".
type optionalDuration struct{ d *time.Duration }

func (o optionalDuration) String() string {
	if o.d == nil || *o.d == 0 {
		return ""
	}
	return o.d.String()
}

func (o optionalDuration) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	*o.d = d
	return nil
}

// commandLines is a repeatable flag whose values are kept whole (an adapter command line
// may hold commas).
type commandLines []string

func (c *commandLines) String() string     { return strings.Join(*c, " ; ") }
func (c *commandLines) Set(v string) error { *c = append(*c, v); return nil }

func cmdFuzz(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("fuzz", "[flags]", fuzzDescription, fuzzExamples, stdout)
	var adapters commandLines
	fs.Var(&adapters, "adapter", "an adapter command line to fuzz (repeatable)")
	noRef := fs.Bool("no-reference", false, "leave the embedded reference out")
	mutant := fs.String("mutant", "", "use a deliberately broken variant of the reference instead of the reference (a -tags conformfaults build)")
	seed := fs.Uint64("seed", 0, "seed of the programs: the same seed gives the same programs (default: from the clock, printed)")
	budget := new(time.Duration)
	fs.Var(optionalDuration{budget}, "time", "stop generating after this `duration` (60s when --runs is not given either)")
	runs := fs.Int("runs", 0, "stop after this many programs")
	out := fs.String("out", "conform-fuzz", "directory for findings, the corpus of seeds and summary.json")
	vary := fs.Bool("vary-allowlist", true, "draw each vat's allowedHosts from the grammar (otherwise every vat allows allowed.test)")
	replay := fs.String("replay", "", "run the program of a finding's JSON file again, in the implementations given, and exit 1 if the finding reproduces")
	knownFile := fs.String("known", "", "known-divergences file: finding classes that do not fail the run (fuzz/known-divergences.yaml)")
	workers := fs.Int("p", 0, "programs run in parallel, each worker with its own instance of every implementation\n(default: 2 per CPU, at most 4, without adapters; 1 per CPU, at most 2, with them)")
	shrinkTime := fs.Duration("shrink-time", 5*time.Second, "time spent shrinking each finding (in all, at most as long as --time, or 30s;\nfindings past that are confirmed and reported unshrunk)")
	callTimeout := fs.Duration("call-timeout", 5*time.Second, "bound of each protocol call: a program step that outlasts it is a hang")
	initTimeout := fs.Duration("initialize-timeout", 30*time.Second, "timeout of an implementation's start")
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("unexpected argument %q (quote the adapter command: --adapter \"node adapter.mjs\")", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *noRef && *mutant != "":
		return exitUsage, usagef("--mutant replaces the reference: it cannot be combined with --no-reference")
	case *runs < 0 || *budget < 0 || *workers < 0:
		return exitUsage, usagef("--runs, --time and -p cannot be negative")
	case *shrinkTime <= 0 || *callTimeout <= 0 || *initTimeout <= 0:
		return exitUsage, usagef("--shrink-time, --call-timeout and --initialize-timeout must be positive")
	}
	timeouts := runner.Timeouts{Call: *callTimeout, Initialize: *initTimeout}
	targets, err := fuzzTargets(adapters, *noRef, *mutant, timeouts)
	if err != nil {
		return exitUsage, err
	}
	timing := fuzz.DefaultTiming()
	timing.Call, timing.Initialize = *callTimeout, *initTimeout
	if *replay != "" {
		return replayFinding(ctx, targets, timing, *replay, stdout)
	}
	var known *fuzz.Known
	if *knownFile != "" {
		if known, err = fuzz.LoadKnown(*knownFile); err != nil {
			return exitUsage, usagef("%v", err)
		}
	}
	if !set["seed"] {
		*seed = uint64(time.Now().UnixNano()) >> 1
	}
	if *runs == 0 && *budget == 0 {
		*budget = time.Minute
	}
	if *workers == 0 {
		*workers = min(2*runtime.NumCPU(), 4)
		if len(adapters) > 0 {
			*workers = min(runtime.NumCPU(), 2)
		}
	}
	cfg := fuzz.Config{Targets: targets, Seed: *seed, Runs: *runs, Time: *budget, Workers: *workers, VaryAllowlist: *vary,
		Timing: timing, Known: known, Out: *out, ShrinkTime: *shrinkTime, ShrinkTotal: max(*budget, 30*time.Second)}
	if !*quiet {
		cfg.Progress = stdout
	}
	fmt.Fprintf(stdout, "conform fuzz: seed %d, %d workers, %s\n", *seed, *workers, describeBudget(*runs, *budget))
	res, err := fuzz.Fuzz(ctx, cfg)
	if res != nil {
		fuzz.WriteSummary(stdout, res, *out)
	}
	switch {
	case err != nil:
		// An implementation that would not start (*fuzz.InfraError), or an interrupted run.
		return exitInfra, err
	case len(res.Findings) > 0:
		return exitFailures, nil
	}
	return exitOK, nil
}

// fuzzTargets are the implementations a fuzz run compares: the reference (or a broken
// variant of it) unless left out, then each adapter.
func fuzzTargets(adapters []string, noRef bool, mutant string, timeouts runner.Timeouts) ([]fuzz.Target, error) {
	var targets []runner.Target
	switch {
	case mutant != "":
		t, err := mutantTarget(mutant)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	case !noRef:
		targets = append(targets, referenceTarget())
	}
	for _, a := range adapters {
		t, err := adapterTarget(a)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return nil, usagef("nothing to fuzz: --no-reference needs at least one --adapter")
	}
	out := make([]fuzz.Target, len(targets))
	for i, t := range targets {
		out[i] = fuzz.Target{Name: t.Name, InProcess: t.Adapter == "", New: func(net *mocknet.Network) (harness.Implementation, error) {
			impl, err := t.New(net, timeouts)
			if err != nil || t.Adapter != "" {
				return impl, err
			}
			// An in-process implementation stuck in Go code ignores its call's context; bound it
			// as an adapter is, so that it is reported as hung instead of stalling the run.
			return harness.Bound(impl, harness.BoundOptions{Name: t.Name, CallTimeout: timeouts.Call, InitializeTimeout: timeouts.Initialize}), nil
		}}
	}
	return out, nil
}

func describeBudget(runs int, d time.Duration) string {
	switch {
	case runs > 0 && d > 0:
		return fmt.Sprintf("%d programs or %s, whichever comes first", runs, d)
	case runs > 0:
		return fmt.Sprintf("%d programs", runs)
	}
	return fmt.Sprintf("for %s", d)
}

// replayFinding runs a finding's program again and says whether it reproduces.
func replayFinding(ctx context.Context, targets []fuzz.Target, timing fuzz.Timing, path string, stdout io.Writer) (int, error) {
	rep, err := fuzz.LoadReport(path)
	if err != nil {
		return exitUsage, usagef("--replay: %v", err)
	}
	got, err := fuzz.Replay(ctx, targets, timing, rep)
	if err != nil {
		return exitInfra, err
	}
	fmt.Fprintf(stdout, "conform fuzz: replayed %s (%s)\n", path, rep.ID())
	for _, r := range got.Runs {
		fmt.Fprintf(stdout, "  %s: %s\n", r.Impl, fuzz.DescribeRun(r))
	}
	for _, f := range got.Findings {
		fmt.Fprintf(stdout, "  finding %s: %s\n", f.ID(), fuzz.OneLine(f.Detail, 300))
	}
	if got.Reproduced {
		fmt.Fprintf(stdout, "reproduced: %s\n", rep.Class)
		return exitFailures, nil
	}
	fmt.Fprintf(stdout, "did not reproduce: %s\n", rep.Class)
	return exitOK, nil
}
