package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/conform-suite/conform/benchmark"
	"github.com/conform-suite/conform/reports"
)

// cmdBench measures an implementation against a baseline (package benchmark): the suite's
// wall time (--workload suite) or its fetch throughput (--workload fetch).
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
			"  conform bench --workload fetch --out results/reference/bench.json\n"+
			"  conform bench --workload fetch --adapter \"node adapters/snaps-node/adapter.mjs\" --out results/snaps-node/bench.json", stdout)
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
		return benchFetchCommand(ctx, stdout, *adapter, *out, benchmark.FetchOptions{
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
	times, err := benchmark.Suite(ctx, benchmark.SuiteOptions{Conform: self, Adapter: *adapter, LabelFilter: *labelFilter,
		BaselineSpec: *baselineSpec, Runs: *runs, Progress: stdout})
	if err != nil {
		return exitInfra, err
	}
	benchmark.PrintSuite(stdout, times)
	return exitOK, nil
}

// benchFetchCommand is 'conform bench --workload fetch'.
func benchFetchCommand(ctx context.Context, stdout io.Writer, adapter, out string, opts benchmark.FetchOptions) (int, error) {
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
	figures, err := benchmark.Fetch(ctx, target, opts)
	if err != nil {
		return exitInfra, fmt.Errorf("bench --workload fetch: %w", err)
	}
	benchmark.PrintThroughput(stdout, figures)
	if out != "" {
		if err := reports.WriteThroughput(out, figures); err != nil {
			return exitInfra, err
		}
		fmt.Fprintf(stdout, "figures written to %s\n", out)
	}
	return exitOK, nil
}
