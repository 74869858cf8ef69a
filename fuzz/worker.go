package fuzz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// maxOpen is how many exchanges an implementation may leave open on its network (one
// without teardown leaves every held request open) before its instance is replaced.
const maxOpen = 48

// worker runs programs, one at a time, in one instance of every target.
type worker struct {
	targets []Target
	timing  Timing
	insts   []*instance
}

func newWorker(ctx context.Context, targets []Target, timing Timing) (*worker, error) {
	w := &worker{targets: targets, timing: timing, insts: make([]*instance, len(targets))}
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.insts[i], errs[i] = startInstance(ctx, t, timing)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		w.close()
		return nil, &InfraError{Err: err}
	}
	return w, nil
}

// InfraError is a failure of an implementation to start, or of the harness: not a finding.
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }

func (w *worker) close() {
	for _, in := range w.insts {
		if in != nil {
			in.close()
		}
	}
}

// env is what the grammar may use given these implementations: the globals all offer, and
// teardownVat if all offer it.
func (w *worker) env(vary bool) Env {
	e := Env{Globals: slices.Clone(w.insts[0].info.Globals), Teardown: true, VaryAllowlist: vary}
	for _, in := range w.insts {
		e.Globals = slices.DeleteFunc(e.Globals, func(g string) bool { return !slices.Contains(in.info.Globals, g) })
		e.Teardown = e.Teardown && in.teardown
	}
	return e
}

// names are the implementations' names, in target order.
func (w *worker) names() []string {
	var out []string
	for _, in := range w.insts {
		out = append(out, in.name())
	}
	return out
}

// run runs p in every implementation at once (each has its own network), then replaces
// the instances that broke or piled up open connections. fresh replaces the in-process
// instances before the run, so that the outcome does not depend on earlier programs.
func (w *worker) run(ctx context.Context, p Program, fresh bool) ([]*Run, error) {
	return w.runSome(ctx, p, fresh, nil)
}

// runSome is run in the instances only selects (nil: all); the runs of the others are left
// out of the result.
func (w *worker) runSome(ctx context.Context, p Program, fresh bool, only func(*instance) bool) ([]*Run, error) {
	chosen := func(in *instance) bool { return only == nil || only(in) }
	if fresh {
		for i, in := range w.insts {
			if in.target.InProcess && chosen(in) {
				if err := w.restart(ctx, i, true); err != nil {
					return nil, err
				}
			}
		}
	}
	runs := make([]*Run, len(w.insts))
	var wg sync.WaitGroup
	for i, in := range w.insts {
		if !chosen(in) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = runProgram(ctx, in, p)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return runs, fmt.Errorf("worker run: %w (cause %v)", ctx.Err(), context.Cause(ctx))
	}
	var out []*Run
	for i, in := range w.insts {
		if runs[i] == nil {
			continue
		}
		out = append(out, runs[i])
		if runs[i].Broken != "" || in.openExchanges() > maxOpen {
			if err := w.restart(ctx, i, true); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// restart replaces instance i with a fresh one; lazy keeps what the old one showed of its
// closes (see instance.lazyCloses).
func (w *worker) restart(ctx context.Context, i int, lazy bool) error {
	old := w.insts[i]
	old.close()
	in, err := startInstance(ctx, old.target, w.timing)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &InfraError{Err: fmt.Errorf("restart %s: %w", old.name(), err)}
	}
	in.lazyCloses = lazy && old.lazyCloses
	w.insts[i] = in
	return nil
}

// renew replaces the instances only selects (nil: all): before confirmation (the run's
// end may have cut a program short), and for a finding's last confirmation, in instances
// that ran nothing before (lazy false: with the full bound for closes).
func (w *worker) renew(ctx context.Context, lazy bool, only func(*instance) bool) error {
	for i, in := range w.insts {
		if only != nil && !only(in) {
			continue
		}
		if err := w.restart(ctx, i, lazy); err != nil {
			return err
		}
	}
	return nil
}
