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
