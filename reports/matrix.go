package reports

import (
	"fmt"
	"sort"
	"strings"
)

// MatrixInput is one implementation's column of the matrix: its report and what else is
// known about it.
type MatrixInput struct {
	Run *Run
	// Throughput is what 'conform bench --workload fetch' measured (nil: not measured).
	Throughput *Throughput
	// Description says in one line what the implementation is, Summary per area what
	// fails there (both from its expectations file; see Expectations).
	Description string
	Summary     map[string]string
	// ReportLink is the href of the implementation's report.html relative to the matrix
	// page ("" for none); each cell links to its spec there.
	ReportLink string
}

// Kind of a cell whose implementation's report does not have the spec (an older report, a
// narrower selection).
const kindAbsent = "absent"

// matrixKinds are the kinds of cell, in the order of the filters, with their labels.
func matrixKinds() []struct{ Kind, Label string } {
	return append(htmlKinds(), struct{ Kind, Label string }{kindAbsent, "Not in report"})
}

// ProfileTotal is how one implementation did in one profile.
type ProfileTotal struct {
	Profile string
	// Passed counts passes and unexpected passes; Failed conformance failures, expected
	// or not; NotRun skipped specs and infrastructure errors; NotApplicable specs that need
	// globals the implementation does not offer.
	Passed, Failed, NotRun, NotApplicable int
}

// AreaFailures is what fails in one area of one implementation.
type AreaFailures struct {
	Area     string
	Failed   int
	Profiles []ProfileTotal // only Profile and Failed are set, in profile order
	// Summary is the line of the implementation's summary for the area, "" if it has none.
	Summary string
}

// ImplementationTotals are one column's totals.
type ImplementationTotals struct {
	Passed, Failed, NotRun, NotApplicable int
	Profiles                              []ProfileTotal
	// WhatFails lists the areas with failures, most failures first.
	WhatFails []AreaFailures
}

// Totals computes the column's totals over every profile the matrix shows and checks
// the summary against the report: a summary line for an area where nothing fails is
// stale, and an error, so a README generated from it cannot keep saying something the
// reports no longer show.
func (in MatrixInput) Totals(profiles []string) (ImplementationTotals, error) {
	var t ImplementationTotals
	byProfile := map[string]*ProfileTotal{}
	for _, p := range profiles {
		t.Profiles = append(t.Profiles, ProfileTotal{Profile: p})
	}
	for i := range t.Profiles {
		byProfile[t.Profiles[i].Profile] = &t.Profiles[i]
	}
	areas := map[string]*AreaFailures{}
	areaProfiles := map[string]map[string]int{}
	for _, s := range in.Run.Specs {
		pt := byProfile[s.Profile]
		if pt == nil {
			pt = &ProfileTotal{} // a profile outside the list still counts in the totals
		}
		switch matrixOutcome(s) {
		case "passed":
			t.Passed++
			pt.Passed++
		case "failed":
			t.Failed++
			pt.Failed++
			a := areas[s.Area]
			if a == nil {
				a = &AreaFailures{Area: s.Area}
				areas[s.Area] = a
				areaProfiles[s.Area] = map[string]int{}
			}
			a.Failed++
			areaProfiles[s.Area][s.Profile]++
		case "not-applicable":
			t.NotApplicable++
			pt.NotApplicable++
		default:
			t.NotRun++
			pt.NotRun++
		}
	}
	var stale []string
	for area := range in.Summary {
		if areas[area] == nil {
			stale = append(stale, area)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		return t, fmt.Errorf("%s: the summary has a line for %s, where nothing fails in the report: remove it from the expectations file's summary",
			in.Run.Implementation.Name, strings.Join(stale, ", "))
	}
	for area, a := range areas {
		a.Summary = strings.TrimSpace(in.Summary[area])
		for _, p := range sortProfiles(keys(areaProfiles[area])) {
			a.Profiles = append(a.Profiles, ProfileTotal{Profile: p, Failed: areaProfiles[area][p]})
		}
		t.WhatFails = append(t.WhatFails, *a)
	}
	sort.Slice(t.WhatFails, func(i, j int) bool {
		if t.WhatFails[i].Failed != t.WhatFails[j].Failed {
			return t.WhatFails[i].Failed > t.WhatFails[j].Failed
		}
		return t.WhatFails[i].Area < t.WhatFails[j].Area
	})
	return t, nil
}

// matrixOutcome sorts a result into what the totals count: "passed", "failed" (a
// conformance failure, expected or not), "not-applicable", or "not-run" (skipped,
// infrastructure error).
func matrixOutcome(s SpecResult) string {
	switch specKind(s) {
	case string(StatusNotApplicable):
		return "not-applicable"
	case string(StatusPassed), string(StatusUnexpectedPass):
		return "passed"
	case string(StatusFailed), string(StatusExpectedFailure):
		return "failed"
	}
	return "not-run"
}

// WhatFailsLine is the totals' "what fails" in one line: per area, by profile, with the
// summary's line when there is one ("teardown (core 2, strict 4): bodies stay open").
func (t ImplementationTotals) WhatFailsLine() string {
	if len(t.WhatFails) == 0 && t.NotRun == 0 && t.NotApplicable == 0 {
		return "—"
	}
	var parts []string
	for _, a := range t.WhatFails {
		var counts []string
		for _, p := range a.Profiles {
			counts = append(counts, fmt.Sprintf("%s %d", p.Profile, p.Failed))
		}
		part := a.Area + " (" + strings.Join(counts, ", ") + ")"
		if a.Summary != "" {
			part += ": " + a.Summary
		}
		parts = append(parts, part)
	}
	if t.NotRun > 0 {
		parts = append(parts, fmt.Sprintf("%d not run (skipped or infrastructure error)", t.NotRun))
	}
	if t.NotApplicable > 0 {
		parts = append(parts, fmt.Sprintf("%d not applicable (need globals not offered)", t.NotApplicable))
	}
	return strings.Join(parts, "; ")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sortProfiles orders profiles as the catalogue presents them, unknown ones last by name.
func sortProfiles(profiles []string) []string {
	order := map[string]int{"core": 0, "strict": 1, "fetch-api": 2, "snaps-compat": 3}
	rank := func(p string) int {
		if r, ok := order[p]; ok {
			return r
		}
		return len(order)
	}
	sort.Slice(profiles, func(i, j int) bool {
		if rank(profiles[i]) != rank(profiles[j]) {
			return rank(profiles[i]) < rank(profiles[j])
		}
		return profiles[i] < profiles[j]
	})
	return profiles
}

// matrixProfiles is every profile any input's specs belong to, in catalogue order.
func matrixProfiles(inputs []MatrixInput) []string {
	seen := map[string]bool{}
	for _, in := range inputs {
		for _, s := range in.Run.Specs {
			seen[s.Profile] = true
		}
	}
	return sortProfiles(keys(seen))
}

// prepareInputs checks the inputs and returns copies whose text is fit for markup.
func prepareInputs(inputs []MatrixInput) ([]MatrixInput, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("matrix: no reports")
	}
	out := make([]MatrixInput, len(inputs))
	for i, in := range inputs {
		if in.Run == nil {
			return nil, fmt.Errorf("matrix: input %d has no report", i+1)
		}
		clean := func(s string) string { return CleanText(s, MarkupFieldMax) }
		in.Run = prepareMarkup(in.Run)
		in.Description = clean(in.Description)
		in.ReportLink = clean(in.ReportLink)
		if in.Summary != nil {
			summary := make(map[string]string, len(in.Summary))
			for area, line := range in.Summary {
				summary[clean(area)] = clean(line)
			}
			in.Summary = summary
		}
		if in.Throughput != nil {
			t := *in.Throughput
			t.Machine = clean(t.Machine)
			in.Throughput = &t
		}
		out[i] = in
	}
	return out, nil
}

// --- Markdown

// --- HTML
