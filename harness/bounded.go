package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// An in-process implementation answers by returning from a method call, and a call that
// never returns (a mutex left locked, a wait with no end) would hold the run forever: Go
// cannot stop a goroutine from outside. Bound gives such an implementation the limits an
// adapter gets from External: every call waits at most its timeout, after which the
// instance is considered hung, as an adapter that does not answer is. A hung instance is
// not called again (every later call fails at once with the same *HungError); the run
// replaces it with a fresh one, as it restarts a hung adapter. What the stuck call holds
// (its goroutine, what it locked) stays until the process exits: that is the one thing
// an adapter's process boundary gives that a call in process cannot.

// BoundOptions are the limits Bound puts on an in-process implementation.
type BoundOptions struct {
	// Name identifies the implementation in errors.
	Name string
	// CallTimeout bounds every call but initialize (default DefaultCallTimeout), as
	// ExternalOptions.CallTimeout does an adapter's.
	CallTimeout time.Duration
	// InitializeTimeout bounds initialize (default DefaultInitializeTimeout).
	InitializeTimeout time.Duration
	// Grace is how long, once a call's deadline has passed, the call still has to return
	// before the instance is considered hung (default 2 s): an implementation that answers
	// its context's end with an error is not hung, only slow to say so.
	Grace time.Duration
	// OnHang, when set, is called once, with the error, when the instance is found hung.
	OnHang func(*HungError)
}

// HungError is a call into an in-process implementation that did not return within its
// time limit: the in-process counterpart of an adapter that does not answer (an
// *AdapterError). It is an infrastructure failure, exit code 3.
type HungError struct {
	Name    string
	Method  string
	Timeout time.Duration
	// Cause is what the call returned once its deadline had passed; nil when it did not
	// return at all.
	Cause error
}

func (e *HungError) Error() string {
	what := "did not return from"
	if e.Cause != nil {
		what = "gave no answer to"
	}
	msg := fmt.Sprintf("in-process implementation %q %s %s within %s (the call timeout); it is considered hung and is replaced",
		e.Name, what, e.Method, e.Timeout.Round(time.Millisecond))
	if e.Cause != nil {
		return msg + " (it said: " + e.Cause.Error() + ")"
	}
	return msg + " (the goroutine it holds cannot be stopped)"
}

func (e *HungError) Unwrap() error { return e.Cause }

// Infrastructure reports that the failure is the implementation's transport (here, the
// call itself), not a verdict on its behaviour: the CLI maps it to exit code 3.
func (e *HungError) Infrastructure() bool { return true }

// Bound returns impl with every call bounded as BoundOptions says. The result implements
// VatTeardown when impl does, and nothing else of impl's optional interfaces: an in-process
// implementation has no log or warnings of its own.
func Bound(impl Implementation, opts BoundOptions) Implementation {
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.InitializeTimeout <= 0 {
		opts.InitializeTimeout = DefaultInitializeTimeout
	}
	if opts.Grace <= 0 {
		opts.Grace = 2 * time.Second
	}
	b := &bounded{impl: impl, opts: opts}
	if td, ok := impl.(VatTeardown); ok {
		return &boundedTeardown{bounded: b, td: td}
	}
	return b
}

type bounded struct {
	impl Implementation
	opts BoundOptions

	mu   sync.Mutex
	hung *HungError
}

var (
	_ Implementation = (*bounded)(nil)
	_ VatTeardown    = (*boundedTeardown)(nil)
)

// call runs fn in a goroutine of its own with ctx bounded by timeout, and waits for it at
// most until the deadline and the grace after it.
func (b *bounded) call(ctx context.Context, method string, timeout time.Duration, fn func(context.Context) error) error {
	b.mu.Lock()
	hung := b.hung
	b.mu.Unlock()
	if hung != nil {
		return hung
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	done := make(chan error, 1) // buffered: a call that returns late does not block
	go func() {
		defer cancel()
		done <- fn(ctx)
	}()
	var err error
	select {
	case err = <-done:
		if err == nil || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return err
		}
		// It gave up at its deadline without an answer: an adapter that does not answer
		// within the call timeout is hung, whatever it would have said later.
		return b.markHung(method, timeout, err)
	case <-ctx.Done():
	}
	grace := time.NewTimer(b.opts.Grace)
	defer grace.Stop()
	select {
	case err = <-done:
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			return err // an answer, late but given
		}
	case <-grace.C:
		err = nil
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The caller gave up: the implementation is not at fault; its answer is dropped.
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
	return b.markHung(method, timeout, err)
}

// markHung records that the instance is hung, once; cause is what the call returned at its
// deadline (nil: it did not return).
func (b *bounded) markHung(method string, timeout time.Duration, cause error) error {
	b.mu.Lock()
	first := b.hung == nil
	if first {
		b.hung = &HungError{Name: b.opts.Name, Method: method, Timeout: timeout, Cause: cause}
	}
	hung := b.hung
	b.mu.Unlock()
	if first && b.opts.OnHang != nil {
		b.opts.OnHang(hung)
	}
	return hung
}

func (b *bounded) Initialize(ctx context.Context, p InitializeParams) (InitializeResult, error) {
	var res InitializeResult
	err := b.call(ctx, MethodInitialize, b.opts.InitializeTimeout, func(ctx context.Context) error {
		r, err := b.impl.Initialize(ctx, p)
		if err == nil {
			res = r
		}
		return err
	})
	if err != nil {
		return InitializeResult{}, err
	}
	return res, nil
}

func (b *bounded) CreateVat(ctx context.Context, p CreateVatParams) error {
	return b.call(ctx, MethodCreateVat, b.opts.CallTimeout, func(ctx context.Context) error {
		return b.impl.CreateVat(ctx, p)
	})
}

func (b *bounded) Evaluate(ctx context.Context, vatID, source string) (EvalResult, error) {
	var res EvalResult
	result := make(chan EvalResult, 1)
	err := b.call(ctx, MethodEvaluate, b.opts.CallTimeout, func(ctx context.Context) error {
		r, err := b.impl.Evaluate(ctx, vatID, source)
		result <- r
		return err
	})
	select {
	case res = <-result:
	default: // the call was abandoned
	}
	return res, err
}

func (b *bounded) Start(ctx context.Context, vatID, taskID, source string) error {
	return b.call(ctx, MethodStart, b.opts.CallTimeout, func(ctx context.Context) error {
		return b.impl.Start(ctx, vatID, taskID, source)
	})
}

func (b *bounded) TerminateVat(ctx context.Context, vatID string) error {
	return b.call(ctx, MethodTerminateVat, b.opts.CallTimeout, func(ctx context.Context) error {
		return b.impl.TerminateVat(ctx, vatID)
	})
}

// Shutdown of a hung instance returns at once, as stopping a hung adapter (a kill) does; the
// instance is still asked to shut down, in the background and within the call timeout, so
// that what did not hang (other vats' loops, idle connections) is released. Its outcome is
// not an error of the run's: the hang was reported already.
func (b *bounded) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	hung := b.hung != nil
	b.mu.Unlock()
	if !hung {
		return b.call(ctx, MethodShutdown, b.opts.CallTimeout, b.impl.Shutdown)
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.CallTimeout)
		defer cancel()
		_ = b.impl.Shutdown(ctx)
	}()
	return nil
}

type boundedTeardown struct {
	*bounded
	td VatTeardown
}

func (b *boundedTeardown) TeardownVat(ctx context.Context, vatID string) error {
	return b.call(ctx, MethodTeardownVat, b.opts.CallTimeout, func(ctx context.Context) error {
		return b.td.TeardownVat(ctx, vatID)
	})
}
