package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Expectations is an expectations file: the specs an implementation is known to fail.
//
//	implementation: snaps-node
//	expectations:
//	  - id: ALLOW-031
//	    reason: Redirect hops are not checked against the allowlist ...
//	    link: https://github.com/...
//	    evidence: what was observed when the failure was recorded (optional)
type Expectations struct {
	Implementation string        `yaml:"implementation"`
	Expectations   []Expectation `yaml:"expectations"`
}

// LoadExpectations reads and validates an expectations file: every entry needs an ID the
// suite knows and a reason, and no ID may appear twice.
func LoadExpectations(path string, knownIDs []string) (*Expectations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read expectations file: %w", err)
	}
	var exp Expectations
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&exp); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse expectations file %s: %w (format: implementation: NAME, expectations: [{id, reason, link}])", path, err)
	}
	known := map[string]bool{}
	for _, id := range knownIDs {
		known[id] = true
	}
	seen := map[string]bool{}
	var problems []string
	for i, e := range exp.Expectations {
		switch {
		case e.ID == "":
			problems = append(problems, fmt.Sprintf("entry %d has no id", i+1))
		case !known[e.ID]:
			problems = append(problems, fmt.Sprintf("%s is not a spec ID of this suite (`conform list` shows them)", e.ID))
		case seen[e.ID]:
			problems = append(problems, fmt.Sprintf("%s is listed twice", e.ID))
		case strings.TrimSpace(e.Reason) == "":
			problems = append(problems, fmt.Sprintf("%s has no reason: say why it is expected to fail", e.ID))
		}
		seen[e.ID] = true
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("expectations file %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return &exp, nil
}

// Apply turns failures listed in exp into expected failures and passes listed in exp into
// unexpected passes. Specs that did not run keep their status.
func Apply(run *Run, exp *Expectations) {
	if exp == nil {
		return
	}
	byID := map[string]Expectation{}
	for _, e := range exp.Expectations {
		byID[e.ID] = e
	}
	for i := range run.Specs {
		s := &run.Specs[i]
		e, ok := byID[s.ID]
		if !ok {
			continue
		}
		switch s.Status {
		case StatusFailed:
			if s.Failure != nil && s.Failure.Infrastructure {
				continue // an adapter crash is never an expected conformance failure
			}
			s.Status = StatusExpectedFailure
			s.Expectation = &e
		case StatusPassed:
			s.Status = StatusUnexpectedPass
			s.Expectation = &e
		}
	}
}

// Merge combines the reports of shards of one run into one report.
func Merge(runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, errors.New("merge: no reports")
	}
	out := *runs[0]
	out.Specs = nil
	out.Shard = ""
	out.Interrupted, out.InterruptReason = false, "" // recomputed from every run below, runs[0] included
	seen := map[string]bool{}
	for _, r := range runs {
		if r.Implementation.Name != out.Implementation.Name || r.Implementation.Version != out.Implementation.Version {
			return nil, fmt.Errorf("merge: reports are of different implementations (%s %s and %s %s)",
				out.Implementation.Name, out.Implementation.Version, r.Implementation.Name, r.Implementation.Version)
		}
		if r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
		if r.FinishedAt.After(out.FinishedAt) {
			out.FinishedAt = r.FinishedAt
		}
		if r.Interrupted {
			out.Interrupted = true
			out.InterruptReason = strings.TrimPrefix(out.InterruptReason+"; "+r.InterruptReason, "; ")
		}
		for _, s := range r.Specs {
			if seen[s.ID] {
				return nil, fmt.Errorf("merge: spec %s appears in more than one report (overlapping shards?)", s.ID)
			}
			seen[s.ID] = true
			out.Specs = append(out.Specs, s)
		}
	}
	sort.Slice(out.Specs, func(i, j int) bool { return out.Specs[i].ID < out.Specs[j].ID })
	return &out, nil
}
