package reports

// The matrix as a Markdown table, one row per implementation, for the README.

import (
	"fmt"
	"strconv"
	"strings"
)

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
	b.WriteString("Generated from `results/*/report.json` and each adapter's expectations file.\n")
	return b.String(), nil
}

func mdImplementation(in MatrixInput) string {
	im := in.Run.Implementation
	s := mdCode(im.Name)
	if in.Run.GrantName != "" {
		s += " with " + mdCell(in.Run.GrantName) + "'s grant"
	} else if in.Run.Grant != nil {
		s += " with a narrowed grant"
	}
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
