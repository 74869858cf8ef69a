package fuzz

import (
	"context"
	"fmt"
)

// Replayed is what a replay of a finding showed.
type Replayed struct {
	Report *Report
	// Runs are each implementation's run of the program, in target order.
	Runs []*Run
	// Findings are everything the run showed; Reproduced, whether the report's finding is
	// among them.
	Findings   []Finding
	Reproduced bool
}

// Replay runs a finding's program once more, in fresh instances of targets. The grammar is
// not involved: the program is read from the report as it was written.
func Replay(ctx context.Context, targets []Target, timing Timing, report *Report) (*Replayed, error) {
	w, err := newWorker(ctx, targets, timing)
	if err != nil {
		return nil, err
	}
	defer w.close()
	runs, err := w.run(ctx, report.Program, false)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	out := &Replayed{Report: report, Runs: runs, Findings: judge(report.Program, runs)}
	for _, f := range out.Findings {
		if f.Class == report.Class {
			out.Reproduced = true
		}
	}
	return out, nil
}
