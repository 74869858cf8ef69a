package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReportScoresBuiltNonEquivalentMutants(t *testing.T) {
	files := []*sourceFile{{Path: "a.js", Mutants: make([]Mutant, 10)}, {Path: "b.go", Mutants: make([]Mutant, 4)}}
	results := []Result{
		{File: "a.js", Line: 1, Status: statusKilled, KilledBy: killerSuite},
		{File: "a.js", Line: 2, Status: statusKilled, KilledBy: killerUnit},
		{File: "a.js", Line: 3, Status: statusTimeout, KilledBy: killerSuite},
		{File: "a.js", Line: 4, Status: statusSurvived, Key: "a.js:00:cmp-swap:0", Diff: "a < b  →  a <= b"},
		{File: "b.go", Line: 1, Status: statusNotBuilt},
		{File: "b.go", Line: 2, Status: statusEquivalent},
		{File: "b.go", Line: 3, Status: ""}, // not reached by an interrupted run
	}
	r := newReport(config{seed: 3, count: 7}, files, results, 0)
	if r.Killed != 2 || r.Timeout != 1 || r.Survived != 1 || r.NotBuilt != 1 || r.Equivalent != 1 || len(r.Mutants) != 6 {
		t.Fatalf("counts: %+v", r)
	}
	if r.Score != 75 {
		t.Errorf("score = %v, want 75 (3 killed of 4 built, non-equivalent)", r.Score)
	}
	if r.KilledBy[killerSuite] != 2 || r.KilledBy[killerUnit] != 1 {
		t.Errorf("killed by = %v", r.KilledBy)
	}
	if len(r.PerFile) != 2 || r.PerFile[0].Candidates != 10 || r.PerFile[0].Survived != 1 || r.PerFile[1].NotBuilt != 1 {
		t.Errorf("per file = %+v", r.PerFile)
	}
	var out bytes.Buffer
	r.print(&out)
	if !strings.Contains(out.String(), "a.js:00:cmp-swap:0") || !strings.Contains(out.String(), "score 75.0%") {
		t.Errorf("printed report lacks the survivor or the score:\n%s", out.String())
	}
}
