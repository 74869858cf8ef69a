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

// cmdBench measures how long the suite takes against an implementation, as a ratio against
// a baseline measured in the same invocation: a run of one trivial spec, which costs what
// every run costs (process start, mock network, implementation start) and nothing else.
// Machines are shared and noisy; the ratio is what can be compared between runs.
func cmdBench(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	fs := newFlags("bench", "[--runs N] [--adapter CMD] [--label-filter EXPR]",
		"Runs the suite --runs times (each in its own process, as Ginkgo requires) and a baseline run\n"+
			"of one trivial spec as often, interleaved, and prints the median wall time of each, their\n"+
			"ratio, the time spent per area and the slowest specs. Specs that must wait (for a promise\n"+
			"that must never settle, a deadline) show up there: that wait is part of what they check.",
		"  conform bench\n  conform bench --runs 5 --adapter \"node adapters/snaps-node/adapter.mjs\"", stdout)
	runs := fs.Int("runs", 3, "number of measured suite runs (and baseline runs)")
	adapter := fs.String("adapter", "", "adapter command line (default: the embedded reference)")
	labelFilter := fs.String("label-filter", "", "Ginkgo label filter selecting the specs to time")
	baselineSpec := fs.String("baseline-spec", "AVAIL-001", "the trivial spec the baseline runs")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
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
