package runner

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-suite/conform/suite"
)

// Selection says which specs to run, in the terms of the CLI's flags.
type Selection struct {
	Profiles    []string // empty: all
	LabelFilter string   // Ginkgo label filter syntax over profile, area and ID
	SpecIDs     []string // empty: all
	// Focus and Skip are regular expressions over "ID: title", as Ginkgo's --focus and
	// --skip are over spec text: a spec runs when it matches Focus (if given) and not Skip.
	Focus, Skip string
	Shard       Shard // zero: no sharding
	// Costs deal the specs to shards (see Order); every shard of a run must be given the
	// same, or the shards would overlap.
	Costs Costs
}

// Shard selects a deterministic part of the specs: Index in 1..Total.
type Shard struct{ Index, Total int }

// String is the shard as the CLI spells it ("2/4"), empty when the run is not sharded.
func (s Shard) String() string {
	if s.Total <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Total)
}

// Plan is what a run will do: the selected specs in ID order (a parallel run's worker gets
// them in the order they are handed out), and the selection that chose them (recorded in
// the report). Select makes it; Run executes it.
type Plan struct {
	Selection
	Specs []suite.Spec
}

// Requirements lists the planned specs' requirements, for a dry run (`conform list`).
func (p Plan) Requirements() []suite.Requirement {
	reqs := make([]suite.Requirement, len(p.Specs))
	for i, s := range p.Specs {
		reqs[i] = s.Requirement
	}
	return reqs
}

// ConfigError is a mistake in the run's configuration (unknown profile or spec ID, bad
// filter). The CLI reports it as a usage error.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// Select validates the catalogue and sel, and returns the plan: the specs sel selects,
// sorted by ID, or a *ConfigError that says what was wrong.
func Select(sel Selection) (Plan, error) {
	specs := suite.All()
	if err := suite.Validate(specs); err != nil {
		return Plan{}, err
	}
	profiles := setOf(suite.Profiles())
	for _, p := range sel.Profiles {
		if !profiles[p] {
			return Plan{}, &ConfigError{fmt.Sprintf("unknown profile %q: valid profiles are %s", p, strings.Join(suite.Profiles(), ", "))}
		}
	}
	known := map[string]bool{}
	for _, s := range specs {
		known[s.ID] = true
	}
	for _, id := range sel.SpecIDs {
		if !known[id] {
			return Plan{}, &ConfigError{fmt.Sprintf("unknown spec ID %q: `conform list` shows every ID", id)}
		}
	}
	filter := func([]string) bool { return true }
	if strings.TrimSpace(sel.LabelFilter) != "" {
		f, err := types.ParseLabelFilter(sel.LabelFilter)
		if err != nil {
			return Plan{}, &ConfigError{fmt.Sprintf("invalid --label-filter %q: %v", sel.LabelFilter, err)}
		}
		filter = f
	}
	focus, err := compileText("--focus", sel.Focus)
	if err != nil {
		return Plan{}, err
	}
	skip, err := compileText("--skip", sel.Skip)
	if err != nil {
		return Plan{}, err
	}
	if sel.Shard.Total < 0 || (sel.Shard.Total > 0 && (sel.Shard.Index < 1 || sel.Shard.Index > sel.Shard.Total)) {
		return Plan{}, &ConfigError{fmt.Sprintf("invalid shard %d/%d: use I/N with 1 ≤ I ≤ N", sel.Shard.Index, sel.Shard.Total)}
	}
	wantProfile := setOf(sel.Profiles)
	wantID := setOf(sel.SpecIDs)
	var selected []suite.Spec
	for _, s := range specs {
		if len(wantProfile) > 0 && !wantProfile[s.Profile] {
			continue
		}
		if len(wantID) > 0 && !wantID[s.ID] {
			continue
		}
		if !filter(s.Labels()) {
			continue
		}
		text := s.ID + ": " + s.Title
		if (focus != nil && !focus.MatchString(text)) || (skip != nil && skip.MatchString(text)) {
			continue
		}
		selected = append(selected, s)
	}
	if sel.Shard.Total > 1 {
		selected = shardOf(selected, sel.Costs, sel.Shard)
	}
	return Plan{Selection: sel, Specs: selected}, nil
}

// compileText compiles a --focus or --skip expression; empty means none.
func compileText(flag, expr string) (*regexp.Regexp, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, &ConfigError{fmt.Sprintf("invalid %s %q: %v (a Go regular expression over \"ID: title\", e.g. 'ALLOW-00[1-3]' or 'teardown|abort')", flag, expr, err)}
	}
	return re, nil
}

func setOf(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}
