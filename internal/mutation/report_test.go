package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportScoresBuiltNonEquivalentMutants(t *testing.T) {
	files := []*sourceFile{{Path: "a.js", Mutants: make([]Mutant, 10)}, {Path: "b.go", Mutants: make([]Mutant, 4)}}
	results := []Result{
		{File: "a.js", Line: 1, Status: statusKilled, KilledBy: killerSuite, Spec: "REQ-001"},
		{File: "a.js", Line: 2, Status: statusKilled, KilledBy: killerUnit, Key: "a.js:00:flip-bool:0", Detail: "--- FAIL: TestX"},
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
	// The suite alone killed 2 of the 4 built, non-equivalent mutants: the one only the unit
	// tests caught survived it.
	if r.SuiteKilled != 2 || r.SuiteSurvived != 2 || r.SuiteScore != 50 {
		t.Errorf("suite alone: %d killed, %d survived, score %v; want 2, 2, 50", r.SuiteKilled, r.SuiteSurvived, r.SuiteScore)
	}
	if r.CombinedScore == nil || *r.CombinedScore != 75 {
		t.Errorf("combined score = %v, want 75 (3 killed of 4 built, non-equivalent)", r.CombinedScore)
	}
	if r.KilledBy[killerSuite] != 2 || r.KilledBy[killerUnit] != 1 {
		t.Errorf("killed by = %v", r.KilledBy)
	}
	if len(r.PerFile) != 2 || r.PerFile[0].Candidates != 10 || r.PerFile[0].Survived != 1 || r.PerFile[0].SuiteKilled != 2 || r.PerFile[1].NotBuilt != 1 {
		t.Errorf("per file = %+v", r.PerFile)
	}
	var out bytes.Buffer
	r.print(&out)
	for _, want := range []string{"a.js:00:cmp-swap:0", "a.js:00:flip-bool:0", "caught by the unit tests: --- FAIL: TestX", "suite alone: 50.0%", "suite and unit tests: 75.0%"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q:\n%s", want, out.String())
		}
	}
}

// A survivor that the unit tests were not given (--suite-only) leaves the combined score
// unmeasured rather than wrong.
func TestSuiteOnlyLeavesTheCombinedScoreOut(t *testing.T) {
	results := []Result{
		{File: "a.js", Line: 1, Status: statusKilled, KilledBy: killerSuite},
		{File: "a.js", Line: 2, Status: statusSurvived, SuiteOnly: true},
	}
	r := newReport(config{suiteOnly: true}, nil, results, 0)
	if r.SuiteScore != 50 || r.CombinedScore != nil {
		t.Errorf("suite score %v, combined %v; want 50 and none", r.SuiteScore, r.CombinedScore)
	}
	var out bytes.Buffer
	r.print(&out)
	if !strings.Contains(out.String(), "not measured (--suite-only)") {
		t.Errorf("printed report does not say the combined score was not measured:\n%s", out.String())
	}
}

// A suite kill is named by the spec that failed, read from the report conform run wrote.
func TestSuiteFailureNamesTheSpec(t *testing.T) {
	dir := t.TempDir()
	report := `{"specs":[{"id":"REQ-001","status":"passed"},{"id":"RES-035","status":"failed","failure":{"summary":"Expected 301\nmore"}}]}`
	if err := os.WriteFile(filepath.Join(dir, "report.json"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, detail := suiteFailure(dir, "conform: running\n", errors.New("exit status 1"))
	if spec != "RES-035" || detail != "RES-035: Expected 301" {
		t.Errorf("suiteFailure = %q, %q; want RES-035 and its summary's first line", spec, detail)
	}
	spec, detail = suiteFailure(t.TempDir(), "\npanic: boom\n", errors.New("exit status 2"))
	if spec != "" || detail != "panic: boom" {
		t.Errorf("without a report: %q, %q; want the panic line", spec, detail)
	}
}

// A mutant only the reference's Go callers can see ([go-api]) is out of the suite-alone score
// and in the score with the unit tests; one the suite kills after all counts as a suite kill.
func TestGoAPIMutantsLeaveOnlyTheSuiteScore(t *testing.T) {
	results := []Result{
		{File: "a.go", Line: 1, Status: statusKilled, KilledBy: killerSuite},
		{File: "a.go", Line: 2, Status: statusKilled, KilledBy: killerUnit, GoAPI: true},
		{File: "a.go", Line: 3, Status: statusKilled, KilledBy: killerSuite, GoAPI: true},
		{File: "a.go", Line: 4, Status: statusSurvived},
	}
	r := newReport(config{}, nil, results, 0)
	if r.SuiteKilled != 2 || r.SuiteSurvived != 1 || r.GoAPI != 1 {
		t.Errorf("suite killed %d, survived %d, go-api %d; want 2, 1, 1", r.SuiteKilled, r.SuiteSurvived, r.GoAPI)
	}
	if r.CombinedScore == nil || *r.CombinedScore != 75 {
		t.Errorf("combined score %v; want 75 (3 of 4)", r.CombinedScore)
	}
}
