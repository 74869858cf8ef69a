package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the machine-readable result of a run.
//
// It carries two scores over the same mutants. SuiteScore counts a mutant killed only when
// conform run against the mutated reference failed (or hung): it is the conformance claim, the
// share of these bugs that another implementation having them would be caught by. CombinedScore
// also counts the mutants only the reference's own unit tests noticed: it measures how well the
// reference is tested, not what the suite can tell.
type Report struct {
	Seed      uint64 `json:"seed"`
	Count     int    `json:"count"`
	Files     string `json:"files,omitempty"`
	Only      string `json:"only,omitempty"`       // --only: the mutants run instead of a sample
	Rerun     string `json:"rerun,omitempty"`      // --rerun: the result whose survivors ran again
	SuiteOnly bool   `json:"suite_only,omitempty"` // the run left the unit tests out (--suite-only)
	// Focus, when set, narrowed the suite to the specs it matches: the scores are then those
	// specs', not the suite's.
	Focus   string  `json:"focus,omitempty"`
	Seconds float64 `json:"seconds"`
	// SuiteScore is the mutants the suite killed (timeouts included) per built, non-equivalent
	// mutant, in percent.
	SuiteScore float64 `json:"suite_score"`
	// CombinedScore is the mutants the suite or the unit tests killed per built,
	// non-equivalent mutant, in percent; absent when some survivor of the suite was not
	// given to the unit tests (--suite-only).
	CombinedScore *float64 `json:"combined_score,omitempty"`
	// SuiteKilled and SuiteSurvived split the built, non-equivalent mutants by the suite alone:
	// a mutant only the unit tests killed survived the suite.
	SuiteKilled   int `json:"suite_killed"`
	SuiteSurvived int `json:"suite_survived"`
	// Killed, Timeout and Survived are the statuses with the unit tests (when they ran).
	Killed     int `json:"killed"`
	Timeout    int `json:"timeout"`
	Survived   int `json:"survived"`
	NotBuilt   int `json:"not_built"`
	Equivalent int `json:"equivalent"`
	// GoAPI counts the mutants listed as [go-api] that the suite did not kill: out of the
	// suite-alone score, in the score with the unit tests.
	GoAPI int `json:"go_api"`
	// KilledBy counts the killed and timed-out mutants by what noticed them first: the suite
	// runs before the unit tests.
	KilledBy map[string]int `json:"killed_by"`
	// PerFile counts, for every source file, its candidates and the outcomes of its mutants.
	PerFile []FileCount `json:"per_file"`
	Mutants []Result    `json:"mutants"`
}

// FileCount is one file's line of the report.
type FileCount struct {
	File       string `json:"file"`
	Candidates int    `json:"candidates"`
	Run        int    `json:"run"`
	// SuiteKilled is how many of its mutants the suite alone killed.
	SuiteKilled int `json:"suite_killed"`
	Killed      int `json:"killed"`
	Timeout     int `json:"timeout"`
	Survived    int `json:"survived"`
	NotBuilt    int `json:"not_built"`
	Equivalent  int `json:"equivalent"`
}

// killedBySuite reports whether conform run failed or hung on the mutant.
func (r Result) killedBySuite() bool {
	return (r.Status == statusKilled || r.Status == statusTimeout) && r.KilledBy == killerSuite
}

func newReport(c config, files []*sourceFile, results []Result, took time.Duration) Report {
	r := Report{Seed: c.seed, Count: c.count, Files: c.files, Only: c.only, Rerun: c.rerun, Focus: c.focus, SuiteOnly: c.suiteOnly, Seconds: took.Round(time.Second).Seconds(), KilledBy: map[string]int{}}
	perFile := map[string]*FileCount{}
	for _, f := range files {
		perFile[f.Path] = &FileCount{File: f.Path, Candidates: len(f.Mutants)}
	}
	slices.SortFunc(results, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Operator, b.Operator))
	})
	unitTestsMissing := false
	for _, res := range results {
		if res.Status == "" {
			continue
		}
		r.Mutants = append(r.Mutants, res)
		fc := perFile[res.File]
		if fc == nil {
			fc = &FileCount{File: res.File}
			perFile[res.File] = fc
		}
		fc.Run++
		if res.KilledBy != "" {
			r.KilledBy[res.KilledBy]++
		}
		switch res.Status {
		case statusKilled:
			r.Killed++
			fc.Killed++
		case statusTimeout:
			r.Timeout++
			fc.Timeout++
		case statusSurvived:
			r.Survived++
			fc.Survived++
			unitTestsMissing = unitTestsMissing || res.SuiteOnly
		case statusNotBuilt:
			r.NotBuilt++
			fc.NotBuilt++
		case statusEquivalent:
			r.Equivalent++
			fc.Equivalent++
		}
		built := res.Status == statusKilled || res.Status == statusTimeout || res.Status == statusSurvived
		switch {
		case res.killedBySuite():
			r.SuiteKilled++
			fc.SuiteKilled++
		case built && res.GoAPI:
			r.GoAPI++ // no vat can see it: the suite-alone score leaves it out
		case built:
			r.SuiteSurvived++
		}
	}
	for _, fc := range perFile {
		r.PerFile = append(r.PerFile, *fc)
	}
	slices.SortFunc(r.PerFile, func(a, b FileCount) int { return cmp.Compare(a.File, b.File) })
	r.SuiteScore = score(r.SuiteKilled, r.SuiteSurvived)
	if !unitTestsMissing {
		combined := score(r.Killed+r.Timeout, r.Survived)
		r.CombinedScore = &combined
	}
	return r
}

// score is killed / (built − equivalent) in percent: every built, non-equivalent mutant was
// either killed (or timed out) or survived.
func score(killed, survived int) float64 {
	if killed+survived == 0 {
		return 0
	}
	return 100 * float64(killed) / float64(killed+survived)
}

func (r Report) print(w io.Writer) {
	fmt.Fprintf(w, "\n%-56s %5s %5s %5s %6s %7s %8s %9s %5s\n", "file", "cand", "run", "suite", "killed", "timeout", "survived", "not-built", "equiv")
	for _, f := range r.PerFile {
		fmt.Fprintf(w, "%-56s %5d %5d %5d %6d %7d %8d %9d %5d\n", f.File, f.Candidates, f.Run, f.SuiteKilled, f.Killed, f.Timeout, f.Survived, f.NotBuilt, f.Equivalent)
	}
	var survivors []Result
	for _, res := range r.Mutants {
		if (res.Status == statusSurvived || res.KilledBy == killerUnit) && !res.GoAPI {
			survivors = append(survivors, res)
		}
	}
	if len(survivors) > 0 {
		fmt.Fprintf(w, "\nsurvivors of the suite (%d): key, place, operator, change; what else caught it\n", len(survivors))
		for _, res := range survivors {
			caught := "nothing"
			switch {
			case res.KilledBy == killerUnit:
				caught = "the unit tests: " + res.Detail
			case res.SuiteOnly:
				caught = "unit tests not run"
			}
			fmt.Fprintf(w, "%s\n    %s:%d %s  %s\n    caught by %s\n", res.Key, res.File, res.Line, res.Operator, res.Diff, caught)
		}
	}
	nonEquivalent := r.SuiteKilled + r.SuiteSurvived
	if r.Focus != "" {
		fmt.Fprintf(w, "\nthe suite was narrowed to the specs matching --focus %q: the scores below are theirs, not the suite's\n", r.Focus)
	}
	fmt.Fprintf(w, "\nsuite alone: %.1f%%: conform run failed on %d of the %d built, non-equivalent mutants (%d of them by timeout)\n",
		r.SuiteScore, r.SuiteKilled, nonEquivalent, r.timeoutsBy(killerSuite))
	if r.CombinedScore != nil {
		fmt.Fprintf(w, "suite and unit tests: %.1f%%: %d killed (%d by the suite, %d only by the unit tests)\n",
			*r.CombinedScore, r.Killed+r.Timeout, r.KilledBy[killerSuite], r.KilledBy[killerUnit])
	} else {
		fmt.Fprintf(w, "suite and unit tests: not measured (--suite-only)\n")
	}
	fmt.Fprintf(w, "%d equivalent and %d that did not build left out of both, %d that only the reference's Go API shows ([go-api]) of the suite-alone score; %s; %s\n",
		r.Equivalent, r.NotBuilt, r.GoAPI, r.selection(), time.Duration(r.Seconds)*time.Second)
}

// selection says which mutants the run measured, for the summary line.
func (r Report) selection() string {
	switch {
	case r.Only != "":
		return "the mutants of --only"
	case r.Rerun != "":
		return "the survivors of " + r.Rerun + " run again"
	}
	files := "every file"
	if r.Files != "" {
		files = "--files " + r.Files
	}
	return fmt.Sprintf("a sample of %d over %s, seed %d", r.Count, files, r.Seed)
}

func (r Report) timeoutsBy(killer string) int {
	n := 0
	for _, res := range r.Mutants {
		if res.Status == statusTimeout && res.KilledBy == killer {
			n++
		}
	}
	return n
}
