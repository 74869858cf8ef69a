package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the machine-readable result of a run.
type Report struct {
	Seed       uint64  `json:"seed"`
	Count      int     `json:"count"`
	Files      string  `json:"files,omitempty"`
	Seconds    float64 `json:"seconds"`
	Score      float64 `json:"score"` // killed (timeouts included) per built, non-equivalent mutant, in percent
	Killed     int     `json:"killed"`
	Timeout    int     `json:"timeout"`
	Survived   int     `json:"survived"`
	NotBuilt   int     `json:"not_built"`
	Equivalent int     `json:"equivalent"`
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
	Killed     int    `json:"killed"`
	Timeout    int    `json:"timeout"`
	Survived   int    `json:"survived"`
	NotBuilt   int    `json:"not_built"`
	Equivalent int    `json:"equivalent"`
}

func newReport(c config, files []*sourceFile, results []Result, took time.Duration) Report {
	r := Report{Seed: c.seed, Count: c.count, Files: c.files, Seconds: took.Round(time.Second).Seconds(), KilledBy: map[string]int{}}
	perFile := map[string]*FileCount{}
	for _, f := range files {
		perFile[f.Path] = &FileCount{File: f.Path, Candidates: len(f.Mutants)}
	}
	slices.SortFunc(results, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Operator, b.Operator))
	})
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
		case statusNotBuilt:
			r.NotBuilt++
			fc.NotBuilt++
		case statusEquivalent:
			r.Equivalent++
			fc.Equivalent++
		}
	}
	for _, fc := range perFile {
		r.PerFile = append(r.PerFile, *fc)
	}
	slices.SortFunc(r.PerFile, func(a, b FileCount) int { return cmp.Compare(a.File, b.File) })
	r.Score = score(r.Killed+r.Timeout, r.Survived)
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
	fmt.Fprintf(w, "\n%-56s %5s %5s %6s %7s %8s %9s %5s\n", "file", "cand", "run", "killed", "timeout", "survived", "not-built", "equiv")
	for _, f := range r.PerFile {
		fmt.Fprintf(w, "%-56s %5d %5d %6d %7d %8d %9d %5d\n", f.File, f.Candidates, f.Run, f.Killed, f.Timeout, f.Survived, f.NotBuilt, f.Equivalent)
	}
	var survivors []Result
	for _, res := range r.Mutants {
		if res.Status == statusSurvived {
			survivors = append(survivors, res)
		}
	}
	if len(survivors) > 0 {
		fmt.Fprintf(w, "\nsurvivors (%d): key, place, operator, change\n", len(survivors))
		for _, res := range survivors {
			fmt.Fprintf(w, "%s\n    %s:%d %s  %s\n", res.Key, res.File, res.Line, res.Operator, res.Diff)
		}
	}
	built := r.Killed + r.Timeout + r.Survived + r.Equivalent
	fmt.Fprintf(w, "\nscore %.1f%%: %d killed (%d of them by timeout; %d first by the suite, %d by the unit tests) of %d built mutants less %d equivalent; %d did not build; %s\n",
		r.Score, r.Killed+r.Timeout, r.Timeout, r.KilledBy[killerSuite], r.KilledBy[killerUnit], built, r.Equivalent, r.NotBuilt, time.Duration(r.Seconds)*time.Second)
}
