package fuzz

import (
	"context"
	"testing"
	"time"
)

// The reference keeps every property the fuzzer checks: a run against it alone finds
// nothing. (A finding here is either a bug of the reference or a property that is wrong.)
func TestTheReferenceKeepsEveryProperty(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 60
	}
	res, err := Fuzz(context.Background(), Config{Targets: []Target{referenceTarget()}, Seed: 20260101, Runs: runs, Workers: 2,
		VaryAllowlist: true, Timing: DefaultTiming(), ShrinkTime: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Programs != runs {
		t.Fatalf("ran %d programs, want %d", res.Programs, runs)
	}
	for _, f := range res.Findings {
		t.Errorf("finding %s (%s):\n%s", f.ID(), f.Detail, f.Program.Render(f.Reproduced))
	}
}

// A short fuzz of the reference against node-plain finds nothing the known-divergences
// file does not list: a class found here is new (a change of the reference, of node-plain
// or of the grammar) and needs triage — a spec, a fix or an entry with its reason and
// evidence. The programs are those of a fixed seed, so the test is the same every time.
func TestAShortFuzzAgainstNodePlainFindsOnlyKnownDivergences(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node-plain and runs for tens of seconds")
	}
	known, err := LoadKnown("known-divergences.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fuzz(context.Background(), Config{Targets: []Target{referenceTarget(), nodePlainTarget(t)}, Seed: 20260102,
		Runs: 400, Workers: 2, VaryAllowlist: true, Timing: DefaultTiming(), ShrinkTime: 5 * time.Second, Known: known})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d programs, %.1f/s; known classes seen: %d", res.Programs, res.PerSecond, len(res.Known))
	if len(res.Known) == 0 {
		t.Error("no known divergence was seen: node-plain has no allowlist, so a run must show allowlist/* at least")
	}
	for _, f := range res.Findings {
		t.Errorf("finding %s (%s): %s\n%s", f.ID(), f.Reproduced, f.Detail, f.Program.Render(""))
	}
}
