package fuzz

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteSummary prints a fuzzing run's outcome as conform fuzz ends: its speed, the known
// divergences it saw, and each finding with where it was written (out).
func WriteSummary(w io.Writer, res *Result, out string) {
	fmt.Fprintf(w, "\n%d programs in %s: %.1f programs/s against %s\n", res.Programs, res.Elapsed.Round(time.Millisecond),
		res.PerSecond, strings.Join(res.Implementations, ", "))
	if len(res.Known) > 0 {
		fmt.Fprintf(w, "known divergences seen: %d classes\n", len(res.Known))
	}
	if len(res.Unconfirmed) > 0 {
		fmt.Fprintf(w, "did not reproduce (not reported): %s\n", strings.Join(res.Unconfirmed, ", "))
	}
	if len(res.Findings) == 0 {
		fmt.Fprintln(w, "no finding")
		return
	}
	fmt.Fprintf(w, "%d findings (in %s/findings):\n", len(res.Findings), out)
	for _, f := range res.Findings {
		fmt.Fprintf(w, "  %s: %d statements; %s\n", f.ID(), f.Program.Statements(), OneLine(f.Detail, 200))
	}
}

// OneLine is s on one line, cut to n bytes.
func OneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// DescribeRun is what one implementation did with a program, on one line per step.
func DescribeRun(r *Run) string {
	if r.Config != "" {
		return "createVat " + r.Config
	}
	var parts []string
	for i, s := range r.Steps {
		parts = append(parts, fmt.Sprintf("%d: %s", i+1, OneLine(s.String(), 120)))
	}
	return strings.Join(parts, "; ")
}
