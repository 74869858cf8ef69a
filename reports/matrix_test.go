package reports_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
)

// matrixFixture is two implementations: fixtureRun (every kind of outcome, hostile text)
// and a second one that passes everything it ran but lacks one spec and has one more.
func matrixFixture() []reports.MatrixInput {
	first := fixtureRun()
	second := fixtureRun()
	second.Implementation = reports.Implementation{Name: "other", Version: "2.0"}
	var specs []reports.SpecResult
	for _, s := range second.Specs {
		if s.ID == "CORE-002" {
			continue // absent from this report
		}
		s.Status, s.Failure, s.Expectation = reports.StatusPassed, nil, nil
		specs = append(specs, s)
	}
	specs = append(specs, reports.SpecResult{ID: "TEAR-001", Title: "teardown closes bodies", Profile: "core", Area: "teardown", Status: reports.StatusPassed})
	second.Specs = specs
	return []reports.MatrixInput{
		{Run: first, Description: "the first one", Summary: map[string]string{"allowlist": "redirect hops <b>unchecked</b>"}, ReportLink: "first/report.html"},
		{Run: second},
	}
}

func renderMatrix(t *testing.T, inputs []reports.MatrixInput) string {
	t.Helper()
	page, err := reports.MatrixHTML(inputs)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// cellKinds is, per spec ID, the kinds of its cells in column order.
func cellKinds(page string) map[string][]string {
	out := map[string][]string{}
	rows := regexp.MustCompile(`(?s)<tr class="row[^"]*"[^>]*>\s*<td class="spec"><span class="id">([^<]+)</span>(.*?)</tr>`)
	cell := regexp.MustCompile(`<td class="cell"><(?:button|span)[^>]* class="badge ([a-z-]+)"`)
	for _, m := range rows.FindAllStringSubmatch(page, -1) {
		for _, c := range cell.FindAllStringSubmatch(m[2], -1) {
			out[m[1]] = append(out[m[1]], c[1])
		}
	}
	return out
}

func TestMatrixHTMLShowsEveryStatusPerImplementation(t *testing.T) {
	page := renderMatrix(t, matrixFixture())
	want := map[string][]string{
		"ALLOW-001": {"passed", "passed"},
		"ALLOW-031": {"failed", "passed"},
		"FETCH-007": {"expected-failure", "passed"},
		"FETCH-012": {"unexpected-pass", "passed"},
		"FETCH-020": {"infra-error", "passed"}, // not run because of the adapter
		"FETCH-021": {"infra-error", "passed"}, // the adapter crashed
		"CORE-002":  {"skipped", "absent"},
		"TEAR-001":  {"absent", "passed"},
	}
	got := cellKinds(page)
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for id, kinds := range want {
		if strings.Join(got[id], " ") != strings.Join(kinds, " ") {
			t.Errorf("%s: cells %v, want %v", id, got[id], kinds)
		}
	}
	for _, label := range []string{">Failed<", ">Expected failure<", ">Unexpected pass<", ">Infrastructure error<", ">Skipped<", ">Not in report<", ">Passed<"} {
		if !strings.Contains(page, label) {
			t.Errorf("no cell labelled %s", label)
		}
	}

	t.Run("a cell with evidence opens it in place", func(t *testing.T) {
		button := regexp.MustCompile(`<button type="button" class="badge expected-failure" aria-expanded="false" aria-controls="([^"]+)"`).FindStringSubmatch(page)
		if button == nil {
			t.Fatal("the expected failure's cell is not a button")
		}
		box := regexp.MustCompile(`(?s)<div class="evbox expected-failure" id="` + regexp.QuoteMeta(button[1]) + `" hidden>(.*?)</td></tr>`).FindStringSubmatch(page)
		if box == nil {
			t.Fatalf("no evidence box %s under the row", button[1])
		}
		for _, want := range []string{
			"Decoder is latin-1 &lt;for now&gt; &amp; tracked",       // the expectation's reason
			`href="https://github.com/example/snaps-node/issues/12"`, // its link
			"body bytes: 63 61 66 e9",                                // the evidence
			`<div class="fsum">`,                                     // the failure summary
			`href="first/report.html#spec-FETCH-007"`,                // the spec in the full report
			"Body text is decoded as UTF-8 with replacement.",        // the requirement
		} {
			if !strings.Contains(box[1], want) {
				t.Errorf("the evidence box lacks %q:\n%s", want, box[1])
			}
		}
		if strings.Contains(page, `<button type="button" class="badge passed"`) {
			t.Error("a passed cell is a button, but it has no evidence to open")
		}
	})

	t.Run("implementation headers", func(t *testing.T) {
		for _, want := range []string{
			`<div class="iname">other</div><div class="iver">2.0</div>`,
			`<div class="idesc">the first one</div>`,
			"<b>2</b> passed · <b>2</b> failed · <b>3</b> not run", // unexpected pass counts as passed; expected failures as failed
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the header lacks %q", want)
			}
		}
		// Per profile of the first implementation: core has ALLOW-001 passed, ALLOW-031
		// failed and CORE-002 skipped.
		if !strings.Contains(page, `<div class="prow"><span>core</span><span>1/3 <span class="bad">1 failed</span></span></div>`) {
			t.Error("the header does not give core's totals as passed/total with the failures")
		}
	})
}

func TestMatrixHTMLFilters(t *testing.T) {
	page := renderMatrix(t, matrixFixture())
	for _, want := range []string{
		// status: rows with at least one cell of the kind
		`<input type="checkbox" name="kind" value="failed" checked><span class="dot failed"></span>Failed <span class="n">(1)</span>`,
		`<input type="checkbox" name="kind" value="infra-error" checked><span class="dot infra-error"></span>Infrastructure error <span class="n">(2)</span>`,
		`<input type="checkbox" name="kind" value="passed" checked><span class="dot passed"></span>Passed <span class="n">(7)</span>`,
		`<input type="checkbox" name="kind" value="absent" checked><span class="dot absent"></span>Not in report <span class="n">(2)</span>`,
		// profile and area: rows
		`<input type="checkbox" name="profile" value="core" checked>core <span class="n">(4)</span>`,
		`<input type="checkbox" name="profile" value="fetch-api" checked>fetch-api <span class="n">(4)</span>`,
		`<input type="checkbox" name="area" value="body" checked>body <span class="n">(3)</span>`,
		`<input type="checkbox" name="area" value="teardown" checked>teardown <span class="n">(1)</span>`,
		`id="differ"`, `<label for="q">Text filter</label>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("filters lack %s", want)
		}
	}
	if !regexp.MustCompile(`<tr class="row differ" data-profile="core" data-area="allowlist" data-kinds="failed passed" data-differ="1"`).MatchString(page) {
		t.Error("ALLOW-031's row does not carry what the filters read (profile, area, kinds, differ)")
	}
	if !strings.Contains(page, `<tr class="row" data-profile="core" data-area="allowlist" data-kinds="passed" data-differ=""`) {
		t.Error("ALLOW-001, passed by both, is not marked as a row where they agree")
	}
	if strings.Contains(page, "<link") || regexp.MustCompile(`src="http|href="http[^"]*\.(css|js)"`).MatchString(page) {
		t.Error("the page loads something from outside: it must work from file:// without network")
	}
}

func TestMatrixHTMLEscapesReportText(t *testing.T) {
	inputs := matrixFixture()
	hostile := inputs[1].Run
	hostile.Implementation.Name = "evil <script>alert(1)</script>\x1b[31m"
	hostile.Implementation.Version = "1.0\x07\" onmouseover=\"x"
	hostile.Specs[1].Status = reports.StatusExpectedFailure
	hostile.Specs[1].Failure = &reports.Failure{Message: "saw <img src=x onerror=alert(2)>\x1b]0;title\x07"}
	hostile.Specs[1].Expectation = &reports.Expectation{ID: hostile.Specs[1].ID, Reason: "</div><script>alert(3)</script>", Link: "javascript:alert(4)"}
	inputs[1].Description = "<iframe src=//evil.test> `<b>code</b>`"
	page := renderMatrix(t, inputs)
	for _, bad := range []string{"<script>alert", "<img src=x", "<iframe", "<b>code", "\x1b", "\x07", `" onmouseover="x`, `href="javascript:`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q from a report", bad)
		}
	}
	for _, want := range []string{"evil &lt;script&gt;alert(1)&lt;/script&gt;[31m", "saw &lt;img src=x onerror=alert(2)&gt;", "&lt;/div&gt;&lt;script&gt;alert(3)&lt;/script&gt;", "&lt;iframe src=//evil.test&gt; <code>&lt;b&gt;code&lt;/b&gt;</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks the escaped text %q", want)
		}
	}
	if got := strings.Count(page, "<script>"); got != 1 {
		t.Errorf("%d <script> elements, want the page's own only", got)
	}
}

func TestMatrixThroughputRow(t *testing.T) {
	inputs := matrixFixture()
	if page := renderMatrix(t, inputs); strings.Contains(page, `<tr class="tp">`) {
		t.Error("a throughput row without figures")
	}
	inputs[0].Throughput = &reports.Throughput{SchemaVersion: reports.ThroughputSchemaVersion, Machine: "linux/amd64, 2 CPUs", Runs: 5, BodyBytes: 1024,
		Loads: []reports.Load{
			{Name: "sequential", Requests: 300, Concurrency: 1, Hosts: 1, Implementation: reports.LoadFigures{RequestsPerSecond: 1234.4}, Baseline: reports.LoadFigures{RequestsPerSecond: 12000}, CostRatio: 9.72},
			{Name: "concurrent", Requests: 1500, Concurrency: 32, Hosts: 8, Implementation: reports.LoadFigures{RequestsPerSecond: 400}, Baseline: reports.LoadFigures{RequestsPerSecond: 4000}, CostRatio: 10},
		}}
	page := renderMatrix(t, inputs)
	for _, want := range []string{`<tr class="tp">`, "<b>1,234</b>/s one at a time <span class=\"ratio\">(9.7×)</span>", "<b>400</b>/s, 32 at once <span class=\"ratio\">(10.0×)</span>", "not measured"} {
		if !strings.Contains(page, want) {
			t.Errorf("the throughput row lacks %q", want)
		}
	}
	table, err := reports.MatrixMarkdown(inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table, "| 1,234 (9.7×) · 400 (10.0×) |") || !strings.Contains(table, "| — |") {
		t.Errorf("the Markdown table does not give the throughput of the measured implementation and a dash for the other:\n%s", table)
	}

	t.Run("bench.json round trip", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), reports.ThroughputFile)
		inputs[0].Throughput.MeasuredAt = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		if err := reports.WriteThroughput(path, inputs[0].Throughput); err != nil {
			t.Fatal(err)
		}
		back, err := reports.ReadThroughput(path)
		if err != nil {
			t.Fatal(err)
		}
		if l := back.Load("concurrent"); l == nil || l.Concurrency != 32 || l.CostRatio != 10 || !back.MeasuredAt.Equal(inputs[0].Throughput.MeasuredAt) {
			t.Errorf("read back %+v", back)
		}
		if err := os.WriteFile(path, []byte(`{"schemaVersion":"9"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := reports.ReadThroughput(path); err == nil || !strings.Contains(err.Error(), "schema version") {
			t.Errorf("a bench.json of another schema version: %v, want an error naming it", err)
		}
	})
}

func TestMatrixMarkdown(t *testing.T) {
	inputs := matrixFixture()
	inputs[1].Run.Implementation.Name = "pipe|name"
	inputs[1].Run.Implementation.Version = "1.0 <b>bold</b>\n| injected | row |"
	table, err := reports.MatrixMarkdown(inputs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if lines[0] != "| Implementation | Passed | Failed | core | fetch-api | What fails (area, failures per profile) |" {
		t.Errorf("header %q", lines[0])
	}
	want := "| `snaps-node <beta> & co` 1.4.0-rc.1: the first one | 2 | 2 | 1 / 1 | 1 / 1 | " +
		"allowlist (core 1): redirect hops &lt;b&gt;unchecked&lt;/b&gt;; body (fetch-api 1); 3 not run (skipped or infrastructure error) |"
	if lines[2] != want {
		t.Errorf("first implementation's row:\n got %s\nwant %s", lines[2], want)
	}
	if want := "| `pipe\\|name` 1.0 &lt;b&gt;bold&lt;/b&gt; \\| injected \\| row \\|: embedded, in process | 7 | 0 | 3 / 0 | 4 / 0 | — |"; lines[3] != want {
		t.Errorf("a name and version with pipes, markup and a newline:\n got %s\nwant %s", lines[3], want)
	}
	if len(lines) != 6 || !strings.HasPrefix(lines[5], "Per profile: passed / failed.") {
		t.Errorf("want the table and a legend line, got:\n%s", table)
	}

	t.Run("a summary line for an area where nothing fails is stale", func(t *testing.T) {
		inputs := matrixFixture()
		inputs[0].Summary["teardown"] = "bodies stay open"
		_, err := reports.MatrixMarkdown(inputs)
		if err == nil || !strings.Contains(err.Error(), "teardown") || !strings.Contains(err.Error(), "nothing fails") {
			t.Errorf("err = %v, want the stale area named", err)
		}
		if _, err := reports.MatrixHTML(inputs); err == nil {
			t.Error("the page was rendered with a stale summary")
		}
	})
}

func TestReplaceMarked(t *testing.T) {
	doc := "intro\n<!-- b -->\nold\ntable\n<!-- e -->\noutro\n"
	got, err := reports.ReplaceMarked(doc, "<!-- b -->", "<!-- e -->", "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n<!-- b -->\nnew\n<!-- e -->\noutro\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := reports.ReplaceMarked("<!-- e --> <!-- b -->", "<!-- b -->", "<!-- e -->", "x"); err == nil {
		t.Error("markers out of order were accepted")
	}
}
