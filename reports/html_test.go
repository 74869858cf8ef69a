package reports_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reports"
)

func renderHTML(t *testing.T, run *reports.Run) string {
	t.Helper()
	data, err := reports.HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// rowBadges are the badge classes of the row of spec id in html (the first one found).
func rowBadges(html, id string) []string {
	re := regexp.MustCompile(`<td class="id">` + regexp.QuoteMeta(id) + `</td><td class="st"><span class="badge ([a-z-]+)">`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestHTMLNeedsAttentionComesFirst(t *testing.T) {
	html := renderHTML(t, fixtureRun())
	start := strings.Index(html, `<section class="attention" id="attention">`)
	filters := strings.Index(html, `id="filters"`)
	if start < 0 || filters < 0 || start > filters {
		t.Fatalf("the needs-attention section (at %d) must come before the matrix and its filters (at %d)", start, filters)
	}
	attention := html[start:filters]
	var listed []string
	for _, m := range regexp.MustCompile(`<td class="id"><a href="#spec-([A-Z]+-[0-9]+)">([A-Z]+-[0-9]+)</a></td>`).FindAllStringSubmatch(attention, -1) {
		listed = append(listed, m[1])
		if !strings.Contains(html, `id="spec-`+m[1]+`"`) {
			t.Errorf("%s links to the matrix row #spec-%s, which does not exist", m[1], m[1])
		}
	}
	// Unexpected failures first, then infrastructure errors, then unexpected passes.
	if want := []string{"ALLOW-031", "FETCH-020", "FETCH-021", "FETCH-012"}; strings.Join(listed, " ") != strings.Join(want, " ") {
		t.Errorf("needs attention lists %v, want %v", listed, want)
	}
	if !strings.Contains(attention, "Needs attention (4)") {
		t.Errorf("the section does not say how many specs need attention")
	}

	t.Run("nothing needs attention", func(t *testing.T) {
		run := fixtureRun()
		var kept []reports.SpecResult
		for _, s := range run.Specs {
			if s.Status == reports.StatusPassed || s.Status == reports.StatusExpectedFailure {
				kept = append(kept, s)
			}
		}
		run.Specs = kept
		html := renderHTML(t, run)
		if !strings.Contains(html, `<section class="attention ok" id="attention"><h2>Nothing needs attention</h2>`) ||
			!strings.Contains(html, "The 1 expected failures are known gaps") {
			t.Errorf("a run with nothing to act on must say so first:\n%.2000s", html[strings.Index(html, "<main>"):])
		}
	})
}

func TestHTMLInfrastructureErrorsHaveTheirOwnBadge(t *testing.T) {
	html := renderHTML(t, fixtureRun())
	for id, want := range map[string]string{
		"ALLOW-031": "failed",      // conformance failure
		"FETCH-021": "infra-error", // the adapter crashed during the spec
		"FETCH-020": "infra-error", // not run: the adapter exited
		"CORE-002":  "skipped",     // not selected
		"FETCH-007": "expected-failure",
		"FETCH-012": "unexpected-pass",
		"ALLOW-001": "passed",
	} {
		badges := rowBadges(html, id)
		if len(badges) == 0 {
			t.Errorf("%s: no row", id)
		}
		for _, got := range badges {
			if got != want {
				t.Errorf("%s: badge %q, want %q", id, got, want)
			}
		}
	}
	if !strings.Contains(html, `.badge.infra-error{`) {
		t.Error("the infrastructure-error badge has no style of its own")
	}
}

func TestHTMLFiltersAreLabelledCheckboxesWithCounts(t *testing.T) {
	html := renderHTML(t, fixtureRun())
	for _, tc := range []struct {
		kind, label string
		count       int
	}{
		{"failed", "Failed", 1}, {"infra-error", "Infrastructure error", 2}, {"unexpected-pass", "Unexpected pass", 1},
		{"expected-failure", "Expected failure", 1}, {"skipped", "Skipped", 1}, {"passed", "Passed", 1},
	} {
		re := regexp.MustCompile(`<label class="opt"><input type="checkbox" name="kind" value="` + tc.kind + `" checked><span class="dot ` + tc.kind + `"></span>` +
			tc.label + ` <span class="n">\((\d+)\)</span></label>`)
		m := re.FindStringSubmatch(html)
		if m == nil {
			t.Errorf("no labelled checkbox for %s", tc.kind)
			continue
		}
		if m[1] != strconv.Itoa(tc.count) {
			t.Errorf("%s: checkbox count %s, want %d", tc.kind, m[1], tc.count)
		}
		if n := len(regexp.MustCompile(`<tr class="`+tc.kind+`" id="spec-[A-Z0-9-]+" data-kind="`+tc.kind+`"`).FindAllString(html[strings.Index(html, `id="filters"`):], -1)); n != tc.count {
			t.Errorf("%s: the matrix has %d rows of this kind, the filter says %d", tc.kind, n, tc.count)
		}
	}
	if !strings.Contains(html, `<label for="q">Text filter</label><input type="search" id="q"`) {
		t.Error("the text filter has no label")
	}
	empty := fixtureRun()
	empty.Specs = empty.Specs[:1]
	if !strings.Contains(renderHTML(t, empty), `<label class="opt empty"><input type="checkbox" name="kind" value="failed" checked disabled>`) {
		t.Error("a kind no spec has must be shown disabled")
	}
}
