package main

import (
	"flag"

	"github.com/conform-suite/conform/suite/runner"
)

// selectionFlags are the flags that choose specs, shared by `run`, `list` and `bench` so a
// `conform list` with the same flags is a dry run of `conform run`.
type selectionFlags struct {
	profiles, specIDs stringList
	labelFilter       *string
	focus, skip       *string
	shard             *string
	durations         *string
}

func addSelectionFlags(fs *flag.FlagSet) *selectionFlags {
	s := &selectionFlags{}
	fs.Var(&s.profiles, "profile", "comma-separated profiles: core, strict, fetch-api, snaps-compat (default all)")
	s.labelFilter = fs.String("label-filter", "", "Ginkgo label filter over profile, area and ID labels, e.g. 'core && !teardown'")
	fs.Var(&s.specIDs, "spec", "only this spec ID (repeatable, or comma-separated)")
	s.focus = fs.String("focus", "", "only specs whose \"ID: title\" matches this regular expression, e.g. 'ALLOW-00[1-3]'")
	s.skip = fs.String("skip", "", "leave out specs whose \"ID: title\" matches this regular expression")
	s.shard = fs.String("shard", "", "only shard I of N (\"I/N\"), a deterministic partition of the specs (by --durations when given)")
	s.durations = fs.String("durations", "", "an earlier report.json of the same implementation: specs are handed out by its durations, longest\nfirst, to run's workers (default: report.json in --report-dir) and dealt to shards (only this file:\ngive every shard the same)")
	return s
}

// selection is the runner's view of the flags, or a usage error.
func (s *selectionFlags) selection() (runner.Selection, error) {
	sel := runner.Selection{Profiles: s.profiles, LabelFilter: *s.labelFilter, SpecIDs: s.specIDs, Focus: *s.focus, Skip: *s.skip}
	if *s.shard != "" {
		shard, err := parseShard(*s.shard)
		if err != nil {
			return runner.Selection{}, err
		}
		sel.Shard = shard
	}
	if *s.durations != "" {
		costs, err := runner.LoadCosts(*s.durations)
		if err != nil {
			return runner.Selection{}, usagef("--durations: %v", err)
		}
		sel.Costs = costs
	}
	return sel, nil
}

// plan selects the specs, turning a configuration mistake into a usage error.
func (s *selectionFlags) plan() (runner.Plan, error) {
	sel, err := s.selection()
	if err != nil {
		return runner.Plan{}, err
	}
	plan, err := runner.Select(sel)
	if err != nil {
		return runner.Plan{}, usagef("%v", err)
	}
	return plan, nil
}
