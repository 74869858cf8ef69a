package reports

import (
	"strings"
	"time"
)

// Status is the outcome of one spec after expectations are applied.
type Status string

const (
	StatusPassed          Status = "passed"
	StatusFailed          Status = "failed"
	StatusExpectedFailure Status = "expected-failure"
	StatusUnexpectedPass  Status = "unexpected-pass"
	StatusSkipped         Status = "skipped"
	// StatusNotApplicable: the spec needs a global the implementation does not offer
	// (initialize's globals, narrowed by the run's grant), so it was not run. It is decided
	// before the spec runs, from what the spec declares, never from its outcome.
	StatusNotApplicable Status = "not-applicable"
)

// Run is one conformance run: what was tested, how, and every spec's outcome.
// It is the single model every writer (JUnit, JSON, HTML) renders.
type Run struct {
	SchemaVersion  string         `json:"schemaVersion"`
	Implementation Implementation `json:"implementation"`
	Profiles       []string       `json:"profiles"`
	LabelFilter    string         `json:"labelFilter,omitempty"`
	// Grant, when the run narrowed what the implementation offers (conform run --grant),
	// lists the globals vats could be given; specs needing others are not applicable.
	Grant []string `json:"grant,omitempty"`
	// GrantName names the kernel whose grant Grant is, when the run used a preset
	// ("ocap-kernel").
	GrantName  string    `json:"grantName,omitempty"`
	Shard      string    `json:"shard,omitempty"` // "I/N" when sharded
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	// Interrupted is set when the run was stopped (signal, infrastructure failure) before
	// every selected spec ran; InterruptReason says why.
	Interrupted     bool   `json:"interrupted"`
	InterruptReason string `json:"interruptReason,omitempty"`
	// Partial is set on a merged report that lacks shards of its run ('conform report
	// merge --allow-partial'); PartialReason names them ("shard 2/3 missing").
	Partial bool `json:"partial,omitempty"`
	// Warnings are protocol violations the implementation committed without failing a spec
	// (a duplicate taskSettled, an event for a vat that does not exist, an adapter that
	// ignored shutdown): not conformance failures, but an adapter author must fix them.
	Warnings      []string     `json:"warnings,omitempty"`
	PartialReason string       `json:"partialReason,omitempty"`
	Specs         []SpecResult `json:"specs"`
}

// ColumnName is how side-by-side views name the run: the implementation, and the grant it
// was narrowed to, if any ("snaps-node with ocap-kernel's grant").
func (r *Run) ColumnName() string {
	switch {
	case r.GrantName != "":
		return r.Implementation.Name + " with " + r.GrantName + "'s grant"
	case r.Grant != nil:
		return r.Implementation.Name + " with a narrowed grant"
	}
	return r.Implementation.Name
}

// Implementation identifies the implementation under test.
type Implementation struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Adapter  string   `json:"adapter,omitempty"` // adapter command line; empty for the embedded reference
	Globals  []string `json:"globals,omitempty"`
	Features []string `json:"features,omitempty"`
}

// SpecResult is the outcome of one spec.
type SpecResult struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Profile     string        `json:"profile"`
	Area        string        `json:"area"`
	Labels      []string      `json:"labels"`
	Requirement string        `json:"requirement"`
	Source      string        `json:"source,omitempty"`
	Status      Status        `json:"status"`
	Duration    time.Duration `json:"durationNanos"`
	Failure     *Failure      `json:"failure,omitempty"`
	// Needs are the globals the spec needs that the run did not offer, for a spec that is
	// not applicable.
	Needs []string `json:"needs,omitempty"`
	// Note is what the spec could not observe of this implementation, said by a spec that
	// passed without checking all of its requirement (a lookup where the implementation
	// resolves no name through the mock network, a cookie where it keeps none), so that the
	// report says so instead of passing silently.
	Note string `json:"note,omitempty"`
	// Expectation is the reason from the expectations file when the spec was expected to fail.
	Expectation *Expectation `json:"expectation,omitempty"`
}

// Failure is why a spec failed, with everything a reader needs to act on it.
type Failure struct {
	Message string `json:"message"` // the assertion that failed, as the assertion library wrote it
	// Summary is one line of at most SummaryMax characters saying what was expected and
	// what was seen; the runner may set it, otherwise the writers derive it from Message
	// (see Summarize) and report.json carries the derived line.
	Summary    string `json:"summary,omitempty"`
	Location   string `json:"location,omitempty"` // file:line in the suite
	Evidence   string `json:"evidence,omitempty"` // what mocknet observed
	AdapterLog string `json:"adapterLog,omitempty"`
	// Infrastructure is set when the failure came from the adapter or harness (crash,
	// timeout, protocol error) rather than from an assertion about behaviour.
	Infrastructure bool `json:"infrastructure,omitempty"`
}

// InfrastructureFault reports whether the spec failed, or did not run, because of the
// adapter or the harness (a crash, a hang, a protocol error, an adapter that never started
// or could not be restarted) rather than because of the implementation's behaviour.
func (s SpecResult) InfrastructureFault() bool {
	return s.Failure != nil && s.Failure.Infrastructure && (s.Status == StatusFailed || s.Status == StatusSkipped)
}

// MarkNotRun gives every skipped spec that has no reason yet the infrastructure failure
// why, for a run the adapter stopped (it could not be restarted): those specs did not run
// because of the adapter, and a report must not show them as ordinary skips.
func MarkNotRun(run *Run, why string) {
	for i := range run.Specs {
		s := &run.Specs[i]
		if s.Status == StatusSkipped && s.Failure == nil {
			s.Failure = &Failure{Message: why, Infrastructure: true}
		}
	}
}

// NotApplicableReason says why a not-applicable spec did not run, e.g. "not applicable:
// needs DOMException, which this implementation does not offer".
func (s SpecResult) NotApplicableReason() string {
	return "not applicable: needs " + strings.Join(s.Needs, ", ") + ", which this implementation does not offer"
}

// Expectation is one entry of an expectations file.
type Expectation struct {
	ID     string `json:"id" yaml:"id"`
	Reason string `json:"reason" yaml:"reason"`
	Link   string `json:"link,omitempty" yaml:"link,omitempty"`
	// Evidence is what was observed when the failure was recorded (optional).
	Evidence string `json:"evidence,omitempty" yaml:"evidence,omitempty"`
	// Intermittent marks a failure seen in some runs and not in others, with the reason
	// saying why: a pass is then no unexpected pass (WPT's expected: [PASS, FAIL]). It is
	// for implementations whose behaviour depends on what ran before, never for a flaky spec.
	Intermittent bool `json:"intermittent,omitempty" yaml:"intermittent,omitempty"`
}
