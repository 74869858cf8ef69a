package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/changelog"
	"github.com/conform-suite/conform/suite/runner"
	"github.com/conform-suite/conform/suite/runner/parallel"
)

const runDescription = `Runs the conformance specs inside this binary against an implementation: the embedded
reference (no --adapter), or an external adapter speaking harness/PROTOCOL.md. Writes
junit.xml, report.json and report.html to --report-dir, also when the run is interrupted.

Every call, in process too, waits at most --call-timeout: one that does not answer is an error of
its spec (exit 3) and the implementation (in process: its worker) is replaced; with -p 1 the stuck
call stays in this process until the run ends. Workers end with the run, and within 10 s of SIGTERM.

Exit codes: 0 no unexpected failure; 1 conformance failures; 2 usage or configuration error;
3 the adapter or the infrastructure failed.`

const runExamples = `  conform run
  conform run --adapter "node adapters/snaps-node/adapter.mjs" --expect adapters/snaps-node/expectations.yaml
  conform run --profile core --label-filter 'teardown && !strict'
  conform run --focus 'ALLOW-00[1-3]' -v
  conform run -p 1 --spec TEAR-001        # serial, in this process
  conform run --shard 2/4 --report-dir reports/shard-2`

type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}

// runFlags are the flags of `conform run`.
type runFlags struct {
	sel               *selectionFlags
	adapter, mutant   *string
	grant             *string
	expectFile        *string
	strictExp         *bool
	reportDir         *string
	callTimeout       *time.Duration
	initializeTimeout *time.Duration
	suiteTimeout      *time.Duration
	procs             *int
	failFast          *bool
	verbose, quiet    *bool
	worker            *bool
}

func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("run", "[flags]", runDescription, runExamples, stdout)
	f := runFlags{sel: addSelectionFlags(fs)}
	f.adapter = fs.String("adapter", "", "adapter command line, e.g. \"node adapter.mjs\" (default: the embedded reference)")
	f.expectFile = fs.String("expect", "", "expectations file listing specs this implementation is known to fail")
	f.strictExp = fs.Bool("strict-expectations", false, "fail the run when a spec listed as expected to fail passes")
	f.reportDir = fs.String("report-dir", "conform-reports", "directory for junit.xml, report.json and report.html")
	f.callTimeout = fs.Duration("call-timeout", 10*time.Second, "timeout of each protocol call to the implementation (initialize has its own)")
	fs.Var(durationAlias{f.callTimeout}, "timeout", "deprecated: the same as --call-timeout")
	f.initializeTimeout = fs.Duration("initialize-timeout", 30*time.Second, "timeout of the implementation's initialize (adapter start-up)")
	f.suiteTimeout = fs.Duration("suite-timeout", time.Hour, "stop the whole run after this long; reports are written and marked interrupted")
	f.procs = fs.Int("p", 0, "run the specs in N worker processes, each with its own mock network and implementation\n(default: 3 per CPU, at most 8, when there is more than one CPU, else 1; 1 runs in this process)")
	fs.IntVar(f.procs, "procs", 0, "the same as -p")
	f.failFast = fs.Bool("fail-fast", false, "stop at the first failure")
	f.verbose = fs.Bool("v", false, "verbose: show Ginkgo's own output (implies -p 1 unless -p is given)")
	f.quiet = fs.Bool("quiet", false, "print only the summary, no line per spec")
	f.grant = fs.String("grant", "", "narrow the globals the implementation offers to these names, comma-separated, or a kernel's\npreset (\"ocap-kernel\": what ocap-kernel grants a vat, no DOMException or ReadableStream);\nspecs needing others are reported not applicable (n/a), never as failures")
	f.mutant = fs.String("mutant", "", "run a deliberately broken variant of the reference (suite self-test; see reference/mutants)")
	f.worker = fs.Bool("worker", false, internalFlag+"run as one worker of a parallel run, pulling specs from the parent over stdin and stdout (suite/runner/parallel)")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("unexpected argument %q (quote the adapter command: --adapter \"node adapter.mjs\")", fs.Arg(0))
	}
	for name, d := range map[string]time.Duration{"--call-timeout": *f.callTimeout, "--initialize-timeout": *f.initializeTimeout, "--suite-timeout": *f.suiteTimeout} {
		if d <= 0 {
			return exitUsage, usagef("%s must be positive, got %s", name, d)
		}
	}
	if *f.procs < 0 {
		return exitUsage, usagef("-p must be at least 1, got %d", *f.procs)
	}
	target, err := targetFor(*f.adapter, *f.mutant)
	if err != nil {
		return exitUsage, err
	}
	plan, err := f.sel.plan()
	if err != nil {
		return exitUsage, err
	}
	if len(plan.Specs) == 0 {
		return exitUsage, usagef("the selection (--profile, --label-filter, --spec, --focus, --skip, --shard) matches no spec; 'conform list' with the same flags shows what it selects")
	}
	var exp *reports.Expectations
	if *f.expectFile != "" {
		var ids []string
		for _, r := range suite.Requirements() {
			ids = append(ids, r.ID)
		}
		if exp, err = reports.LoadExpectations(*f.expectFile, ids); err != nil {
			return exitUsage, usagef("%v", err)
		}
	}
	grant, err := parseGrant(*f.grant)
	if err != nil {
		return exitUsage, err
	}
	opts := runner.Options{Target: target, CallTimeout: *f.callTimeout, InitializeTimeout: *f.initializeTimeout,
		FailFast: *f.failFast, Verbose: *f.verbose, Grant: grant}
	if !*f.quiet {
		opts.Progress = stdout
	}
	var worker *parallel.Worker
	if *f.worker {
		// A parallel run's worker: the parent hands it its specs one at a time.
		worker = parallel.NewWorker(stdin, stdout)
		defer parallel.ExitAfterSignal(exitInfra)()
		if plan, err = worker.Plan(); err != nil {
			return exitInfra, err
		}
		opts.Queue, opts.Progress = worker, nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, *f.suiteTimeout, fmt.Errorf("--suite-timeout %s reached", *f.suiteTimeout))
	defer cancel()

	procs := f.workers(len(plan.Specs))
	if !*f.worker {
		mode := "in this process"
		if procs > 1 {
			mode = fmt.Sprintf("in %d worker processes", procs)
		}
		fmt.Fprintf(stdout, "conform: running %d specs against %s, %s\n", len(plan.Specs), describeTarget(target), mode)
	}
	var result *reports.Run
	var runErr error
	if procs > 1 {
		self, err := os.Executable()
		if err != nil {
			return exitInfra, fmt.Errorf("find the conform binary to start workers: %w", err)
		}
		result, runErr = parallel.Run(ctx, plan, parallel.Options{Command: append([]string{self}, f.workerArgs()...),
			Workers: procs, Costs: f.costs(plan), FailFast: *f.failFast, Progress: opts.Progress, Stderr: stderr})
	} else {
		result, runErr = runner.Run(ctx, plan, opts)
	}
	if result == nil {
		return exitInfra, runErr
	}
	result.Grant = grant
	if _, preset := grantPresets()[*f.grant]; preset {
		result.GrantName = *f.grant
	}
	if cause := context.Cause(ctx); cause != nil && ctx.Err() == context.DeadlineExceeded && result.Interrupted {
		result.InterruptReason = "interrupted: " + cause.Error()
	}
	reports.Apply(result, exp)
	if infra := (*runner.InfraError)(nil); errors.As(runErr, &infra) {
		reports.MarkNotRun(result, "not run: "+runErr.Error())
	}
	if worker != nil {
		if err := worker.Report(result, runErr); err != nil {
			fmt.Fprintf(stderr, "conform run: send the report to the parent: %v\n", err)
			return exitInfra, nil
		}
		return exitCode(result, runErr, *f.strictExp, io.Discard), nil
	}
	if err := reports.WriteAll(*f.reportDir, result); err != nil {
		fmt.Fprintf(stderr, "conform run: %v\n", err)
		return exitInfra, nil
	}
	reports.WriteTerminalSummary(stdout, result)
	fmt.Fprintf(stdout, "Reports: %s/{%s,%s,%s}\n", *f.reportDir, reports.JUnitFile, reports.JSONFile, reports.HTMLFile)
	return exitCode(result, runErr, *f.strictExp, stderr), nil
}

// workers is how many worker processes the run uses: -p if given, else 3 per CPU up to 8 (specs
// mostly wait on the network, so more workers than CPUs pays), 1 on one CPU, under -v, or
// inside a worker; never more than there are specs.
func (f runFlags) workers(specs int) int {
	n := *f.procs
	if *f.worker {
		return 1
	}
	if n == 0 {
		n = 1
		if cpus := runtime.NumCPU(); cpus > 1 && !*f.verbose {
			n = min(3*cpus, 8)
		}
	}
	return max(1, min(n, specs))
}

// costs are what the specs are expected to take, to hand them out to the workers: the
// --durations file, else the report a previous run left in --report-dir (unreadable, it is
// ignored: the run overwrites it), else nothing.
func (f runFlags) costs(plan runner.Plan) runner.Costs {
	if *f.sel.durations != "" {
		return plan.Costs
	}
	costs, _ := runner.LoadCosts(filepath.Join(*f.reportDir, reports.JSONFile))
	return costs
}

// workerArgs are the flags every worker of a parallel run gets besides its specs: the same
// implementation and limits, no expectations (the parent applies them to the merged run).
func (f runFlags) workerArgs() []string {
	args := []string{"run", "--worker", "-p", "1",
		"--call-timeout", f.callTimeout.String(), "--initialize-timeout", f.initializeTimeout.String()}
	if *f.adapter != "" {
		args = append(args, "--adapter", *f.adapter)
	}
	if *f.mutant != "" {
		args = append(args, "--mutant", *f.mutant)
	}
	if *f.grant != "" {
		args = append(args, "--grant", *f.grant)
	}
	if *f.failFast {
		args = append(args, "--fail-fast")
	}
	return args
}

// durationAlias is a deprecated flag name that sets another flag's value.
type durationAlias struct{ d *time.Duration }

func (a durationAlias) String() string {
	if a.d == nil {
		return ""
	}
	return a.d.String()
}

func (a durationAlias) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	*a.d = d
	return nil
}

func describeTarget(t runner.Target) string {
	if t.Adapter != "" {
		return fmt.Sprintf("adapter %q", t.Adapter)
	}
	return t.Name + " (in process)"
}

func parseShard(s string) (runner.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(i)
	total, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return runner.Shard{}, usagef("invalid --shard %q: use I/N with 1 ≤ I ≤ N, e.g. --shard 2/4", s)
	}
	return runner.Shard{Index: index, Total: total}, nil
}

// exitCode decides the gate: infrastructure first, then unexpected failures, then
// (with --strict-expectations) unexpected passes.
func exitCode(run *reports.Run, runErr error, strictExpectations bool, stderr io.Writer) int {
	var infra *runner.InfraError
	if errors.As(runErr, &infra) {
		fmt.Fprintf(stderr, "conform run: the implementation failed: %s\n", reports.TerminalText(runErr.Error()))
		return exitInfra
	}
	counts := run.Count()
	infraFailures := 0
	for _, s := range run.Specs {
		if s.Status == reports.StatusFailed && s.Failure != nil && s.Failure.Infrastructure {
			infraFailures++
		}
	}
	switch {
	case run.Interrupted && strings.HasPrefix(run.InterruptReason, "interrupted"):
		fmt.Fprintln(stderr, "conform run: interrupted; reports were written and are marked interrupted")
		return exitInfra
	case infraFailures > 0 && infraFailures == counts[reports.StatusFailed]:
		fmt.Fprintf(stderr, "conform run: %d specs failed because the implementation crashed, hung or broke the protocol; see the adapter log in the report\n", infraFailures)
		return exitInfra
	case counts[reports.StatusFailed] > 0:
		return exitFailures
	case strictExpectations && counts[reports.StatusUnexpectedPass] > 0:
		fmt.Fprintf(stderr, "conform run: %d specs listed as expected failures passed; remove them from the expectations file\n", counts[reports.StatusUnexpectedPass])
		return exitFailures
	}
	return exitOK
}

func cmdList(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	fs := newFlags("list", "[--json|--markdown] [selection flags]",
		"Lists the specs the selection flags choose (all by default) with ID, profile, area and title:\n"+
			"the same flags as 'conform run', so 'conform list' is its dry run.",
		"  conform list\n  conform list --json --profile strict\n  conform list --focus 'ALLOW-00[1-3]'\n  conform list --since 0.3.0\n  conform list --markdown > REQUIREMENTS.md", stdout)
	asJSON := fs.Bool("json", false, "print a JSON array of {id, title, labels, requirement, profile, area, source, rationale, fixture, since, globals, file}")
	asMarkdown := fs.Bool("markdown", false, "print the REQUIREMENTS.md document")
	since := fs.String("since", "", "only the specs added in this catalogue version or later (what each version added: CHANGELOG.md)")
	sel := addSelectionFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if *asJSON && *asMarkdown {
		return exitUsage, usagef("--json and --markdown are exclusive")
	}
	plan, err := sel.plan()
	if err != nil {
		return exitUsage, err
	}
	reqs, err := changelog.AddedSince(plan.Requirements(), *since)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	switch {
	case *asJSON:
		return exitOK, suite.WriteJSON(stdout, reqs)
	case *asMarkdown:
		return exitOK, suite.WriteMarkdown(stdout, reqs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROFILE\tAREA\tTITLE")
	for _, r := range reqs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Profile, r.Area, r.Title)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\n%d specs. 'conform list --json' adds requirements and sources.\n", len(reqs))
	return exitOK, nil
}
