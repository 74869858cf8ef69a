package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/conform-suite/conform/reports"
)

// cmdBench measures an implementation, as a ratio against a baseline measured in the same
// invocation. Machines are shared and noisy; the ratio is what can be compared between runs.
//
//   - --workload suite (the default): how long the suite takes, against a run of one
//     trivial spec, which costs what every run costs (process start, mock network,
//     implementation start) and nothing else.
//   - --workload fetch: the requests per second of fetch + text() through the mock
//     network, against a plain Go HTTP client doing the same loads through the same proxy.
func cmdBench(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	fs := newFlags("bench", "[--workload suite|fetch] [--runs N] [--adapter CMD] [--out FILE]",
		"--workload suite (default) runs the suite --runs times (each in its own process, as Ginkgo\n"+
			"requires) and a baseline run of one trivial spec as often, interleaved, and prints the median\n"+
			"wall time of each, their ratio, the time spent per area and the slowest specs. Specs that must\n"+
			"wait (for a promise that must never settle, a deadline) show up there: that wait is part of\n"+
			"what they check.\n\n"+
			"--workload fetch drives the implementation directly (no specs) through the mock network: in one\n"+
			"vat, a sequential loop of fetch(url).then(r => r.text()) of a 1 KiB body, then the same with\n"+
			"--concurrency fetches in flight spread over 8 allowed virtual hosts. Each load runs --runs\n"+
			"times after a warm-up, interleaved with a plain Go HTTP client doing the same load through the\n"+
			"same proxy (the baseline); it prints median requests per second, the time one fetch is in\n"+
			"flight, and the cost relative to the baseline, and writes them to --out (bench.json, which\n"+
			"'conform report matrix' shows).",
		"  conform bench\n  conform bench --runs 5 --adapter \"node adapters/snaps-node/adapter.mjs\"\n"+
			"  conform bench --workload fetch --out reports/reference/bench.json\n"+
			"  conform bench --workload fetch --adapter \"node adapters/snaps-node/adapter.mjs\" --out reports/snaps-node/bench.json", stdout)
	workload := fs.String("workload", "suite", "what to measure: suite (the suite's wall time) or fetch (fetch throughput)")
	runs := fs.Int("runs", 0, "number of measured runs (default 3 for suite, 5 for fetch)")
	adapter := fs.String("adapter", "", "adapter command line (default: the embedded reference)")
	labelFilter := fs.String("label-filter", "", "suite: Ginkgo label filter selecting the specs to time")
	baselineSpec := fs.String("baseline-spec", "AVAIL-001", "suite: the trivial spec the baseline runs")
	sequential := fs.Int("requests", 1000, "fetch: fetches per run of the sequential load")
	concurrent := fs.Int("concurrent-requests", 1500, "fetch: fetches per run of the concurrent load")
	concurrency := fs.Int("concurrency", 32, "fetch: fetches in flight at once in the concurrent load")
	out := fs.String("out", "", "fetch: write the figures as JSON to this file (bench.json beside a report.json)")
	callTimeout := fs.Duration("call-timeout", 5*time.Minute, "fetch: bound on one run of a load (one evaluate call)")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	switch *workload {
	case "suite":
		if *runs == 0 {
			*runs = 3
		}
	case "fetch":
		if *runs == 0 {
			*runs = 5
		}
		return benchFetchCommand(ctx, stdout, *adapter, *out, fetchBenchOptions{
			Runs: *runs, SequentialRequests: *sequential, ConcurrentRequests: *concurrent, Concurrency: *concurrency,
			CallTimeout: *callTimeout, InitializeTimeout: 30 * time.Second, Progress: stdout,
		})
	default:
		return exitUsage, usagef("--workload must be suite or fetch, got %q", *workload)
	}
	if *runs < 1 {
		return exitUsage, usagef("--runs must be at least 1, got %d", *runs)
	}
	self, err := os.Executable()
	if err != nil {
		return exitInfra, fmt.Errorf("find the conform binary to re-run: %w", err)
	}
	common := []string{"run", "--quiet"}
	if *adapter != "" {
		common = append(common, "--adapter", *adapter)
	}
	suiteArgs := slices.Clone(common)
	if *labelFilter != "" {
		suiteArgs = append(suiteArgs, "--label-filter", *labelFilter)
	}
	baselineArgs := append(slices.Clone(common), "--spec", *baselineSpec)

	var suiteTimes, baseTimes []time.Duration
	var last *reports.Run
	for i := 0; i < *runs; i++ {
		fmt.Fprintf(stdout, "run %d/%d ...\n", i+1, *runs)
		d, _, err := timedRun(ctx, self, baselineArgs)
		if err != nil {
			return exitInfra, fmt.Errorf("baseline run: %w", err)
		}
		baseTimes = append(baseTimes, d)
		d, run, err := timedRun(ctx, self, suiteArgs)
		if err != nil {
			return exitInfra, fmt.Errorf("suite run: %w", err)
		}
		suiteTimes = append(suiteTimes, d)
		last = run
	}
	suiteMedian, baseMedian := median(suiteTimes), median(baseTimes)
	counts := last.Count()
	fmt.Fprintf(stdout, "\nsuite:    %d specs (%d passed, %d failed), median wall time %s over %d runs\n",
		len(last.Specs), counts[reports.StatusPassed], counts[reports.StatusFailed], suiteMedian.Round(time.Millisecond), *runs)
	fmt.Fprintf(stdout, "baseline: %s alone, median wall time %s\n", *baselineSpec, baseMedian.Round(time.Millisecond))
	fmt.Fprintf(stdout, "ratio:    suite / baseline = %.1f\n\n", float64(suiteMedian)/float64(baseMedian))

	byArea := map[string]time.Duration{}
	for _, s := range last.Specs {
		byArea[s.Area] += s.Duration
	}
	var areas []string
	for a := range byArea {
		areas = append(areas, a)
	}
	sort.Slice(areas, func(i, j int) bool { return byArea[areas[i]] > byArea[areas[j]] })
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\ttime in specs (last run)")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t%s\n", a, byArea[a].Round(time.Millisecond))
	}
	_ = tw.Flush()
	specs := slices.Clone(last.Specs)
	sort.Slice(specs, func(i, j int) bool { return specs[i].Duration > specs[j].Duration })
	fmt.Fprintln(stdout, "\nslowest specs (last run):")
	for _, s := range specs[:min(8, len(specs))] {
		fmt.Fprintf(stdout, "  %-10s %8s  %s\n", s.ID, s.Duration.Round(time.Millisecond), s.Title)
	}
	return exitOK, nil
}

// benchFetchCommand is 'conform bench --workload fetch'.
func benchFetchCommand(ctx context.Context, stdout io.Writer, adapter, out string, opts fetchBenchOptions) (int, error) {
	switch {
	case opts.Runs < 1:
		return exitUsage, usagef("--runs must be at least 1, got %d", opts.Runs)
	case opts.SequentialRequests < 1 || opts.ConcurrentRequests < 1:
		return exitUsage, usagef("--requests and --concurrent-requests must be at least 1")
	case opts.Concurrency < 2:
		return exitUsage, usagef("--concurrency must be at least 2, got %d", opts.Concurrency)
	}
	target, err := targetFor(adapter, "")
	if err != nil {
		return exitUsage, err
	}
	figures, err := benchFetch(ctx, target, opts)
	if err != nil {
		return exitInfra, fmt.Errorf("bench --workload fetch: %w", err)
	}
	printThroughput(stdout, figures)
	if out != "" {
		if err := reports.WriteThroughput(out, figures); err != nil {
			return exitInfra, err
		}
		fmt.Fprintf(stdout, "figures written to %s\n", out)
	}
	return exitOK, nil
}

// timedRun runs conform with args in a child process and returns its wall time and report.
// A run with conformance failures still counts: bench measures time, not conformance.
func timedRun(ctx context.Context, self string, args []string) (time.Duration, *reports.Run, error) {
	dir, err := os.MkdirTemp("", "conform-bench")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, self, append(args, "--report-dir", dir)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == exitFailures) {
		return 0, nil, fmt.Errorf("conform %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	run, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		return 0, nil, err
	}
	return elapsed, run, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
