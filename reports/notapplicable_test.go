package reports_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reports"
)

// notApplicableRun is fixtureRun with one spec that needs a global the run did not offer.
func notApplicableRun() *reports.Run {
	run := fixtureRun()
	run.Grant = []string{"fetch", "Request", "Headers", "Response"}
	run.Specs = append(run.Specs, reports.SpecResult{
		ID: "ABORT-001", Title: "pre-aborted signal sends nothing", Profile: "core", Area: "abort",
		Labels: []string{"core", "abort", "ABORT-001"}, Requirement: "fetch with an already aborted signal must reject.",
		Status: reports.StatusNotApplicable, Needs: []string{"AbortController", "AbortSignal"},
	})
	return run
}

// A spec that is not applicable is a JUnit skip saying what it needed, never a failure, and
// the HTML report and the matrix count it apart from passes, failures and specs not run.
func TestNotApplicableIsItsOwnOutcome(t *testing.T) {
	run := notApplicableRun()
	data, err := reports.JUnit(run)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range doc.Cases {
		if !strings.HasPrefix(c.Name, "ABORT-001:") {
			continue
		}
		found = true
		want := "not applicable: needs AbortController, AbortSignal, which this implementation does not offer"
		if c.Failure != nil || c.Skipped == nil || c.Skipped.Message != want {
			t.Errorf("ABORT-001 in JUnit: failure %v, skipped %+v; want <skipped message=%q>", c.Failure != nil, c.Skipped, want)
		}
	}
	if !found {
		t.Fatal("ABORT-001 is missing from the JUnit report")
	}

	page, err := reports.HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "not-applicable") || !strings.Contains(string(page), "n/a") {
		t.Error("the HTML report shows no n/a outcome for a spec that is not applicable")
	}

	totals, err := reports.MatrixInput{Run: run}.Totals(nil)
	if err != nil {
		t.Fatal(err)
	}
	if totals.NotApplicable != 1 {
		t.Errorf("matrix totals count %d not-applicable specs, want 1 (passed %d, failed %d, not run %d)", totals.NotApplicable, totals.Passed, totals.Failed, totals.NotRun)
	}
}
