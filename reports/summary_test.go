package reports_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conform-suite/conform/reports"
)

func TestSummarize(t *testing.T) {
	longList := "[" + strings.Repeat(`"allowed.test GET /drip-forever?interval=20 via connect, in-flight", `, 20) + `"LAST SEEN ENTRY"]`
	for _, tc := range []struct {
		name, message string
		want          string
		// alternatively, for lines that must be shortened: what the summary must keep
		contains []string
	}{
		{
			name:    "one-line matcher message after a description",
			message: "the fetch must be denied\nExpected allowlist/fetch-input {\"kind\":\"string\"} to throw an error, but it returned {\"status\":200}",
			want:    `the fetch must be denied: Expected allowlist/fetch-input {"kind":"string"} to throw an error, but it returned {"status":200}`,
		},
		{
			name:    "Gomega dump of the actual value",
			message: "only allowed.test may ever be contacted; what mocknet saw elsewhere\nExpected\n    <suite.Seen | len:1, cap:1>:   evil.test GET /anything via connect\nto be empty",
			want:    "only allowed.test may ever be contacted; what mocknet saw elsewhere: expected to be empty, got evil.test GET /anything via connect",
		},
		{
			name:    "timed-out preamble and a multi-line Gomega list",
			message: "Timed out after 2.002s.\nevery connection must be closed within 2s; still open on mocknet:\nExpected\n    <[]string | len:1, cap:1>: [\n        \"allowed.test GET /hang via connect: in-flight\",\n    ]\nto be empty",
			want:    `every connection must be closed within 2s; still open on mocknet: expected to be empty, got ["allowed.test GET /hang via connect: in-flight"]`,
		},
		{
			name:    "expected value after the matcher phrase, trailing note dropped",
			message: "notify methods\nExpected\n    <[]string | len:0, cap:0>: nil\nto have exact elements with\n    <[]string | len:2, cap:2>: [\"OutboundRequest\", \"OutboundResponse\"]\nthe missing elements start from index 0",
			want:    `notify methods: expected to have exact elements with ["OutboundRequest", "OutboundResponse"], got nil`,
		},
		{
			name:    "values rendered as indented JSON",
			message: "status of the fetched response\nExpected\n    {\n      \"status\": 403,\n      \"url\": \"http://allowed.test/\"\n    }\nto equal\n    {\n      \"status\": 200\n    }",
			want:    `status of the fetched response: expected to equal {"status": 200}, got {"status": 403, "url": "http://allowed.test/"}`,
		},
		{
			name:    "empty string actual",
			message: "fetch must reject\nExpected\n    <string>: \nnot to be empty",
			want:    `fetch must reject: expected not to be empty, got ""`,
		},
		{
			name:    "no Gomega block: first meaningful line",
			message: "Failed after 1s.\n\nadapter crashed: EPIPE\nwrite after end",
			want:    "adapter crashed: EPIPE",
		},
		{
			name:     "a long actual value keeps its end, where the difference usually is",
			message:  "teardown: still open on mocknet\nExpected\n    <[]string | len:21>: " + longList + "\nto be empty",
			contains: []string{"teardown: still open on mocknet", "expected to be empty", "got [\"allowed.test GET", "…", "LAST SEEN ENTRY\"]"},
		},
		{
			name:     "a long one-line message keeps what was returned",
			message:  "Expected fetch/cases " + strings.Repeat("{\"case\":\"x\"}", 40) + " to return {\"status\":0}, but it returned {\"status\":302}",
			contains: []string{"Expected fetch/cases", "…", "but it returned {\"status\":302}"},
		},
		{name: "empty", message: "", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reports.Summarize(tc.message)
			if n := utf8.RuneCountInString(got); n > reports.SummaryMax || strings.ContainsAny(got, "\n\r") {
				t.Errorf("summary is not one line of at most %d characters (%d): %q", reports.SummaryMax, n, got)
			}
			if tc.contains == nil && got != tc.want {
				t.Errorf("Summarize:\n got %q\nwant %q", got, tc.want)
			}
			for _, want := range tc.contains {
				if !strings.Contains(got, want) {
					t.Errorf("summary %q lacks %q", got, want)
				}
			}
		})
	}
}

func TestSummaryTextPrefersTheRunnersSummary(t *testing.T) {
	f := &reports.Failure{Message: "a\nExpected\n    <int>: 1\nto equal\n    <int>: 2", Summary: "  status: got 1,\n want 2 "}
	if got, want := f.SummaryText(), "status: got 1, want 2"; got != want {
		t.Errorf("SummaryText = %q, want the runner's summary on one line %q", got, want)
	}
	f.Summary = ""
	if got, want := f.SummaryText(), "a: expected to equal 2, got 1"; got != want {
		t.Errorf("SummaryText without a summary = %q, want %q", got, want)
	}
	if got := (*reports.Failure)(nil).SummaryText(); got != "" {
		t.Errorf("nil failure: %q", got)
	}
}
