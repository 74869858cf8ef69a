package reports

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File names inside a report directory.
const (
	JUnitFile = "junit.xml"
	JSONFile  = "report.json"
	HTMLFile  = "report.html"
)

// WriteAll writes the JUnit, JSON and HTML reports of run into dir, creating it. Each file
// is written to a temporary name and renamed, so a reader (or an interrupted run) never
// sees a half-written report.
func WriteAll(dir string, run *Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report directory %s: %w", dir, err)
	}
	junit, err := JUnit(run)
	if err != nil {
		return err
	}
	js, err := JSON(run)
	if err != nil {
		return err
	}
	html, err := HTML(run)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{JUnitFile: junit, JSONFile: js, HTMLFile: html} {
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// JSON renders run as report.json (report.schema.json), with every failure's Summary
// filled in and every text field capped at JSONFieldMax bytes. Control characters are
// kept (JSON escapes them): report.json is the exact record, and whoever prints its text
// on a terminal passes it through TerminalText.
func JSON(run *Run) ([]byte, error) {
	capped := func(s string) string { return capText(s, JSONFieldMax, false) }
	js, err := json.MarshalIndent(prepare(run, capped, func(s string) string { return capText(s, JSONFieldMax, true) }), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JSON report: %w", err)
	}
	return append(js, '\n'), nil
}

// prepareMarkup is prepare for junit.xml and report.html: CleanText at MarkupFieldMax.
func prepareMarkup(run *Run) *Run {
	return prepare(run,
		func(s string) string { return CleanText(s, MarkupFieldMax) },
		func(s string) string { return capText(stripControls(s), MarkupFieldMax, true) })
}

// prepare returns the copy of run a writer renders, so run itself is never modified:
// every failure gets its one-line Summary, then every text field goes through clean
// (adapter logs through logClean). This is the one place where text from an
// implementation is made fit to be written.
func prepare(run *Run, clean, logClean func(string) string) *Run {
	out := *run
	out.Specs = make([]SpecResult, len(run.Specs))
	for i, s := range run.Specs {
		if s.Failure != nil {
			f := *s.Failure
			f.Summary = f.SummaryText()
			s.Failure = &f
		}
		if s.Expectation != nil {
			e := *s.Expectation
			s.Expectation = &e
		}
		out.Specs[i] = s
	}
	cleanRun(&out, clean, logClean)
	return &out
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadJSON reads a report.json written by WriteAll.
func ReadJSON(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("parse report %s: %w", path, err)
	}
	return &run, nil
}

// Counts tallies specs by status.
type Counts map[Status]int

// Count tallies the run's specs by status.
func (r *Run) Count() Counts {
	c := Counts{}
	for _, s := range r.Specs {
		c[s.Status]++
	}
	return c
}

// --- JUnit

type junitSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	// No skipped attribute: the JUnit XSD (testdata/junit-10.xsd) allows it on testsuite only.
	Time   string       `xml:"time,attr"`
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties *junitProps     `xml:"properties,omitempty"`
	Cases      []junitTestCase `xml:"testcase"`
	SystemErr  string          `xml:"system-err,omitempty"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit renders run as JUnit XML the way CI dashboards count it: one testsuite per area,
// one testcase per spec, and the run's properties once, on the first testsuite (the JUnit
// XSD allows no properties on testsuites).
//
//   - a conformance failure is a <failure type="conformance">;
//   - an unexpected pass is a <failure type="unexpected-pass">: the expectations file is
//     stale and someone has to act, even when the gate (without --strict-expectations)
//     stays green;
//   - an infrastructure fault (the adapter crashed, hung or broke the protocol) and a spec
//     not run because of one is an <error type="infrastructure">, so an adapter crash never
//     reads as a conformance failure or as a skip;
//   - an expected failure is <skipped message="expected failure: REASON">: the gate stays
//     green for a known gap, but the dashboard does not count it as a pass;
//   - any other spec that did not run is <skipped>.
//
// A run that was stopped before any spec was recorded still gets one <error> testcase
// naming the reason, so a dashboard never shows an empty, green run.
func JUnit(run *Run) ([]byte, error) {
	run = prepareMarkup(run)
	byArea := map[string][]SpecResult{}
	var areas []string
	for _, s := range run.Specs {
		if _, ok := byArea[s.Area]; !ok {
			areas = append(areas, s.Area)
		}
		byArea[s.Area] = append(byArea[s.Area], s)
	}
	sort.Strings(areas)
	out := junitSuites{Name: "conform " + run.Implementation.Name, Time: seconds(run.FinishedAt.Sub(run.StartedAt).Seconds())}
	timestamp := run.StartedAt.UTC().Format("2006-01-02T15:04:05")
	for _, area := range areas {
		suite := junitSuite{Name: "conform." + area, Timestamp: timestamp}
		var total float64
		for _, s := range byArea[area] {
			tc := junitCase(s, "conform."+area)
			total += s.Duration.Seconds()
			suite.add(tc)
		}
		suite.Time = seconds(total)
		out.add(suite)
	}
	if len(out.Suites) == 0 && run.Interrupted {
		suite := junitSuite{Name: "conform", Timestamp: timestamp, Time: seconds(0)}
		suite.add(junitTestCase{Name: "run", Classname: "conform", Time: seconds(0), Error: &junitFailure{
			Message: "no spec ran: " + run.InterruptReason, Type: "infrastructure", Text: run.InterruptReason,
		}})
		out.add(suite)
	}
	if len(out.Suites) > 0 {
		out.Suites[0].Properties = &junitProps{junitRunProperties(run)}
		if len(run.Warnings) > 0 {
			out.Suites[0].SystemErr = "Protocol warnings (the implementation broke the adapter protocol without failing a spec):\n  " + strings.Join(run.Warnings, "\n  ")
		}
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JUnit report: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func junitRunProperties(run *Run) []junitProp {
	props := []junitProp{
		{"implementation.name", run.Implementation.Name},
		{"implementation.version", run.Implementation.Version},
		{"implementation.adapter", run.Implementation.Adapter},
		{"profiles", strings.Join(run.Profiles, ",")},
		{"interrupted", fmt.Sprint(run.Interrupted)},
	}
	if run.InterruptReason != "" {
		props = append(props, junitProp{"interruptReason", run.InterruptReason})
	}
	if run.Shard != "" {
		props = append(props, junitProp{"shard", run.Shard})
	}
	if run.Partial {
		props = append(props, junitProp{"partial", "true"}, junitProp{"partialReason", run.PartialReason})
	}
	if len(run.Warnings) > 0 {
		props = append(props, junitProp{"warnings", fmt.Sprint(len(run.Warnings))})
	}
	return props
}

// junitCase is the testcase of one spec; see JUnit for the mapping of statuses.
func junitCase(s SpecResult, classname string) junitTestCase {
	tc := junitTestCase{Name: s.ID + ": " + s.Title, Classname: classname, Time: seconds(s.Duration.Seconds())}
	switch {
	case s.InfrastructureFault():
		tc.Error = &junitFailure{Message: failureMessage(s), Type: "infrastructure", Text: failureText(s)}
	case s.Status == StatusFailed:
		tc.Failure = &junitFailure{Message: failureMessage(s), Type: "conformance", Text: failureText(s)}
	case s.Status == StatusUnexpectedPass:
		tc.Failure = &junitFailure{
			Message: "unexpected pass: listed as an expected failure (" + shortReason(s) + ") but passed",
			Type:    "unexpected-pass",
			Text:    "Unexpected pass: this spec is listed as an expected failure (" + expectationReason(s) + ") but passed; remove it from the expectations file.",
		}
	case s.Status == StatusExpectedFailure:
		tc.Skipped = &junitSkipped{Message: "expected failure: " + shortReason(s)}
		tc.SystemOut = "Expected failure: " + expectationReason(s) + "\n\n" + failureText(s)
	case s.Status == StatusSkipped:
		tc.Skipped = &junitSkipped{Message: skipMessage(s)}
	case s.Status == StatusNotApplicable:
		tc.Skipped = &junitSkipped{Message: s.NotApplicableReason()}
	}
	if s.Note != "" && tc.SystemOut == "" {
		tc.SystemOut = "Not observable here: " + s.Note
	}
	return tc
}

func (s *junitSuite) add(tc junitTestCase) {
	s.Tests++
	switch {
	case tc.Error != nil:
		s.Errors++
	case tc.Failure != nil:
		s.Failures++
	case tc.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
}

func (s *junitSuites) add(suite junitSuite) {
	s.Tests += suite.Tests
	s.Failures += suite.Failures
	s.Errors += suite.Errors
	s.Suites = append(s.Suites, suite)
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }

func failureMessage(s SpecResult) string {
	if s.Failure == nil {
		return "failed"
	}
	return s.Failure.SummaryText()
}

func skipMessage(s SpecResult) string {
	if s.Failure != nil {
		return s.Failure.SummaryText()
	}
	return "not run"
}

func expectationReason(s SpecResult) string {
	if s.Expectation == nil {
		return ""
	}
	return s.Expectation.Reason
}

// shortReason is the expectation's reason on one line of at most SummaryMax characters,
// for a message= attribute that dashboards show in a list; the whole reason is in the
// testcase's text.
func shortReason(s SpecResult) string {
	reason := collapseSpace(expectationReason(s))
	if runes := []rune(reason); len(runes) > SummaryMax {
		reason = strings.TrimRight(string(runes[:SummaryMax-1]), " ") + "…"
	}
	return reason
}

// failureText is everything a reader needs: the requirement, the assertion, what mocknet
// saw, and the adapter's log.
func failureText(s SpecResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Requirement %s (%s): %s\n\n", s.ID, s.Profile, s.Requirement)
	if s.Failure == nil {
		return b.String()
	}
	b.WriteString(s.Failure.Message)
	if s.Failure.Location != "" {
		fmt.Fprintf(&b, "\n(at %s)", s.Failure.Location)
	}
	if s.Failure.Evidence != "" {
		b.WriteString("\n\n")
		b.WriteString(s.Failure.Evidence)
	}
	if s.Failure.AdapterLog != "" {
		b.WriteString("\n\nAdapter log (tail):\n")
		b.WriteString(s.Failure.AdapterLog)
	}
	return b.String()
}

// Passed is the number of passed specs, for templates.
func (c Counts) Passed() int { return c[StatusPassed] }
