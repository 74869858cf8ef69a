package dsl

import (
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness"
)

func TestViolationsNameDuplicateSettlementsAndUnknownVats(t *testing.T) {
	l := NewEventLog()
	l.TaskSettled(harness.TaskSettledEvent{VatID: "v1", TaskID: "v1-t1", Status: "fulfilled"})
	l.TaskSettled(harness.TaskSettledEvent{VatID: "v1", TaskID: "v1-t1", Status: "fulfilled"})
	l.Notify(harness.NotifyEvent{VatID: "v9", Method: "OutboundRequest"})
	l.Log(harness.LogEvent{VatID: "v1", Message: "fine"})
	got := strings.Join(l.Violations(func(id string) bool { return id == "v1" }), "\n")
	for _, want := range []string{"task v1/v1-t1 arrived 1 more time", `notify for vat "v9"`} {
		if !strings.Contains(got, want) {
			t.Errorf("violations do not mention %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"v1"`) {
		t.Errorf("a known vat's events were reported:\n%s", got)
	}
	if v := NewEventLog().Violations(func(string) bool { return true }); len(v) != 0 {
		t.Errorf("a clean log reported %v", v)
	}
}
