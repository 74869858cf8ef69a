package benchmark

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

// SuiteOptions are the runs of Suite ('conform bench', --workload suite).
type SuiteOptions struct {
	// Conform is the conform binary each run starts: Ginkgo runs one suite per process, so
	// every run is a 'conform run' of its own.
	Conform string
	// Adapter is the adapter command line; empty for the embedded reference.
	Adapter string
	// LabelFilter is a Ginkgo label filter selecting the specs the suite runs; empty for all.
	LabelFilter string
	// BaselineSpec is the trivial spec the baseline runs alone.
	BaselineSpec string
	// Runs is how many times each is run (at least 1).
	Runs int
	// Progress gets one line per run; nil for none.
	Progress io.Writer
}

// SuiteTimes are the figures of Suite.
type SuiteTimes struct {
	Runs                  int
	BaselineSpec          string
	Suite, Baseline       time.Duration // the median wall time of each
	Last                  *reports.Run  // the report of the last run of the suite
	SuiteWalls, BaseWalls []time.Duration
}

// conformFailures is the exit code of a 'conform run' with conformance failures: such a run
// still counts, the bench measures time, not conformance.
const conformFailures = 1

// Suite measures how long the suite takes against an implementation, as a ratio to a
// baseline run of one trivial spec, which costs what every run costs (process start, mock
// network, implementation start) and nothing else. The runs of each are interleaved, so that
// a shared machine's noise falls on both alike.
func Suite(ctx context.Context, opts SuiteOptions) (*SuiteTimes, error) {
	if opts.Runs < 1 {
		return nil, fmt.Errorf("runs must be at least 1, got %d", opts.Runs)
	}
	common := []string{"run", "--quiet"}
	if opts.Adapter != "" {
		common = append(common, "--adapter", opts.Adapter)
	}
	suiteArgs := slices.Clone(common)
	if opts.LabelFilter != "" {
		suiteArgs = append(suiteArgs, "--label-filter", opts.LabelFilter)
	}
	baselineArgs := append(slices.Clone(common), "--spec", opts.BaselineSpec)

	t := &SuiteTimes{Runs: opts.Runs, BaselineSpec: opts.BaselineSpec}
	for i := 0; i < opts.Runs; i++ {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "run %d/%d ...\n", i+1, opts.Runs)
		}
		d, _, err := timedRun(ctx, opts.Conform, baselineArgs)
		if err != nil {
			return nil, fmt.Errorf("baseline run: %w", err)
		}
		t.BaseWalls = append(t.BaseWalls, d)
		d, run, err := timedRun(ctx, opts.Conform, suiteArgs)
		if err != nil {
			return nil, fmt.Errorf("suite run: %w", err)
		}
		t.SuiteWalls = append(t.SuiteWalls, d)
		t.Last = run
	}
	t.Suite, t.Baseline = median(t.SuiteWalls), median(t.BaseWalls)
	return t, nil
}

// PrintSuite prints the medians, their ratio, the time spent per area and the slowest specs
// of the last run. Specs that must wait (for a promise that must never settle, a deadline)
// show up there: that wait is part of what they check.
func PrintSuite(w io.Writer, t *SuiteTimes) {
	counts := t.Last.Count()
	fmt.Fprintf(w, "\nsuite:    %d specs (%d passed, %d failed), median wall time %s over %d runs\n",
		len(t.Last.Specs), counts[reports.StatusPassed], counts[reports.StatusFailed], t.Suite.Round(time.Millisecond), t.Runs)
	fmt.Fprintf(w, "baseline: %s alone, median wall time %s\n", t.BaselineSpec, t.Baseline.Round(time.Millisecond))
	fmt.Fprintf(w, "ratio:    suite / baseline = %.1f\n\n", float64(t.Suite)/float64(t.Baseline))

	byArea := map[string]time.Duration{}
	for _, s := range t.Last.Specs {
		byArea[s.Area] += s.Duration
	}
	var areas []string
	for a := range byArea {
		areas = append(areas, a)
	}
	sort.Slice(areas, func(i, j int) bool { return byArea[areas[i]] > byArea[areas[j]] })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\ttime in specs (last run)")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t%s\n", a, byArea[a].Round(time.Millisecond))
	}
	_ = tw.Flush()
	specs := slices.Clone(t.Last.Specs)
	sort.Slice(specs, func(i, j int) bool { return specs[i].Duration > specs[j].Duration })
	fmt.Fprintln(w, "\nslowest specs (last run):")
	for _, s := range specs[:min(8, len(specs))] {
		fmt.Fprintf(w, "  %-10s %8s  %s\n", s.ID, s.Duration.Round(time.Millisecond), s.Title)
	}
}

// timedRun runs conform with args in a child process and returns its wall time and report.
// A run with conformance failures still counts: bench measures time, not conformance.
func timedRun(ctx context.Context, conform string, args []string) (time.Duration, *reports.Run, error) {
	dir, err := os.MkdirTemp("", "conform-bench")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, conform, append(args, "--report-dir", dir)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == conformFailures) {
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
