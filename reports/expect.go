package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Expectations is an expectations file: the specs an implementation is known to fail.
//
//	implementation: snaps-node
//	description: the Snaps network endowment under SES (optional; one line)
//	summary:                                           (optional; one line per failing area)
//	  teardown: bodies stay open once they are read
//	expectations:
//	  - id: ALLOW-031
//	    reason: Redirect hops are not checked against the allowlist ...
//	    link: https://github.com/...
//	    evidence: what was observed when the failure was recorded (optional)
type Expectations struct {
	Implementation string `yaml:"implementation"`
	// Description says in one line what the implementation is, for the implementation
	// table (MatrixMarkdown) and the matrix page.
	Description string `yaml:"description,omitempty"`
	// Summary says, per area of the suite, in one line, what fails there: the "what
	// fails" of the implementation table. It is keyed by area so that it can be checked
	// against a report: a line for an area where nothing fails any more is stale, and the
	// matrix refuses it (MatrixInput.Check); an area that fails without a line is shown
	// with its counts only.
	Summary      map[string]string `yaml:"summary,omitempty"`
	Expectations []Expectation     `yaml:"expectations"`
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
		return nil, fmt.Errorf("parse expectations file %s: %w (format: implementation: NAME, description: LINE, summary: {AREA: LINE}, expectations: [{id, reason, link}])", path, err)
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
	var summaryProblems []string
	for area, line := range exp.Summary {
		switch {
		case strings.TrimSpace(area) == "":
			summaryProblems = append(summaryProblems, "summary has an empty area name")
		case strings.TrimSpace(line) == "":
			summaryProblems = append(summaryProblems, fmt.Sprintf("summary of area %s is empty: say in one line what fails there, or remove it", area))
		case strings.Contains(strings.TrimSpace(line), "\n"):
			summaryProblems = append(summaryProblems, fmt.Sprintf("summary of area %s is more than one line", area))
		}
	}
	sort.Strings(summaryProblems) // map order would make the message change from run to run
	problems = append(problems, summaryProblems...)
	if strings.Contains(strings.TrimSpace(exp.Description), "\n") {
		problems = append(problems, "description is more than one line")
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
			if e.Intermittent {
				s.Expectation = &e // a pass of an intermittent failure is what it says
				continue
			}
			s.Status = StatusUnexpectedPass
			s.Expectation = &e
		}
	}
}

// MergeOptions says how strictly Merge checks its reports.
type MergeOptions struct {
	// AllowPartial merges a shard set with shards missing; the merged run is marked
	// Partial and PartialReason names the missing shards.
	AllowPartial bool
}

// IncompleteShardsError is Merge's refusal of a shard set with shards missing.
type IncompleteShardsError struct {
	Missing []string // "2/3", …
}

func (e *IncompleteShardsError) Error() string {
	return "merge: incomplete shard set: " + missingShards(e.Missing)
}

func missingShards(missing []string) string {
	if len(missing) == 1 {
		return "shard " + missing[0] + " missing"
	}
	return "shards " + strings.Join(missing, ", ") + " missing"
}

// Merge combines the reports of the shards of one run (each from 'conform run --shard
// I/N') into one report. It refuses reports of different implementations, of different
// selections (profiles, label filter), shards of different totals, a shard given twice,
// a mix of sharded and unsharded reports, and, unless opts.AllowPartial, a set with
// shards missing (an *IncompleteShardsError): a merged report must not look complete when
// a CI job's shard never uploaded its report. Unsharded reports (of disjoint selections)
// merge without a completeness check.
func Merge(opts MergeOptions, runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, errors.New("merge: no reports")
	}
	missing, err := checkShardSet(runs)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 && !opts.AllowPartial {
		return nil, &IncompleteShardsError{Missing: missing}
	}
	out := *runs[0]
	out.Specs = nil
	out.Shard = ""
	out.Interrupted, out.InterruptReason = false, "" // recomputed from every run below, runs[0] included
	out.Partial, out.PartialReason = len(missing) > 0, ""
	if out.Partial {
		out.PartialReason = missingShards(missing)
	}
	seen := map[string]bool{}
	for _, r := range runs {
		if r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
		if r.FinishedAt.After(out.FinishedAt) {
			out.FinishedAt = r.FinishedAt
		}
		if r != runs[0] {
			out.Warnings = append(out.Warnings, r.Warnings...)
		}
		if r.Interrupted {
			out.Interrupted = true
			out.InterruptReason = strings.TrimPrefix(out.InterruptReason+"; "+r.InterruptReason, "; ")
		}
		if r.Partial { // a merged partial report merged again stays partial
			out.Partial = true
			out.PartialReason = strings.TrimPrefix(out.PartialReason+"; "+r.PartialReason, "; ")
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

// checkShardSet refuses reports that are not shards of one run and returns the shards
// ("I/N") missing from the set.
func checkShardSet(runs []*Run) (missing []string, err error) {
	first := runs[0]
	total := 0
	have := map[int]bool{}
	sharded := 0
	for i, r := range runs {
		if r.Implementation.Name != first.Implementation.Name || r.Implementation.Version != first.Implementation.Version {
			return nil, fmt.Errorf("merge: reports are of different implementations (%s %s and %s %s)",
				first.Implementation.Name, first.Implementation.Version, r.Implementation.Name, r.Implementation.Version)
		}
		if strings.Join(r.Profiles, ",") != strings.Join(first.Profiles, ",") || r.LabelFilter != first.LabelFilter {
			return nil, fmt.Errorf("merge: reports are of different selections (profiles %q, label filter %q in report 1; %q, %q in report %d)",
				strings.Join(first.Profiles, ","), first.LabelFilter, strings.Join(r.Profiles, ","), r.LabelFilter, i+1)
		}
		if r.Shard == "" {
			continue
		}
		sharded++
		index, n, ok := parseShard(r.Shard)
		switch {
		case !ok:
			return nil, fmt.Errorf("merge: report %d names shard %q, want I/N", i+1, r.Shard)
		case total != 0 && n != total:
			return nil, fmt.Errorf("merge: shards of different totals (%d/%d and %s): they are not shards of one run", index, n, shardOf(have, total))
		case have[index]:
			return nil, fmt.Errorf("merge: shard %s is given twice", r.Shard)
		}
		total = n
		have[index] = true
	}
	if sharded > 0 && sharded < len(runs) {
		return nil, fmt.Errorf("merge: %d of %d reports are shards and the others are not; merge the shards of one run", sharded, len(runs))
	}
	for i := 1; i <= total; i++ {
		if !have[i] {
			missing = append(missing, fmt.Sprintf("%d/%d", i, total))
		}
	}
	return missing, nil
}

// shardOf names one shard already seen, for an error message.
func shardOf(have map[int]bool, total int) string {
	for i := 1; i <= total; i++ {
		if have[i] {
			return fmt.Sprintf("%d/%d", i, total)
		}
	}
	return fmt.Sprintf("?/%d", total)
}

func parseShard(s string) (index, total int, ok bool) {
	i, n, found := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(i)
	total, err2 := strconv.Atoi(n)
	if !found || err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return 0, 0, false
	}
	return index, total, true
}
