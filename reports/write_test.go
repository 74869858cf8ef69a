package reports_test

import (
	"bytes"
	"encoding/xml"
	stdhtml "html"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
)

// Hostile strings: characters that must be escaped in XML (< & > " '), the CDATA
// terminator, a NUL byte and an ANSI escape (not representable in XML 1.0 at all), invalid
// UTF-8, a carriage return, and non-ASCII text that must survive untouched.
const (
	hostileMessage  = "expected status <200> & got \"403\" ]]> after\x00redirect \xff\xfe 'ünïcødé' ✓\r\nsecond line"
	hostileEvidence = "GET https://example.test/a?x=1&y=<2>\n  → 302 Location: https://evil.test/]]>\n  blocked: false\x00"
	hostileLog      = "\x1b[31merror\x1b[0m: fetch <https://evil.test/> & retry\nstack: ]]]]><![CDATA[>\n\xc3\x28 invalid"
	hostileTitle    = "Redirects are checked <again> & again ]]>"
)

// fixtureRun builds a realistic run by hand: every status, conformance and infrastructure
// failures, an expectation with a reason and a link, and hostile text in every free-text
// field. It returns a fresh value on every call.
func fixtureRun() *reports.Run {
	cet := time.FixedZone("CET", 3600)
	started := time.Date(2025, 3, 14, 9, 26, 53, 589793238, cet)
	return &reports.Run{
		SchemaVersion: "1",
		Implementation: reports.Implementation{
			Name:     "snaps-node <beta> & co",
			Version:  "1.4.0-rc.1",
			Adapter:  "node ./adapter.js --flag=\"a&b\"",
			Globals:  []string{"fetch", "Request", "Response"},
			Features: []string{"redirects", "streaming"},
		},
		Profiles:    []string{"core", "fetch-api"},
		LabelFilter: "!slow && area:allowlist",
		Shard:       "1/2",
		StartedAt:   started,
		FinishedAt:  started.Add(12*time.Second + 345*time.Millisecond),
		Specs: []reports.SpecResult{
			{
				ID: "ALLOW-001", Title: "Allowed origins are reachable", Profile: "core", Area: "allowlist",
				Labels: []string{"ALLOW-001", "core"}, Requirement: "A request to an allowed origin succeeds.",
				Source: "suite/allowlist.go:42", Status: reports.StatusPassed, Duration: 15 * time.Millisecond,
			},
			{
				ID: "ALLOW-031", Title: hostileTitle, Profile: "core", Area: "allowlist",
				Labels: []string{"ALLOW-031", "core", "redirects"}, Requirement: "Every redirect hop is checked against the allowlist & blocked if <not> listed.",
				Source: "suite/allowlist.go:310", Status: reports.StatusFailed, Duration: 1234 * time.Millisecond,
				Failure: &reports.Failure{
					Message:    hostileMessage,
					Location:   "suite/allowlist.go:333",
					Evidence:   hostileEvidence,
					AdapterLog: hostileLog,
				},
			},
			{
				ID: "FETCH-007", Title: "Response.text() decodes UTF-8", Profile: "fetch-api", Area: "body",
				Labels: []string{"FETCH-007"}, Requirement: "Body text is decoded as UTF-8 with replacement.",
				Status: reports.StatusExpectedFailure, Duration: 80 * time.Millisecond,
				Failure: &reports.Failure{
					Message:  "text() returned \"caf\\xe9\" <raw> & not \"café\"",
					Location: "suite/body.go:77",
					Evidence: "body bytes: 63 61 66 e9 \x00",
				},
				Expectation: &reports.Expectation{ID: "FETCH-007", Reason: "Decoder is latin-1 <for now> & tracked", Link: "https://github.com/example/snaps-node/issues/12"},
			},
			{
				ID: "FETCH-012", Title: "Headers are case-insensitive", Profile: "fetch-api", Area: "headers",
				Labels: []string{"FETCH-012"}, Requirement: "Header lookup ignores case.",
				Status: reports.StatusUnexpectedPass, Duration: 3 * time.Millisecond,
				Expectation: &reports.Expectation{ID: "FETCH-012", Reason: "Fixed upstream ]]> maybe"},
			},
			{
				ID: "FETCH-020", Title: "Streaming bodies", Profile: "fetch-api", Area: "body",
				Labels: []string{"FETCH-020", "slow"}, Requirement: "Bodies can be read as a stream.",
				Status:  reports.StatusSkipped,
				Failure: &reports.Failure{Message: "not run: adapter exited <signal 9>", Infrastructure: true},
			},
			{
				ID: "FETCH-021", Title: "Adapter survives large bodies", Profile: "fetch-api", Area: "body",
				Labels: []string{"FETCH-021"}, Requirement: "A 10 MiB body is delivered intact.",
				Status: reports.StatusFailed, Duration: 10 * time.Second,
				Failure: &reports.Failure{
					Message:        "adapter crashed: EPIPE\nwrite after end",
					Location:       "harness/adapter.go:120",
					AdapterLog:     "FATAL ERROR: heap limit <reached> & aborting",
					Infrastructure: true,
				},
			},
			{
				ID: "CORE-002", Title: "Globals are frozen", Profile: "core", Area: "globals",
				Labels: []string{"CORE-002"}, Requirement: "Endowed globals cannot be reassigned.",
				Status: reports.StatusSkipped,
			},
		},
	}
}

// xmlText is what a string looks like in junit.xml and report.html: control characters
// other than newline and tab are removed (CRLF becomes LF), bytes that are not valid UTF-8
// come back as U+FFFD, one per byte, and everything else survives.
func xmlText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s { // ranging decodes each invalid byte as U+FFFD
		if r == '\t' || r == '\n' || (r >= 0x20 && r < 0x7f) || (r > 0x9f && r != 0xFFFE && r != 0xFFFF) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonText is what a string looks like after a round trip through JSON: invalid UTF-8
// bytes come back as U+FFFD, one per byte; everything else (including NUL) survives.
func jsonText(s string) string { return string([]rune(s)) }

// mapStrings applies f to every string reachable from v (struct fields, slice elements,
// pointees), in place. time.Time values are left alone.
func mapStrings(v reflect.Value, f func(string) string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(f(v.String()))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			mapStrings(v.Elem(), f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			mapStrings(v.Index(i), f)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			mapStrings(v.Field(i), f)
		}
	}
}

func writeFixture(t *testing.T) (string, *reports.Run) {
	t.Helper()
	dir := t.TempDir()
	run := fixtureRun()
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	return dir, run
}

func TestWriteAllJUnitValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint is not on PATH; it is needed to validate junit.xml against the JUnit XSD. Install it with `apt-get install -y libxml2-utils` (Debian/Ubuntu) or `brew install libxml2`: %v", err)
	}
	xsd, err := filepath.Abs(filepath.Join("testdata", "junit-10.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := writeFixture(t)
	cmd := exec.Command(xmllint, "--noout", "--schema", xsd, filepath.Join(dir, reports.JUnitFile))
	out, err := cmd.CombinedOutput()
	if err != nil {
		junit, _ := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
		t.Fatalf("xmllint rejected junit.xml: %v\n%s\n--- junit.xml ---\n%s", err, out, junit)
	}

	// An empty and an interrupted run must validate too.
	for name, run := range map[string]*reports.Run{
		"empty":       {SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"}},
		"nothing ran": {SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"}, Interrupted: true, InterruptReason: "start adapter: exit status 1"},
		"interrupted": {SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"}, Interrupted: true, InterruptReason: "SIGINT <ctrl-c> & \x00", Specs: fixtureRun().Specs[4:5]},
		"with warnings": {SchemaVersion: "1", Implementation: reports.Implementation{Name: "x"}, Specs: fixtureRun().Specs[:2],
			Warnings: []string{"taskSettled for v3/t1 arrived twice", "notify for unknown vat \"v99\""}},
	} {
		d := filepath.Join(t.TempDir(), name)
		if err := reports.WriteAll(d, run); err != nil {
			t.Fatalf("%s: WriteAll: %v", name, err)
		}
		if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, filepath.Join(d, reports.JUnitFile)).CombinedOutput(); err != nil {
			t.Errorf("%s run: xmllint rejected junit.xml: %v\n%s", name, err, out)
		}
	}
}

// JUnit document as CI systems read it.
type jSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []jSuite `xml:"testsuite"`
}

type jSuite struct {
	Name       string  `xml:"name,attr"`
	Tests      int     `xml:"tests,attr"`
	Failures   int     `xml:"failures,attr"`
	Errors     int     `xml:"errors,attr"`
	Skipped    int     `xml:"skipped,attr"`
	Properties []jProp `xml:"properties>property"`
	Cases      []jCase `xml:"testcase"`
}

type jProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type jCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Time      string    `xml:"time,attr"`
	Failure   *jFailure `xml:"failure"`
	Error     *jFailure `xml:"error"`
	Skipped   *jFailure `xml:"skipped"`
	SystemOut string    `xml:"system-out"`
}

type jFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func TestWriteAllJUnitContent(t *testing.T) {
	dir, run := writeFixture(t)
	data, err := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("junit.xml does not start with an XML declaration: %.60q", data)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		t.Errorf("junit.xml contains a NUL byte, which no XML parser accepts")
	}
	if bytes.Contains(data, []byte("\x1b")) {
		t.Errorf("junit.xml contains an ESC control character, which XML 1.0 forbids")
	}
	var doc jSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, data)
	}

	cases := map[string]jCase{} // by spec ID
	var total, failures, errs int
	for i, s := range doc.Suites {
		props := map[string]string{}
		for _, p := range s.Properties {
			props[p.Name] = p.Value
		}
		if i > 0 {
			if len(s.Properties) > 0 {
				t.Errorf("suite %s repeats the run's properties; they belong on the first testsuite only", s.Name)
			}
		} else {
			if got, want := props["implementation.name"], xmlText(run.Implementation.Name); got != want {
				t.Errorf("suite %s: property implementation.name = %q, want %q", s.Name, got, want)
			}
			if got, want := props["implementation.version"], run.Implementation.Version; got != want {
				t.Errorf("suite %s: property implementation.version = %q, want %q", s.Name, got, want)
			}
			if got, want := props["profiles"], "core,fetch-api"; got != want {
				t.Errorf("suite %s: property profiles = %q, want %q", s.Name, got, want)
			}
			if got, want := props["shard"], "1/2"; got != want {
				t.Errorf("suite %s: property shard = %q, want %q", s.Name, got, want)
			}
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s: tests=%d but %d testcases", s.Name, s.Tests, len(s.Cases))
		}
		var sf, se, ss int
		for _, c := range s.Cases {
			if c.Failure != nil {
				sf++
			}
			if c.Error != nil {
				se++
			}
			if c.Skipped != nil {
				ss++
			}
			if c.Classname != s.Name {
				t.Errorf("testcase %q: classname %q differs from its suite %q", c.Name, c.Classname, s.Name)
			}
			id, _, ok := strings.Cut(c.Name, ":")
			if !ok {
				t.Errorf("testcase name %q is not \"ID: title\"", c.Name)
			}
			if _, dup := cases[id]; dup {
				t.Errorf("spec %s has more than one testcase", id)
			}
			cases[id] = c
		}
		if s.Failures != sf || s.Errors != se || s.Skipped != ss {
			t.Errorf("suite %s: failures/errors/skipped = %d/%d/%d, testcases say %d/%d/%d", s.Name, s.Failures, s.Errors, s.Skipped, sf, se, ss)
		}
		total += s.Tests
		failures += s.Failures
		errs += s.Errors
	}
	if doc.Tests != total || doc.Failures != failures || doc.Errors != errs {
		t.Errorf("testsuites totals tests/failures/errors = %d/%d/%d, suites sum to %d/%d/%d", doc.Tests, doc.Failures, doc.Errors, total, failures, errs)
	}
	if want := []string{"conform.allowlist", "conform.body", "conform.globals", "conform.headers"}; len(doc.Suites) != len(want) {
		t.Errorf("got %d testsuites, want one per area %v", len(doc.Suites), want)
	} else {
		for i, s := range doc.Suites {
			if s.Name != want[i] {
				t.Errorf("testsuite %d is %q, want %q (sorted by area)", i, s.Name, want[i])
			}
		}
	}

	if len(cases) != len(run.Specs) {
		t.Errorf("got %d testcases, want one per spec (%d)", len(cases), len(run.Specs))
	}
	for _, s := range run.Specs {
		c, ok := cases[s.ID]
		if !ok {
			t.Errorf("no testcase for spec %s", s.ID)
			continue
		}
		if want := "conform." + s.Area; c.Classname != want {
			t.Errorf("%s: classname %q, want %q", s.ID, c.Classname, want)
		}
		if !strings.Contains(c.Name, s.ID) || !strings.Contains(c.Name, xmlText(s.Title)) {
			t.Errorf("%s: testcase name %q does not contain the ID and the title %q", s.ID, c.Name, s.Title)
		}
		if want := (s.Duration.Seconds()); c.Time == "" || !regexp.MustCompile(`^[0-9]+\.[0-9]{3}$`).MatchString(c.Time) {
			t.Errorf("%s: time %q, want seconds with 3 decimals (%.3f)", s.ID, c.Time, want)
		}
		switch {
		case s.Status == reports.StatusPassed:
			if c.Failure != nil || c.Error != nil || c.Skipped != nil {
				t.Errorf("%s passed but its testcase is not a pass: %+v", s.ID, c)
			}
		case s.Status == reports.StatusFailed || s.InfrastructureFault():
			f := c.Failure
			wantType := "conformance"
			if s.Failure.Infrastructure {
				f, wantType = c.Error, "infrastructure"
				if c.Failure != nil || c.Skipped != nil {
					t.Errorf("%s: infrastructure fault reported as <failure>/<skipped>, want <error>", s.ID)
				}
			} else if c.Error != nil {
				t.Errorf("%s: conformance failure reported as <error>, want <failure>", s.ID)
			}
			if f == nil {
				t.Errorf("%s failed but its testcase has no <failure>/<error>", s.ID)
				continue
			}
			if f.Type != wantType {
				t.Errorf("%s: failure type %q, want %q", s.ID, f.Type, wantType)
			}
			if want := xmlText(s.Failure.SummaryText()); f.Message != want || want == "" {
				t.Errorf("%s: failure message attribute %q, want the failure's summary %q", s.ID, f.Message, want)
			}
			for what, want := range map[string]string{
				"message": s.Failure.Message, "location": s.Failure.Location, "evidence": s.Failure.Evidence,
				"adapter log": s.Failure.AdapterLog, "requirement": s.Requirement,
			} {
				if !strings.Contains(f.Text, xmlText(want)) {
					t.Errorf("%s: failure text lacks the %s %q (characters lost or mangled?)\n--- text ---\n%q", s.ID, what, xmlText(want), f.Text)
				}
			}
		case s.Status == reports.StatusExpectedFailure:
			if c.Skipped == nil || c.Failure != nil || c.Error != nil {
				t.Errorf("%s: an expected failure must be a skipped testcase, got %+v", s.ID, c)
				continue
			}
			if want := "expected failure: " + xmlText(s.Expectation.Reason); c.Skipped.Message != want {
				t.Errorf("%s: skipped message %q, want %q", s.ID, c.Skipped.Message, want)
			}
			for _, want := range []string{"Expected failure", s.Expectation.Reason, s.Failure.Message, s.Failure.Evidence} {
				if !strings.Contains(c.SystemOut, xmlText(want)) {
					t.Errorf("%s: system-out lacks %q:\n%q", s.ID, xmlText(want), c.SystemOut)
				}
			}
		case s.Status == reports.StatusUnexpectedPass:
			if c.Failure == nil || c.Error != nil || c.Skipped != nil {
				t.Errorf("%s: an unexpected pass must be a <failure>, got %+v", s.ID, c)
				continue
			}
			if c.Failure.Type != "unexpected-pass" {
				t.Errorf("%s: failure type %q, want unexpected-pass", s.ID, c.Failure.Type)
			}
			for _, want := range []string{"unexpected pass", xmlText(s.Expectation.Reason)} {
				if !strings.Contains(c.Failure.Message, want) {
					t.Errorf("%s: failure message %q lacks %q", s.ID, c.Failure.Message, want)
				}
			}
			if !strings.Contains(c.Failure.Text, "expectations file") {
				t.Errorf("%s: failure text does not say to edit the expectations file: %q", s.ID, c.Failure.Text)
			}
		case s.Status == reports.StatusSkipped:
			if c.Skipped == nil {
				t.Errorf("%s was skipped but its testcase has no <skipped>", s.ID)
				continue
			}
			want := "not run"
			if s.Failure != nil {
				want = s.Failure.SummaryText()
			}
			if c.Skipped.Message != xmlText(want) {
				t.Errorf("%s: skipped message %q, want %q", s.ID, c.Skipped.Message, xmlText(want))
			}
		}
	}
}

// sameRun reports the differences between two runs; times compare as instants (JSON keeps
// the instant and the offset, not the zone's name).
func sameRun(t *testing.T, got, want *reports.Run) {
	t.Helper()
	if !got.StartedAt.Equal(want.StartedAt) || !got.FinishedAt.Equal(want.FinishedAt) {
		t.Errorf("times: got %v–%v, want %v–%v", got.StartedAt, got.FinishedAt, want.StartedAt, want.FinishedAt)
	}
	g, w := *got, *want
	g.StartedAt, g.FinishedAt = w.StartedAt, w.FinishedAt
	if !reflect.DeepEqual(g, w) {
		t.Errorf("runs differ:\n got %+v\nwant %+v", g, w)
		for i := range min(len(g.Specs), len(w.Specs)) {
			if !reflect.DeepEqual(g.Specs[i], w.Specs[i]) {
				t.Errorf("spec %d:\n got %#v\nwant %#v", i, g.Specs[i], w.Specs[i])
			}
		}
	}
}

func TestWriteAllJSONRoundTrip(t *testing.T) {
	dir, run := writeFixture(t)
	got, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	// JSON strings are UTF-8: invalid bytes come back as U+FFFD, everything else (NUL,
	// markup, CDATA terminators, control characters) exactly.
	want := fixtureRun()
	for _, s := range want.Specs {
		if s.Failure != nil {
			s.Failure.Summary = reports.Summarize(s.Failure.Message) // report.json carries each failure's summary
		}
	}
	mapStrings(reflect.ValueOf(want).Elem(), jsonText)
	sameRun(t, got, want)
	if run.Specs[1].Failure.Message == want.Specs[1].Failure.Message {
		t.Fatal("fixture lost its invalid UTF-8; the test no longer covers it")
	}

	t.Run("valid UTF-8 round-trips exactly", func(t *testing.T) {
		dir := t.TempDir()
		if err := reports.WriteAll(dir, want); err != nil {
			t.Fatal(err)
		}
		got, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		sameRun(t, got, want)
		if got.Specs[1].Failure.Message != want.Specs[1].Failure.Message || !strings.Contains(got.Specs[1].Failure.Message, "\x00") {
			t.Errorf("NUL byte lost: %q", got.Specs[1].Failure.Message)
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := reports.ReadJSON(filepath.Join(t.TempDir(), "missing.json")); err == nil {
			t.Error("ReadJSON of a missing file: no error")
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(`{"specs": [`), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := reports.ReadJSON(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ReadJSON of truncated JSON: error %v, want one naming %s", err, bad)
		}
	})
}

func TestWriteAllHTML(t *testing.T) {
	dir, run := writeFixture(t)
	data, err := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
	if err != nil {
		t.Fatalf("report.html not written: %v", err)
	}
	html := string(data)
	if !strings.HasPrefix(html, "<!doctype html>") {
		t.Errorf("report.html does not start with a doctype: %.40q", html)
	}
	// Self-contained: nothing is loaded from the network. Links a reader may follow (the
	// expectation's issue link in <a href>) are fine; resources are not.
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bsrc\s*=\s*["']?\s*(https?:)?//`),
		regexp.MustCompile(`(?i)<link\b[^>]*\bhref\s*=\s*["']?\s*(https?:)?//`),
		regexp.MustCompile(`(?i)<(script|img|iframe|link|embed|object|source|video|audio)\b[^>]*(https?:)?//`),
		regexp.MustCompile(`(?i)url\(\s*["']?\s*(https?:)?//`),
		regexp.MustCompile(`(?i)@import`),
	} {
		if m := re.FindString(html); m != "" {
			t.Errorf("report.html loads an external resource (%s): %q", re, m)
		}
	}
	for _, m := range regexp.MustCompile(`(?i)\bhref\s*=\s*"([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if strings.HasPrefix(m[1], "http") && m[1] != "https://github.com/example/snaps-node/issues/12" {
			t.Errorf("report.html links to %q, which is not an expectation link from the run", m[1])
		}
	}
	for _, s := range run.Specs {
		if !strings.Contains(html, ">"+s.ID+"<") {
			t.Errorf("report.html lacks a cell for spec %s", s.ID)
		}
	}
	// Each failure's one-line summary is shown without opening its details.
	shown := map[string]bool{}
	for _, m := range regexp.MustCompile(`<div class="fsum">([^<]*)</div>`).FindAllStringSubmatch(html, -1) {
		shown[stdhtml.UnescapeString(m[1])] = true
	}
	for _, s := range run.Specs {
		if s.Failure != nil && !shown[xmlText(s.Failure.SummaryText())] {
			t.Errorf("report.html lacks the summary line of %s: %q (shows %v)", s.ID, s.Failure.SummaryText(), shown)
		}
	}
	// Hostile text is escaped, not interpreted.
	for _, raw := range []string{"<beta>", "<again>", "<200>", "<https://evil.test/>", "\x00"} {
		if strings.Contains(html, raw) {
			t.Errorf("report.html contains unescaped %q", raw)
		}
	}
	if !strings.Contains(html, "Redirects are checked &lt;again&gt; &amp; again ]]&gt;") {
		t.Errorf("report.html lacks the escaped hostile title")
	}
}

func TestWriteAllCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "does", "not", "exist", "yet")
	if err := reports.WriteAll(dir, fixtureRun()); err != nil {
		t.Fatalf("WriteAll into a new directory: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o644 || info.Size() == 0 {
			t.Errorf("%s: mode %v size %d, want a non-empty 0644 file", e.Name(), info.Mode().Perm(), info.Size())
		}
	}
	if want := []string{reports.JUnitFile, reports.HTMLFile, reports.JSONFile}; !reflect.DeepEqual(names, want) {
		t.Errorf("directory holds %v, want exactly %v (no temporary files)", names, want)
	}

	// Writing again replaces the reports in place.
	run := fixtureRun()
	run.Implementation.Version = "2.0.0"
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatalf("second WriteAll: %v", err)
	}
	got, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil || got.Implementation.Version != "2.0.0" {
		t.Errorf("second WriteAll did not replace report.json: %v, %+v", err, got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("after a second write the directory holds %d entries, want 3", len(entries))
	}

	t.Run("unusable directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := reports.WriteAll(filepath.Join(file, "reports"), fixtureRun())
		if err == nil || !strings.Contains(err.Error(), file) {
			t.Errorf("WriteAll under a regular file: error %v, want one naming the path", err)
		}
	})
}

// WriteAll promises that each file is written to a temporary name and renamed, so a
// failed write never leaves a half-written report or a temporary file behind.
func TestWriteAllFailureIsAtomic(t *testing.T) {
	dir := t.TempDir()
	old := fixtureRun()
	old.Implementation.Version = "0.9.0"
	if err := reports.WriteAll(dir, old); err != nil {
		t.Fatal(err)
	}
	oldFiles := map[string][]byte{}
	for _, name := range []string{reports.JSONFile, reports.HTMLFile} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		oldFiles[name] = data
	}
	// Make the final rename of junit.xml fail (works as root too, unlike permissions): a
	// non-empty directory now stands where junit.xml goes.
	if err := os.Remove(filepath.Join(dir, reports.JUnitFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, reports.JUnitFile, "occupied"), 0o755); err != nil {
		t.Fatal(err)
	}

	newRun := fixtureRun()
	err := reports.WriteAll(dir, newRun)
	if err == nil {
		t.Fatal("WriteAll succeeded although junit.xml cannot be replaced")
	}
	if !strings.Contains(err.Error(), reports.JUnitFile) {
		t.Errorf("error %q does not name %s", err, reports.JUnitFile)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("failed WriteAll left temporary file %s behind", e.Name())
		}
	}
	// Every other report is either the old one or the complete new one, never a mix.
	newJSON, _ := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if !bytes.Equal(newJSON, oldFiles[reports.JSONFile]) {
		got, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
		if err != nil {
			t.Errorf("report.json is neither the old report nor a readable new one: %v", err)
		} else if got.Implementation.Version != newRun.Implementation.Version || len(got.Specs) != len(newRun.Specs) {
			t.Errorf("report.json is neither the old nor the complete new report: %+v", got.Implementation)
		}
	}
	newHTML, _ := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
	if !bytes.Equal(newHTML, oldFiles[reports.HTMLFile]) && !bytes.HasSuffix(newHTML, []byte("</html>\n")) {
		t.Errorf("report.html is neither the old report nor a complete new one (%d bytes)", len(newHTML))
	}
	if fi, err := os.Stat(filepath.Join(dir, reports.JUnitFile, "occupied")); err != nil || !fi.IsDir() {
		t.Errorf("the directory in junit.xml's place was disturbed: %v", err)
	}
}

// Protocol warnings reach every reader: report.json, the JUnit run (system-err and a
// property), and the HTML page.
func TestWarningsAreWrittenEverywhere(t *testing.T) {
	dir := t.TempDir()
	run := fixtureRun()
	run.Warnings = []string{"taskSettled for v3/t1 arrived twice"}
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{reports.JSONFile, reports.JUnitFile, reports.HTMLFile} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "taskSettled for v3/t1 arrived twice") {
			t.Errorf("%s does not carry the protocol warning", file)
		}
	}
}
