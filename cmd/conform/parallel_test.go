package main

import (
	"context"
	"errors"
	"testing"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite/runner"
)

// A worker whose adapter never started names the implementation by its command line; the
// merged report must still be one implementation's, with that worker's specs as
// infrastructure errors and the run an infrastructure failure.
func TestMergeWorkersWhenOneAdapterNeverStarted(t *testing.T) {
	plan, err := runner.Select(runner.Selection{SpecIDs: []string{"ALLOW-001", "ALLOW-002"}})
	if err != nil {
		t.Fatal(err)
	}
	ok := &reports.Run{SchemaVersion: "1", Profiles: []string{"core", "strict", "fetch-api", "snaps-compat"},
		Implementation: reports.Implementation{Name: "my-kernel", Version: "1.2.3", Adapter: "node a.mjs"},
		Specs:          []reports.SpecResult{{ID: "ALLOW-001", Status: reports.StatusPassed}}}
	broken := &reports.Run{SchemaVersion: "1", Profiles: ok.Profiles,
		Implementation: reports.Implementation{Name: "node a.mjs", Adapter: "node a.mjs"},
		Interrupted:    true, InterruptReason: "initialize implementation node a.mjs: exit status 1",
		Specs: []reports.SpecResult{{ID: "ALLOW-002", Status: reports.StatusSkipped,
			Failure: &reports.Failure{Message: "not run", Infrastructure: true}}}}
	merged, err := mergeWorkers(context.Background(), plan, []workerOutcome{
		{ids: []string{"ALLOW-001"}, run: ok}, {ids: []string{"ALLOW-002"}, code: exitInfra, run: broken}})
	var infra *runner.InfraError
	if !errors.As(err, &infra) {
		t.Errorf("merge error = %v, want an infrastructure error", err)
	}
	if merged == nil {
		t.Fatal("no merged report")
	}
	if merged.Implementation.Name != "my-kernel" || len(merged.Specs) != 2 {
		t.Errorf("merged report: implementation %q, %d specs", merged.Implementation.Name, len(merged.Specs))
	}
}
