package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reports"
)

func TestBenchFetchCommandWritesFigures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.json")
	r := conform(t, "bench", "--workload", "fetch", "--runs", "1", "--requests", "5", "--concurrent-requests", "16", "--concurrency", "4", "--out", out)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	figures, err := reports.ReadThroughput(out)
	if err != nil {
		t.Fatal(err)
	}
	if figures.Load("sequential") == nil || figures.Load("concurrent") == nil {
		t.Errorf("bench.json lacks a load: %+v", figures.Loads)
	}
	for _, want := range []string{"sequential", "concurrent", "cost vs Go client", "figures written to"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := conform(t, "bench", "--workload", "nope"); r.code != exitUsage {
		t.Errorf("--workload nope: exit %d, want %d", r.code, exitUsage)
	}
}

// The suite workload re-runs this binary as 'conform run': here one spec against another as
// the baseline, once each.
func TestBenchSuiteTimesTheSuiteAgainstTheBaseline(t *testing.T) {
	r := conform(t, "bench", "--runs", "1", "--label-filter", "ALLOW-001", "--baseline-spec", "HDR-001")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"run 1/1", "suite:    1 specs (1 passed, 0 failed)", "baseline: HDR-001 alone", "ratio:    suite / baseline", "slowest specs (last run):\n  ALLOW-001"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := conform(t, "bench", "--runs", "-1"); r.code != exitUsage {
		t.Errorf("--runs -1: exit %d, want %d", r.code, exitUsage)
	}
}
