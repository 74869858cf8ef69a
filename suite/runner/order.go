package runner

import (
	"slices"
	"sort"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

// Costs are how long each spec is expected to take: its duration in an earlier report of the
// same implementation. A spec the report does not time (new, or skipped there) costs the
// median of those it does; with no report every spec costs the same. The zero value knows
// nothing.
type Costs struct {
	known   map[string]time.Duration
	neutral time.Duration
}

// CostsFrom takes the costs from a report: the durations of the specs it ran (a skipped
// spec's duration says nothing).
func CostsFrom(run *reports.Run) Costs {
	known := map[string]time.Duration{}
	for _, s := range run.Specs {
		if s.Status != reports.StatusSkipped {
			known[s.ID] = max(s.Duration, time.Millisecond)
		}
	}
	c := Costs{known: known}
	if len(known) > 0 {
		all := make([]time.Duration, 0, len(known))
		for _, d := range known {
			all = append(all, d)
		}
		slices.Sort(all)
		c.neutral = all[len(all)/2]
	}
	return c
}

// LoadCosts reads the costs from a report.json.
func LoadCosts(path string) (Costs, error) {
	run, err := reports.ReadJSON(path)
	if err != nil {
		return Costs{}, err
	}
	return CostsFrom(run), nil
}

// Known reports whether the costs come from a report (the zero value knows nothing).
func (c Costs) Known() bool { return len(c.known) > 0 }

// Of is what the spec is expected to cost.
func (c Costs) Of(id string) time.Duration {
	if d, ok := c.known[id]; ok {
		return d
	}
	if c.neutral > 0 {
		return c.neutral
	}
	return time.Millisecond
}

// Order is the order in which a run hands its specs out, the one policy of parallel runs
// and shards: the specs that tamper with the endowment first (they need an implementation
// nothing else ran in, which a worker has when it starts), then the others, then those that
// run alone (Serial), each group most costly first, ties by ID.
func Order(specs []suite.Spec, costs Costs) []suite.Spec {
	group := func(s suite.Spec) int {
		switch {
		case s.Tampers:
			return 0
		case s.Serial:
			return 2
		}
		return 1
	}
	out := slices.Clone(specs)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ga, gb := group(a), group(b); ga != gb {
			return ga < gb
		}
		if ca, cb := costs.Of(a.ID), costs.Of(b.ID); ca != cb {
			return ca > cb
		}
		return a.ID < b.ID
	})
	return out
}

// shardOf deals the specs, in Order, each to the shard with the least cost so far (the lowest
// on a tie), and returns shard's part in ID order: the same specs and costs give the same
// parts on every machine, without coordination, and the parts take about as long.
func shardOf(specs []suite.Spec, costs Costs, shard Shard) []suite.Spec {
	load := make([]time.Duration, shard.Total)
	var part []suite.Spec
	for _, s := range Order(specs, costs) {
		least := 0
		for i := range load {
			if load[i] < load[least] {
				least = i
			}
		}
		load[least] += costs.Of(s.ID)
		if least == shard.Index-1 {
			part = append(part, s)
		}
	}
	sort.Slice(part, func(i, j int) bool { return part[i].ID < part[j].ID })
	return part
}
