package reports

// The matrix as one self-contained HTML page: spec rows by implementation columns.

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
)

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
			cell := matrixCell{Col: c, Name: in.Run.ColumnName(), Kind: kindAbsent}
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
			a.Counts = append(a.Counts, fmt.Sprintf("%s: %d/%d passed", inputs[c].Run.ColumnName(), passed, total))
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
