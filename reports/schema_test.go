package reports_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness/schema"
	"github.com/conform-suite/conform/reports"
)

func TestReportJSONFollowsItsSchema(t *testing.T) {
	dir, _ := writeFixture(t)
	doc, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if problems := schema.ValidateWith(reports.ReportSchema, doc); len(problems) > 0 {
		t.Errorf("report.json does not follow report.schema.json:\n%v", problems)
	}
}

func TestReportSchemaRejectsWhatItShould(t *testing.T) {
	cases := map[string]string{
		"unknown status":    `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false,"specs":[{"id":"ALLOW-001","title":"t","profile":"core","area":"allowlist","labels":[],"requirement":"r","status":"flaky","durationNanos":1}]}`,
		"bad spec ID":       `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false,"specs":[{"id":"allow-1","title":"t","profile":"core","area":"allowlist","labels":[],"requirement":"r","status":"passed","durationNanos":1}]}`,
		"missing specs":     `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false}`,
		"future version":    `{"schemaVersion":"2","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false,"specs":[]}`,
		"unknown profile":   `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":["lax"],"startedAt":"","finishedAt":"","interrupted":false,"specs":[]}`,
		"failure w/o text":  `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false,"specs":[{"id":"ALLOW-001","title":"t","profile":"core","area":"allowlist","labels":[],"requirement":"r","status":"failed","durationNanos":1,"failure":{}}]}`,
		"negative duration": `{"schemaVersion":"1","implementation":{"name":"x","version":"1"},"profiles":[],"startedAt":"","finishedAt":"","interrupted":false,"specs":[{"id":"ALLOW-001","title":"t","profile":"core","area":"allowlist","labels":[],"requirement":"r","status":"passed","durationNanos":-1}]}`,
	}
	for name, doc := range cases {
		if problems := schema.ValidateWith(reports.ReportSchema, []byte(doc)); len(problems) == 0 {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(problems[0].String(), "unsupported keyword") {
			t.Errorf("%s: the schema uses a keyword the validator does not know: %v", name, problems)
		}
	}
}

func TestReportSchemaUsesOnlyWhatTheValidatorChecks(t *testing.T) {
	for _, p := range schema.Lint("", reports.ReportSchema) {
		t.Errorf("report.schema.json: %s", p)
	}
}
