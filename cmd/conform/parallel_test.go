package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
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

// The catalogue's specs are dealt the same way every time: serial ones apart, every
// tampering one to one worker that runs nothing else, every other spec to exactly one worker.
func TestPartitionIsDeterministicAndComplete(t *testing.T) {
	plan, err := runner.Select(runner.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	shares, serial := partition(plan.Specs, 6, nil, nil)
	again, serialAgain := partition(plan.Specs, 6, nil, nil)
	if fmt.Sprint(shares, serial) != fmt.Sprint(again, serialAgain) {
		t.Fatal("the same plan was dealt differently twice")
	}
	if len(shares) != 6 {
		t.Errorf("%d shares for 6 workers", len(shares))
	}
	seen := dealtTo(t, plan.Specs, shares, serial)
	tamperingWorker := -1
	for _, s := range plan.Specs {
		if s.Tampers {
			if tamperingWorker >= 0 && seen[s.ID] != tamperingWorker {
				t.Errorf("%s tampers but went to worker %d, another tampering spec to %d", s.ID, seen[s.ID], tamperingWorker)
			}
			tamperingWorker = seen[s.ID]
		}
	}
}

// With an earlier report, specs are weighed by how long they took: the slow ones are spread,
// and a long chain of tampering specs is cut into consecutive groups in workers of their
// own.
func TestPartitionFollowsTheHistory(t *testing.T) {
	plan, err := runner.Select(runner.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	hist := &history{took: map[string]time.Duration{}}
	var slow, tampering []string
	for _, s := range plan.Specs {
		hist.took[s.ID] = 10 * time.Millisecond
		switch {
		case s.Tampers:
			tampering = append(tampering, s.ID)
			hist.took[s.ID] = 300 * time.Millisecond
		case s.Area == suite.AreaTeardown && len(slow) < 6 && !s.Serial:
			slow = append(slow, s.ID)
			hist.took[s.ID] = 2 * time.Second
		}
	}
	if len(tampering) < 4 {
		t.Fatalf("the catalogue has %d tampering specs; the test needs 4", len(tampering))
	}
	sort.Strings(tampering)
	shares, serial := partition(plan.Specs, 8, hist, nil)
	seen := dealtTo(t, plan.Specs, shares, serial)
	slowWorkers := map[int]bool{}
	for _, id := range slow {
		slowWorkers[seen[id]] = true
	}
	if len(slowWorkers) != len(slow) {
		t.Errorf("the %d specs that took 2 s went to %d workers, want one each", len(slow), len(slowWorkers))
	}
	tamperingWorkers := map[int]bool{}
	for _, id := range tampering {
		tamperingWorkers[seen[id]] = true
	}
	if len(tamperingWorkers) < 2 {
		t.Errorf("%d tampering specs of 0.3 s each went to %d worker, want them spread", len(tampering), len(tamperingWorkers))
	}
	for w := range tamperingWorkers {
		ids := shares[w].ids
		for _, id := range ids {
			if !slices.Contains(tampering, id) {
				t.Errorf("worker %d runs tampering specs and %s", w, id)
			}
		}
		first := slices.Index(tampering, ids[0])
		if first+len(ids) > len(tampering) || !slices.Equal(ids, tampering[first:first+len(ids)]) {
			t.Errorf("worker %d's tampering specs are not consecutive: %v", w, ids)
		}
	}
}

// A worker expected to be ready later is dealt less.
func TestPartitionGivesLaterWorkersLess(t *testing.T) {
	plan, err := runner.Select(runner.Selection{LabelFilter: "teardown"})
	if err != nil {
		t.Fatal(err)
	}
	shares, _ := partition(plan.Specs, 3, nil, []time.Duration{0, 0, 2 * time.Second})
	if len(shares) != 3 {
		t.Fatalf("%d shares for 3 workers", len(shares))
	}
	if late, early := shares[2], shares[0]; len(late.ids) >= len(early.ids) {
		t.Errorf("the worker ready 2 s later got %d specs (until %s), the first %d (until %s)", len(late.ids), late.cost, len(early.ids), early.cost)
	}
}

// dealtTo checks that every spec went to exactly one worker (serial specs to none) and says
// which.
func dealtTo(t *testing.T, specs []suite.Spec, shares []share, serial []string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for i, share := range shares {
		for _, id := range share.ids {
			if _, twice := seen[id]; twice {
				t.Errorf("%s was dealt twice", id)
			}
			seen[id] = i
		}
	}
	for _, id := range serial {
		seen[id] = -1
	}
	for _, s := range specs {
		w, ok := seen[s.ID]
		switch {
		case !ok:
			t.Errorf("%s was dealt to no worker", s.ID)
		case s.Serial && w != -1:
			t.Errorf("%s runs alone but was dealt to worker %d", s.ID, w)
		}
	}
	if len(seen) != len(specs) {
		t.Errorf("%d specs dealt, the plan has %d", len(seen), len(specs))
	}
	return seen
}

// A worker that becomes ready frees its start slot before it is dealt its share, so the next
// worker may already be starting: as many workers as CPUs can then be waiting for their
// implementation while one is dealt, and the dealing must still account for every worker
// to come (it once ran out of start slots and panicked, a run exiting 2 at once).
func TestDealWithEveryStartSlotTaken(t *testing.T) {
	plan, err := runner.Select(runner.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, cpus = 6, 2
	d := newDealer(plan.Specs, workers, nil, cpus)
	begun := time.Now().Add(-50 * time.Millisecond)
	starts := []time.Time{begun, begun.Add(time.Millisecond), begun.Add(2 * time.Millisecond)}
	for _, at := range starts {
		d.starting(at)
	}
	var dealt []string
	for i, at := range starts {
		ids, _ := d.deal(at)
		if len(ids) == 0 {
			t.Fatalf("worker %d was dealt nothing", i+1)
		}
		dealt = append(dealt, ids...)
	}
	for range workers - len(starts) {
		at := time.Now()
		d.starting(at)
		ids, _ := d.deal(at)
		dealt = append(dealt, ids...)
	}
	if undealt := d.undealt(); len(undealt) > 0 {
		t.Errorf("%d specs left undealt: %v", len(undealt), undealt)
	}
	if len(dealt) != len(plan.Specs) {
		t.Errorf("dealt %d specs of %d", len(dealt), len(plan.Specs))
	}
}
