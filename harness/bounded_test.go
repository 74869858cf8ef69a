package harness_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
)

// stuck is an in-process implementation whose evaluate never returns (as one whose body
// read left a mutex locked), and whose terminateVat gives up only at its context's end.
type stuck struct {
	never chan struct{} // never closed
}

func (s *stuck) Initialize(context.Context, harness.InitializeParams) (harness.InitializeResult, error) {
	return harness.InitializeResult{Name: "stuck"}, nil
}
func (s *stuck) CreateVat(context.Context, harness.CreateVatParams) error { return nil }
func (s *stuck) Evaluate(context.Context, string, string) (harness.EvalResult, error) {
	<-s.never
	return harness.EvalResult{}, nil
}
func (s *stuck) Start(context.Context, string, string, string) error { return nil }
func (s *stuck) TerminateVat(ctx context.Context, vatID string) error {
	<-ctx.Done()
	return fmt.Errorf("terminateVat %s: %w", vatID, ctx.Err())
}
func (s *stuck) Shutdown(context.Context) error {
	<-s.never
	return nil
}

// generous bounds how long a bounded call may take on a loaded machine: far more than the
// call timeout, far less than forever.
const generous = time.Minute

func bounded(t *testing.T, callTimeout time.Duration, onHang func(*harness.HungError)) harness.Implementation {
	t.Helper()
	return harness.Bound(&stuck{never: make(chan struct{})}, harness.BoundOptions{
		Name: "stuck", CallTimeout: callTimeout, Grace: 50 * time.Millisecond, OnHang: onHang})
}

// within runs f and fails the test if it has not returned within generous.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(generous):
		t.Fatalf("%s did not return within %s: the call is not bounded", what, generous)
		return nil
	}
}

func TestBoundReportsAStuckCallAsHungWithTheCallTimeout(t *testing.T) {
	hangs := 0
	impl := bounded(t, 300*time.Millisecond, func(*harness.HungError) { hangs++ })
	err := within(t, "evaluate", func() error {
		_, err := impl.Evaluate(context.Background(), "v1", "await new Promise(() => {})")
		return err
	})
	var hung *harness.HungError
	if !errors.As(err, &hung) {
		t.Fatalf("evaluate of a stuck implementation returned %v, want a *HungError", err)
	}
	if !harness.IsInfrastructure(err) {
		t.Errorf("a hang must be an infrastructure failure (exit 3): %v", err)
	}
	for _, want := range []string{`"stuck"`, "evaluate", "300ms", "call timeout", "hung"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	// A hung instance is not called again: the next call fails at once with the same error.
	began := time.Now()
	if err := impl.CreateVat(context.Background(), harness.CreateVatParams{VatID: "v2"}); !errors.As(err, &hung) {
		t.Errorf("createVat after the hang returned %v, want the *HungError", err)
	}
	if took := time.Since(began); took >= 300*time.Millisecond {
		t.Errorf("createVat after the hang took %s: a hung instance must not be waited for again", took)
	}
	// Shutdown of a hung instance returns (its own shutdown would never return).
	if err := within(t, "shutdown", func() error { return impl.Shutdown(context.Background()) }); err != nil {
		t.Errorf("shutdown of a hung instance: %v, want nil (the hang was reported already)", err)
	}
	if hangs != 1 {
		t.Errorf("OnHang was called %d times, want once", hangs)
	}
}

// A call that gives up at its deadline without an answer is a hang too, as an adapter that
// does not answer within the call timeout is; what it said is kept.
func TestBoundTakesAnAnswerlessDeadlineForAHang(t *testing.T) {
	impl := bounded(t, 200*time.Millisecond, nil)
	err := within(t, "terminateVat", func() error { return impl.TerminateVat(context.Background(), "v1") })
	var hung *harness.HungError
	if !errors.As(err, &hung) || hung.Cause == nil || !strings.Contains(err.Error(), "terminateVat v1") {
		t.Fatalf("terminateVat that gave up at its deadline returned %v, want a *HungError with its cause", err)
	}
}

// A caller that gives up (cancels) does not make the implementation hung.
func TestBoundCallerCancelIsNotAHang(t *testing.T) {
	impl := bounded(t, generous, func(h *harness.HungError) { t.Errorf("OnHang called: %v", h) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := within(t, "evaluate", func() error {
		_, err := impl.Evaluate(ctx, "v1", "1")
		return err
	})
	var hung *harness.HungError
	if !errors.Is(err, context.Canceled) || errors.As(err, &hung) {
		t.Fatalf("evaluate with a cancelled context returned %v, want context.Canceled and no hang", err)
	}
	if err := impl.CreateVat(context.Background(), harness.CreateVatParams{VatID: "v2"}); err != nil {
		t.Errorf("createVat after a cancelled call: %v, want the implementation still called", err)
	}
}

func TestBoundKeepsVatTeardownOnlyWhenTheImplementationHasIt(t *testing.T) {
	impl := bounded(t, time.Second, nil)
	if _, ok := impl.(harness.VatTeardown); ok {
		t.Error("the bound implementation offers teardownVat, which the implementation does not have")
	}
}
