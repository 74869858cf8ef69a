package reports_test

import (
	"encoding/xml"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/conform-suite/conform/reports"
)

// junitTally is what a JUnit consumer (Jenkins' JUnit plugin, GitHub's
// mikepenz/action-junit-report, GitLab's test report) shows for a junit.xml: it counts
// testcase elements by their child — <failure> is a failure, <error> an error, <skipped>
// a skip, anything else a pass — and never reads the spec's own notion of status.
type junitTally struct {
	Tests, Failures, Errors, Skipped int
}

// consumeJUnit reads data the way those consumers do and also checks what they trust
// without checking: that the tests/failures/errors/skipped attributes of every testsuite,
// and of testsuites, agree with the testcases under it.
func consumeJUnit(t *testing.T, data []byte) junitTally {
	t.Helper()
	var doc struct {
		Tests    string       `xml:"tests,attr"`
		Failures string       `xml:"failures,attr"`
		Errors   string       `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	var all junitTally
	for _, s := range doc.Suites {
		got := s.tally(t)
		all.Tests += got.Tests
		all.Failures += got.Failures
		all.Errors += got.Errors
		all.Skipped += got.Skipped
	}
	for name, pair := range map[string][2]string{"tests": {doc.Tests, strconv.Itoa(all.Tests)}, "failures": {doc.Failures, strconv.Itoa(all.Failures)}, "errors": {doc.Errors, strconv.Itoa(all.Errors)}} {
		if pair[0] != pair[1] {
			t.Errorf("<testsuites %s=%q> but its testcases count %s", name, pair[0], pair[1])
		}
	}
	return all
}

type junitSuite struct {
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
	Cases    []struct {
		Failure *struct{} `xml:"failure"`
		Error   *struct{} `xml:"error"`
		Skipped *struct{} `xml:"skipped"`
	} `xml:"testcase"`
}

func (s junitSuite) tally(t *testing.T) junitTally {
	t.Helper()
	var n junitTally
	for _, inner := range s.Suites {
		got := inner.tally(t)
		n.Tests += got.Tests
		n.Failures += got.Failures
		n.Errors += got.Errors
		n.Skipped += got.Skipped
	}
	for _, c := range s.Cases {
		n.Tests++
		children := 0
		if c.Failure != nil {
			n.Failures++
			children++
		}
		if c.Error != nil {
			n.Errors++
			children++
		}
		if c.Skipped != nil {
			n.Skipped++
			children++
		}
		if children > 1 {
			t.Errorf("suite %s: a testcase has %d of failure/error/skipped; consumers count it %d times", s.Name, children, children)
		}
	}
	if s.Tests != n.Tests || s.Failures != n.Failures || s.Errors != n.Errors || s.Skipped != n.Skipped {
		t.Errorf("suite %s says tests/failures/errors/skipped = %d/%d/%d/%d, its testcases count %d/%d/%d/%d",
			s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, n.Tests, n.Failures, n.Errors, n.Skipped)
	}
	return n
}

func TestJUnitCountsAsDashboardsCount(t *testing.T) {
	data, err := reports.JUnit(fixtureRun())
	if err != nil {
		t.Fatal(err)
	}
	// fixtureRun: ALLOW-001 passed; ALLOW-031 failed; FETCH-007 expected failure;
	// FETCH-012 unexpected pass; FETCH-020 not run (adapter exited); FETCH-021 adapter
	// crash; CORE-002 skipped.
	want := junitTally{Tests: 7, Failures: 2, Errors: 2, Skipped: 2}
	if got := consumeJUnit(t, data); got != want {
		t.Errorf("a JUnit consumer counts %+v, want %+v\n%s", got, want, data)
	}
}

// The committed reports (results/ at the repository's top) are real runs: what a dashboard
// shows for them must follow from the statuses in report.json. snaps-node has expected
// failures, which a dashboard must show as skipped, not as passes.
func TestJUnitCountsOfCommittedReports(t *testing.T) {
	for _, impl := range []string{"snaps-node", "node-plain", "reference"} {
		t.Run(impl, func(t *testing.T) {
			run, err := reports.ReadJSON(filepath.Join("..", "results", impl, reports.JSONFile))
			if err != nil {
				t.Fatal(err)
			}
			var want junitTally
			for _, s := range run.Specs {
				want.Tests++
				switch {
				case s.InfrastructureFault():
					want.Errors++
				case s.Status == reports.StatusFailed, s.Status == reports.StatusUnexpectedPass:
					want.Failures++
				case s.Status == reports.StatusExpectedFailure, s.Status == reports.StatusSkipped:
					want.Skipped++
				}
			}
			if impl == "snaps-node" && want.Skipped == 0 {
				t.Fatal("the snaps-node report has no expected failure any more; this test no longer covers them")
			}
			data, err := reports.JUnit(run)
			if err != nil {
				t.Fatal(err)
			}
			if got := consumeJUnit(t, data); got != want {
				t.Errorf("a JUnit consumer counts %+v, want %+v", got, want)
			}
		})
	}
}

// An adapter that exits at once runs nothing; the dashboard must show errors, never an
// empty or all-skipped (green) run.
func TestJUnitShowsErrorsWhenNothingRan(t *testing.T) {
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	specs := fixtureRun().Specs
	notStarted := &reports.Run{SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"},
		StartedAt: started, FinishedAt: started, Interrupted: true, InterruptReason: "start adapter: exit status 1"}
	for _, s := range specs {
		s.Status, s.Failure, s.Expectation = reports.StatusSkipped, &reports.Failure{Message: "not run: start adapter: exit status 1", Infrastructure: true}, nil
		notStarted.Specs = append(notStarted.Specs, s)
	}
	noSpecs := *notStarted
	noSpecs.Specs = nil

	// The adapter crashed after the first spec and could not be restarted: the specs after
	// it were skipped by the runner without a reason of their own.
	restartFailed := &reports.Run{SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"},
		StartedAt: started, FinishedAt: started, Interrupted: true, InterruptReason: "implementation could not be restarted"}
	for i, s := range specs {
		s.Failure, s.Expectation = nil, nil
		s.Status = reports.StatusSkipped
		if i == 0 {
			s.Status = reports.StatusPassed
		}
		restartFailed.Specs = append(restartFailed.Specs, s)
	}
	reports.MarkNotRun(restartFailed, "not run: implementation could not be restarted")

	for name, tc := range map[string]struct {
		run  *reports.Run
		want junitTally
	}{
		"adapter never started": {notStarted, junitTally{Tests: len(specs), Errors: len(specs)}},
		"no spec recorded":      {&noSpecs, junitTally{Tests: 1, Errors: 1}},
		"adapter not restarted": {restartFailed, junitTally{Tests: len(specs), Errors: len(specs) - 1}},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := reports.JUnit(tc.run)
			if err != nil {
				t.Fatal(err)
			}
			if got := consumeJUnit(t, data); got != tc.want {
				t.Errorf("a JUnit consumer counts %+v, want %+v\n%s", got, tc.want, data)
			}
		})
	}
}

// A dashboard lists message= on one line: a long, multi-line expectation reason is
// shortened there and kept whole in the testcase's text.
func TestJUnitExpectedFailureMessageIsOneLine(t *testing.T) {
	run := fixtureRun()
	long := "Teardown closes a response body with body.cancel(),\nwhich rejects for a locked stream. " + strings.Repeat("More detail. ", 60) + "THE END"
	run.Specs[2].Expectation.Reason = long // FETCH-007, an expected failure
	data, err := reports.JUnit(run)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Cases {
		if !strings.HasPrefix(c.Name, "FETCH-007:") {
			continue
		}
		msg := c.Skipped.Message
		if !strings.HasPrefix(msg, "expected failure: Teardown closes a response body with body.cancel(), which rejects") ||
			strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > len("expected failure: ")+reports.SummaryMax || !strings.HasSuffix(msg, "…") {
			t.Errorf("skipped message is not the reason shortened to one line: %q", msg)
		}
		if !strings.Contains(c.SystemOut, "THE END") {
			t.Errorf("system-out lacks the whole reason")
		}
		return
	}
	t.Fatal("no testcase for FETCH-007")
}
