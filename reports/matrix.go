package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
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
	// or not; NotRun skipped specs and infrastructure errors.
	Passed, Failed, NotRun int
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
	Passed, Failed, NotRun int
	Profiles               []ProfileTotal
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
// conformance failure, expected or not) or "not-run" (skipped, infrastructure error).
func matrixOutcome(s SpecResult) string {
	switch specKind(s) {
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
	if len(t.WhatFails) == 0 && t.NotRun == 0 {
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

// MatrixMarkdown renders the implementation table: per implementation its passes and
// failures, overall and per profile, its fetch throughput when measured, and what fails,
// area by area. Text from the reports is cleaned (no control characters, one line) and
// escaped for a table cell.
func MatrixMarkdown(inputs []MatrixInput) (string, error) {
	inputs, err := prepareInputs(inputs)
	if err != nil {
		return "", err
	}
	profiles := matrixProfiles(inputs)
	measured, concurrency := false, 0
	for _, in := range inputs {
		measured = measured || in.Throughput != nil
		if l := in.Throughput.Load("concurrent"); l != nil && concurrency == 0 {
			concurrency = l.Concurrency
		}
	}
	var b strings.Builder
	header := []string{"Implementation", "Passed", "Failed"}
	for _, p := range profiles {
		header = append(header, p)
	}
	if measured {
		column := "fetch/s: one at a time"
		if concurrency > 0 {
			column += fmt.Sprintf(" · %d at once", concurrency)
		}
		header = append(header, column)
	}
	header = append(header, "What fails (area, failures per profile)")
	writeRow := func(cells []string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	writeRow(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	writeRow(sep)
	for _, in := range inputs {
		t, err := in.Totals(profiles)
		if err != nil {
			return "", err
		}
		row := []string{mdImplementation(in), strconv.Itoa(t.Passed), strconv.Itoa(t.Failed)}
		for _, p := range t.Profiles {
			row = append(row, fmt.Sprintf("%d / %d", p.Passed, p.Failed))
		}
		if measured {
			row = append(row, mdThroughput(in.Throughput))
		}
		row = append(row, mdCell(t.WhatFailsLine()))
		writeRow(row)
	}
	b.WriteString("\nPer profile: passed / failed. ")
	if measured {
		b.WriteString("fetch/s: fetch + text() of a 1 KiB body through the mock network, and in parentheses how many times a plain Go HTTP client's time per fetch that is (measured in the same run; `conform bench --workload fetch`). ")
	}
	b.WriteString("Generated from `reports/*/report.json` and each adapter's expectations file.\n")
	return b.String(), nil
}

func mdImplementation(in MatrixInput) string {
	im := in.Run.Implementation
	s := mdCode(im.Name)
	if im.Version != "" {
		s += " " + mdCell(im.Version)
	}
	desc := in.Description
	if desc == "" && im.Adapter == "" {
		desc = "embedded, in process"
	}
	if desc != "" {
		s += ": " + mdCell(desc)
	}
	return s
}

func mdThroughput(t *Throughput) string {
	if t == nil {
		return "—"
	}
	var parts []string
	for _, name := range []string{"sequential", "concurrent"} {
		if l := t.Load(name); l != nil {
			parts = append(parts, fmt.Sprintf("%s (%s×)", groupThousands(int(l.Implementation.RequestsPerSecond+0.5)), strconv.FormatFloat(l.CostRatio, 'f', 1, 64)))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " · ")
}

// mdCell makes text one line fit for a Markdown table cell: whitespace collapsed, pipes
// escaped, and HTML's angle brackets escaped so a report cannot inject markup into a
// rendered README.
func mdCell(s string) string {
	s = collapseSpace(CleanText(s, MarkupFieldMax))
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// mdCode is s as inline code when it has no backtick, otherwise as escaped text.
func mdCode(s string) string {
	s = collapseSpace(CleanText(s, MarkupFieldMax))
	if s == "" || strings.Contains(s, "`") {
		return mdCell(s)
	}
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// ReplaceMarked replaces what lies between the lines beginMarker and endMarker in doc
// with content, keeping the markers; it fails when they are missing or out of order.
func ReplaceMarked(doc, beginMarker, endMarker, content string) (string, error) {
	begin := strings.Index(doc, beginMarker)
	end := strings.Index(doc, endMarker)
	if begin < 0 || end < 0 || end < begin {
		return "", fmt.Errorf("markers %s and %s not found in order", beginMarker, endMarker)
	}
	head := doc[:begin+len(beginMarker)]
	return head + "\n" + strings.TrimRight(content, "\n") + "\n" + doc[end:], nil
}

// --- HTML

type matrixCell struct {
	Col     int
	Name    string
	Present bool
	Kind    string
	Spec    SpecResult
	Link    string // the spec in the implementation's report.html
	// Detail is true when the cell has evidence to open: a failure or an expectation.
	Detail bool
	// Reason is the expectation's reason on one line, for the cell's tooltip.
	Reason string
}

type matrixRow struct {
	Spec   SpecResult // the spec's description, from the first report that has it
	Cells  []matrixCell
	Kinds  string // the kinds of its cells, space-separated, for the filter
	Differ bool   // the implementations do not all have the same outcome
}

type matrixArea struct {
	Area   string
	Rows   []*matrixRow
	Counts []string // per column: "NAME: passed/total passed"
}

type matrixColumn struct {
	Input      MatrixInput
	Totals     ImplementationTotals
	Sequential *Load
	Concurrent *Load
}

type filterCount struct {
	Value, Label string
	Count        int
}

// MatrixHTML renders the matrix as one self-contained page (no external resources, works
// from file://): specs as rows, implementations as columns, grouped by area; a header per
// implementation with its version, its totals per profile and, when measured, its fetch
// throughput; filters (labelled checkboxes with counts) by status, profile and area, and
// a text filter. A cell that has evidence (a failure, an expectation) is a button that
// opens it in place, under the row. Text from the reports is cleaned (CleanText) and
// escaped by html/template.
func MatrixHTML(inputs []MatrixInput) ([]byte, error) {
	inputs, err := prepareInputs(inputs)
	if err != nil {
		return nil, err
	}
	profiles := matrixProfiles(inputs)
	var cols []matrixColumn
	for _, in := range inputs {
		t, err := in.Totals(profiles)
		if err != nil {
			return nil, err
		}
		cols = append(cols, matrixColumn{Input: in, Totals: t, Sequential: in.Throughput.Load("sequential"), Concurrent: in.Throughput.Load("concurrent")})
	}

	// Rows: every spec any report has, the description from the first report with it.
	rows := map[string]*matrixRow{}
	var order []string
	for _, in := range inputs {
		for _, s := range in.Run.Specs {
			if _, ok := rows[s.ID]; !ok {
				rows[s.ID] = &matrixRow{Spec: s}
				order = append(order, s.ID)
			}
		}
	}
	kindRows, profileRows, areaRows := map[string]int{}, map[string]int{}, map[string]int{}
	areaIndex := map[string]*matrixArea{}
	var areas []*matrixArea
	sort.Slice(order, func(i, j int) bool { return specIDLess(order[i], order[j]) })
	for _, id := range order {
		row := rows[id]
		kinds := map[string]bool{}
		for c, in := range inputs {
			cell := matrixCell{Col: c, Name: in.Run.Implementation.Name, Kind: kindAbsent}
			if s, ok := findSpec(in.Run, id); ok {
				cell.Present, cell.Spec, cell.Kind = true, s, specKind(s)
				cell.Detail = s.Failure != nil || s.Expectation != nil
				cell.Reason = shortReason(s)
				if in.ReportLink != "" {
					cell.Link = in.ReportLink + "#spec-" + s.ID
				}
			}
			kinds[cell.Kind] = true
			row.Cells = append(row.Cells, cell)
		}
		var list []string
		for _, k := range matrixKinds() {
			if kinds[k.Kind] {
				list = append(list, k.Kind)
				kindRows[k.Kind]++
			}
		}
		row.Kinds = strings.Join(list, " ")
		row.Differ = len(list) > 1
		profileRows[row.Spec.Profile]++
		areaRows[row.Spec.Area]++
		a := areaIndex[row.Spec.Area]
		if a == nil {
			a = &matrixArea{Area: row.Spec.Area}
			areaIndex[row.Spec.Area] = a
			areas = append(areas, a)
		}
		a.Rows = append(a.Rows, row)
	}
	sort.SliceStable(areas, func(i, j int) bool { return areas[i].Area < areas[j].Area })
	for _, a := range areas {
		for c := range inputs {
			passed, total := 0, 0
			for _, r := range a.Rows {
				if r.Cells[c].Present {
					total++
					if matrixOutcome(r.Cells[c].Spec) == "passed" {
						passed++
					}
				}
			}
			// The implementation's name in every area's head row, so that a reader far
			// down the page knows the columns without scrolling back to the top.
			a.Counts = append(a.Counts, fmt.Sprintf("%s: %d/%d passed", inputs[c].Run.Implementation.Name, passed, total))
		}
	}
	var kindFilters, profileFilters, areaFilters []filterCount
	for _, k := range matrixKinds() {
		if k.Kind == kindAbsent && kindRows[k.Kind] == 0 {
			continue // only offered when some report lacks specs
		}
		kindFilters = append(kindFilters, filterCount{k.Kind, k.Label, kindRows[k.Kind]})
	}
	for _, p := range profiles {
		profileFilters = append(profileFilters, filterCount{p, p, profileRows[p]})
	}
	for _, a := range areas {
		areaFilters = append(areaFilters, filterCount{a.Area, a.Area, areaRows[a.Area]})
	}
	var dates []string
	for _, in := range inputs {
		dates = append(dates, in.Run.StartedAt.UTC().Format(time.DateOnly))
	}
	var buf bytes.Buffer
	err = matrixTemplate.Execute(&buf, map[string]any{
		"Columns": cols, "Areas": areas, "Specs": len(order), "Profiles": profiles,
		"KindFilters": kindFilters, "ProfileFilters": profileFilters, "AreaFilters": areaFilters,
		"FirstDate": minString(dates), "LastDate": maxString(dates), "Measured": anyMeasured(cols),
	})
	if err != nil {
		return nil, fmt.Errorf("render matrix: %w", err)
	}
	return buf.Bytes(), nil
}

func anyMeasured(cols []matrixColumn) bool {
	for _, c := range cols {
		if c.Input.Throughput != nil {
			return true
		}
	}
	return false
}

func minString(list []string) string {
	sort.Strings(list)
	return list[0]
}

func maxString(list []string) string {
	sort.Strings(list)
	return list[len(list)-1]
}

func findSpec(run *Run, id string) (SpecResult, bool) {
	for _, s := range run.Specs {
		if s.ID == id {
			return s, true
		}
	}
	return SpecResult{}, false
}

// specIDLess orders IDs as people read them: by prefix, then by number (ALLOW-9 before
// ALLOW-10).
func specIDLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitID(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, 0
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return id, 0
	}
	return id[:i], n
}

func perSecondText(rps float64) string { return groupThousands(int(rps + 0.5)) }

func ratioText(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) + "×" }

var matrixTemplate = template.Must(template.New("matrix").Funcs(template.FuncMap{
	"text":  failureText,
	"kind":  specKind,
	"label": kindLabelMatrix,
	"rps":   perSecondText,
	"ratio": ratioText,
	"add":   func(a, b int) int { return a + b },
	"code":  inlineCode,
	"cellID": func(id string, col int) string {
		return "ev-" + id + "-" + strconv.Itoa(col)
	},
}).Parse(matrixPage))

// inlineCode renders text that marks code with backticks, as the one-line descriptions
// of expectations files do (they are also Markdown table cells), with the code in <code>
// and everything escaped.
func inlineCode(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unpaired backtick: leave the text as it is
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(b.String())
}

func kindLabelMatrix(kind string) string {
	for _, k := range matrixKinds() {
		if k.Kind == kind {
			return k.Label
		}
	}
	return kind
}
