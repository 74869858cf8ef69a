package runner

import (
	"slices"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

func spec(id string, tampers, serial bool) suite.Spec {
	return suite.Spec{Requirement: suite.Requirement{ID: id}, Tampers: tampers, Serial: serial}
}

func ids(specs []suite.Spec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.ID
	}
	return out
}

// An earlier report's durations are the costs; a spec it skipped or does not list costs
// the median of the others.
func TestCostsComeFromAnEarlierReport(t *testing.T) {
	c := CostsFrom(&reports.Run{Specs: []reports.SpecResult{
		{ID: "A", Status: reports.StatusPassed, Duration: 300 * time.Millisecond},
		{ID: "B", Status: reports.StatusFailed, Duration: 10 * time.Millisecond},
		{ID: "C", Status: reports.StatusPassed, Duration: 20 * time.Millisecond},
		{ID: "D", Status: reports.StatusSkipped, Duration: time.Hour},
	}})
	for id, want := range map[string]time.Duration{"A": 300 * time.Millisecond, "B": 10 * time.Millisecond, "C": 20 * time.Millisecond, "D": 20 * time.Millisecond, "NEW": 20 * time.Millisecond} {
		if got := c.Of(id); got != want {
			t.Errorf("cost of %s = %s, want %s", id, got, want)
		}
	}
	if (Costs{}).Of("A") != (Costs{}).Of("B") {
		t.Error("without a report, specs cost different amounts")
	}
}

// Tampering specs first, the serial ones last, each group most costly first, ties by ID.
func TestOrderIsByCostWithinItsGroups(t *testing.T) {
	c := CostsFrom(&reports.Run{Specs: []reports.SpecResult{
		{ID: "O1", Status: reports.StatusPassed, Duration: time.Millisecond},
		{ID: "O2", Status: reports.StatusPassed, Duration: time.Second},
		{ID: "O3", Status: reports.StatusPassed, Duration: time.Millisecond},
		{ID: "T1", Status: reports.StatusPassed, Duration: time.Millisecond},
		{ID: "T2", Status: reports.StatusPassed, Duration: time.Second},
		{ID: "S1", Status: reports.StatusPassed, Duration: time.Hour},
	}})
	specs := []suite.Spec{spec("S1", false, true), spec("O1", false, false), spec("T1", true, false),
		spec("O3", false, false), spec("O2", false, false), spec("T2", true, false)}
	got := ids(Order(specs, c))
	if want := []string{"T2", "T1", "O2", "O1", "O3", "S1"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// Shards are dealt from the catalogue and the costs alone: every spec in exactly one shard,
// the same every time, and the costly specs spread so that shards take about as long.
func TestShardsPartitionTheSpecsByCost(t *testing.T) {
	specs := suite.All()
	known := map[string]time.Duration{}
	var heavy []string
	for i, s := range specs {
		if i%40 == 0 {
			known[s.ID] = 2 * time.Second
			heavy = append(heavy, s.ID)
		} else {
			known[s.ID] = 10 * time.Millisecond
		}
	}
	var ran []reports.SpecResult
	for id, d := range known {
		ran = append(ran, reports.SpecResult{ID: id, Status: reports.StatusPassed, Duration: d})
	}
	costs := CostsFrom(&reports.Run{Specs: ran})
	const n = 4
	seen := map[string]int{}
	var loads [n]time.Duration
	for i := 1; i <= n; i++ {
		part := shardOf(specs, costs, Shard{Index: i, Total: n})
		if again := shardOf(specs, costs, Shard{Index: i, Total: n}); !slices.Equal(ids(part), ids(again)) {
			t.Fatalf("shard %d/%d was dealt differently twice", i, n)
		}
		if !slices.IsSorted(ids(part)) {
			t.Errorf("shard %d/%d is not in ID order", i, n)
		}
		for _, s := range part {
			if prev, twice := seen[s.ID]; twice {
				t.Errorf("%s is in shards %d and %d", s.ID, prev, i)
			}
			seen[s.ID] = i
			loads[i-1] += costs.Of(s.ID)
		}
	}
	if len(seen) != len(specs) {
		t.Errorf("the shards hold %d specs, the catalogue %d", len(seen), len(specs))
	}
	lo, hi := slices.Min(loads[:]), slices.Max(loads[:])
	if hi-lo > 2*time.Second {
		t.Errorf("shard costs %v: the costly specs (%d of 2 s) are not spread", loads, len(heavy))
	}
}

// Select deals the shard with the selection's costs.
func TestSelectDealsShardsWithItsCosts(t *testing.T) {
	all, err := Select(Selection{LabelFilter: "teardown"})
	if err != nil {
		t.Fatal(err)
	}
	// The costliest spec is dealt first, so to shard 1.
	costliest := all.Specs[len(all.Specs)-1].ID
	var ran []reports.SpecResult
	for _, s := range all.Specs {
		ran = append(ran, reports.SpecResult{ID: s.ID, Status: reports.StatusPassed, Duration: time.Millisecond})
	}
	ran[len(ran)-1].Duration = time.Minute
	costs := CostsFrom(&reports.Run{Specs: ran})
	first, err := Select(Selection{LabelFilter: "teardown", Shard: Shard{Index: 1, Total: 2}, Costs: costs})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ids(first.Specs), costliest) {
		t.Errorf("shard 1/2 %v does not hold %s, the costliest spec", ids(first.Specs), costliest)
	}
}
