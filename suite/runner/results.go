package runner

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/dsl"
)

// results converts the specs' reports into the run model, one entry per planned spec.
func (s *session) results(specs []suite.Spec) []reports.SpecResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]reports.SpecResult, 0, len(specs))
	for _, spec := range specs {
		res := specResult(spec.Requirement)
		sr, ok := s.reports[spec.ID]
		switch {
		case s.needs[spec.ID] != nil:
			res.Status = reports.StatusNotApplicable
			res.Needs = s.needs[spec.ID]
		case !ok || sr.State.Is(types.SpecStateSkipped|types.SpecStatePending):
			res.Status = reports.StatusSkipped
		case sr.State == types.SpecStatePassed:
			res.Status = reports.StatusPassed
			res.Note = specNote(sr)
		case sr.State == types.SpecStateInterrupted || (sr.State == types.SpecStateAborted && s.ctx.Err() != nil):
			// Stopped by the user: the spec says nothing about the implementation.
			res.Status = reports.StatusSkipped
			res.Failure = &reports.Failure{Message: "not finished: the run was interrupted while this spec ran"}
		default:
			res.Status = reports.StatusFailed
			res.Failure = &reports.Failure{
				Message:  failureMessage(sr),
				Location: suiteLocation(sr.Failure.Location),
			}
			if ev := s.evidence[spec.ID]; ev != nil {
				res.Failure.Evidence = formatEvidence(ev)
				res.Failure.AdapterLog = ev.adapterLog
				res.Failure.Infrastructure = ev.infrastructure
			}
		}
		if ok {
			res.Duration = sr.RunTime - s.heldFor[spec.ID]
		}
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// specNote is what a passing spec said it could not observe (dsl.T.Note), one paragraph per
// note.
func specNote(sr types.SpecReport) string {
	var notes []string
	for _, e := range sr.ReportEntries {
		if e.Name == dsl.NoteKey {
			notes = append(notes, e.StringRepresentation())
		}
	}
	return strings.Join(notes, "\n")
}

func notRun(specs []suite.Spec, why string) []reports.SpecResult {
	out := make([]reports.SpecResult, len(specs))
	for i, s := range specs {
		out[i] = specResult(s.Requirement)
		out[i].Status = reports.StatusSkipped
		out[i].Failure = &reports.Failure{Message: why, Infrastructure: true}
	}
	return out
}

func specResult(r suite.Requirement) reports.SpecResult {
	return reports.SpecResult{
		ID: r.ID, Title: r.Title, Profile: r.Profile, Area: r.Area, Labels: r.Labels(),
		Requirement: r.Requirement, Source: r.Source,
	}
}

// suiteLocation names a failure's place in the suite relative to the module ("suite/x.go:12"),
// not as a path on the machine that built the binary.
func suiteLocation(cl types.CodeLocation) string {
	file := filepath.ToSlash(cl.FileName)
	if i := strings.LastIndex(file, "/suite/"); i >= 0 {
		file = file[i+1:]
	} else {
		file = filepath.Base(file)
	}
	return fmt.Sprintf("%s:%d", file, cl.LineNumber)
}

func failureMessage(sr types.SpecReport) string {
	msg := withoutTypeHeaders(sr.Failure.Message)
	if sr.State == types.SpecStateTimedout || sr.State == types.SpecStateInterrupted || sr.State == types.SpecStateAborted {
		msg = fmt.Sprintf("spec %s: %s", sr.State, msg)
	}
	if sr.Failure.ForwardedPanic != "" {
		msg += "\npanic: " + sr.Failure.ForwardedPanic
	}
	return strings.TrimSpace(msg)
}

func formatEvidence(ev *evidence) string {
	var b strings.Builder
	b.WriteString("What the vat did:\n")
	for _, line := range ev.journal {
		b.WriteString("  ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteString("What mocknet saw:\n")
	b.WriteString(ev.observations)
	return b.String()
}
