package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTerminalSummary prints what conform run prints after its progress lines: a table of
// statuses per profile, the specs that need attention with their one-line summaries, the
// protocol warnings and a closing count.
func WriteTerminalSummary(w io.Writer, run *Run) {
	statuses := []Status{StatusPassed, StatusFailed, StatusExpectedFailure, StatusUnexpectedPass, StatusSkipped, StatusNotApplicable}
	byProfile := map[string]Counts{}
	for _, s := range run.Specs {
		if byProfile[s.Profile] == nil {
			byProfile[s.Profile] = Counts{}
		}
		byProfile[s.Profile][s.Status]++
	}
	var profiles []string
	for p := range byProfile {
		profiles = append(profiles, p)
	}
	sort.Strings(profiles)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "profile\t")
	for _, s := range statuses {
		fmt.Fprintf(tw, "%s\t", s)
	}
	fmt.Fprintln(tw)
	total := Counts{}
	for _, p := range profiles {
		fmt.Fprintf(tw, "%s\t", p)
		for _, s := range statuses {
			fmt.Fprintf(tw, "%d\t", byProfile[p][s])
			total[s] += byProfile[p][s]
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "total\t")
	for _, s := range statuses {
		fmt.Fprintf(tw, "%d\t", total[s])
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
	var failed []string
	for _, s := range run.Specs {
		if s.Status == StatusFailed || s.Status == StatusUnexpectedPass {
			msg := ""
			if s.Failure != nil {
				msg = TerminalText(s.Failure.SummaryText())
			}
			line := fmt.Sprintf("  %s %s (%s)", s.Status, s.ID, s.Title)
			if msg != "" {
				line += "\n      " + msg
			}
			failed = append(failed, line)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nNeeds attention:\n%s\n", strings.Join(failed, "\n"))
	}
	if n := len(run.Warnings); n > 0 {
		fmt.Fprintf(w, "\nProtocol warnings (%d; the adapter broke the protocol without failing a spec):\n", n)
		for i, warning := range run.Warnings {
			if i == 10 {
				fmt.Fprintf(w, "  … and %d more in the reports\n", n-10)
				break
			}
			fmt.Fprintf(w, "  %s\n", TerminalText(warning))
		}
	}
	if run.Interrupted {
		fmt.Fprintf(w, "\nRun interrupted: %s\n", TerminalText(run.InterruptReason))
	}
	fmt.Fprintf(w, "\n%d passed, %d failed, %d expected failures, %d unexpected passes, %d skipped",
		total[StatusPassed], total[StatusFailed], total[StatusExpectedFailure],
		total[StatusUnexpectedPass], total[StatusSkipped])
	if n := total[StatusNotApplicable]; n > 0 {
		fmt.Fprintf(w, ", %d not applicable (they need globals or protocol features not offered%s)", n, grantNote(run.Grant))
	}
	fmt.Fprintln(w)
}

// grantNote says, in the run's summary, that a grant narrowed what was offered.
func grantNote(grant []string) string {
	if grant == nil {
		return ""
	}
	return "; --grant offered " + strings.Join(grant, ", ")
}
