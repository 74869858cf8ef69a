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
	js, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON report: %w", err)
	}
	html, err := HTML(run)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{JUnitFile: junit, JSONFile: append(js, '\n'), HTMLFile: html} {
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
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

// JUnit renders run as JUnit XML: one testsuite per area, one testcase per spec. Expected
// failures are passing testcases with a note (the gate stays green for known gaps);
// unexpected passes are passing testcases with a note; infrastructure failures are
// errors, conformance failures are failures.
func JUnit(run *Run) ([]byte, error) {
	byArea := map[string][]SpecResult{}
	var areas []string
	for _, s := range run.Specs {
		if _, ok := byArea[s.Area]; !ok {
			areas = append(areas, s.Area)
		}
		byArea[s.Area] = append(byArea[s.Area], s)
	}
	sort.Strings(areas)
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
	out := junitSuites{Name: "conform " + run.Implementation.Name, Time: seconds(run.FinishedAt.Sub(run.StartedAt).Seconds())}
	for _, area := range areas {
		suite := junitSuite{Name: "conform." + area, Timestamp: run.StartedAt.UTC().Format("2006-01-02T15:04:05"), Properties: &junitProps{props}}
		var total float64
		for _, s := range byArea[area] {
			tc := junitTestCase{Name: s.ID + ": " + s.Title, Classname: "conform." + area, Time: seconds(s.Duration.Seconds())}
			total += s.Duration.Seconds()
			switch s.Status {
			case StatusFailed:
				f := &junitFailure{Message: firstLine(failureMessage(s)), Type: "conformance", Text: failureText(s)}
				if s.Failure != nil && s.Failure.Infrastructure {
					f.Type = "infrastructure"
					tc.Error = f
					suite.Errors++
				} else {
					tc.Failure = f
					suite.Failures++
				}
			case StatusSkipped:
				tc.Skipped = &junitSkipped{Message: skipMessage(s)}
				suite.Skipped++
			case StatusExpectedFailure:
				tc.SystemOut = "Expected failure: " + expectationReason(s) + "\n\n" + failureText(s)
			case StatusUnexpectedPass:
				tc.SystemOut = "Unexpected pass: this spec is listed as an expected failure (" + expectationReason(s) + ") but passed; remove it from the expectations file."
			}
			suite.Cases = append(suite.Cases, tc)
			suite.Tests++
		}
		suite.Time = seconds(total)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JUnit report: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func failureMessage(s SpecResult) string {
	if s.Failure == nil {
		return "failed"
	}
	return s.Failure.Message
}

func skipMessage(s SpecResult) string {
	if s.Failure != nil {
		return s.Failure.Message
	}
	return "not run"
}

func expectationReason(s SpecResult) string {
	if s.Expectation == nil {
		return ""
	}
	return s.Expectation.Reason
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
