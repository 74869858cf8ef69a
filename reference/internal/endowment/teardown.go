package endowment

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// Teardown aborts every in-flight request, closes every response body and upload, and
// makes every promise created before it unsettleable; it returns once every transport
// goroutine of the endowment has ended.
func (e *Endowment) Teardown(ctx context.Context) error { return e.teardown(ctx, false) }

// teardown is Teardown, and also Close when closing: the endowment is closed in the same
// step as the detach, between two turns of the loop.
func (e *Endowment) teardown(ctx context.Context, closing bool) error {
	calls := e.detachOnLoop(ctx, closing)
	e.opts.Faults.noteTeardown()
	for _, c := range calls {
		c.mu.Lock()
		body, cloned := c.body, c.cloned
		c.mu.Unlock()
		leave := body != nil && e.opts.Faults.leavesBodyOpen(cloned)
		if leave {
			continue
		}
		c.cancel()
		if c.upload != nil {
			_ = c.upload.CloseWithError(errTornDown)
		}
		if body != nil {
			_ = body.Close()
		}
	}
	if err := e.inflight.wait(ctx); err != nil {
		return fmt.Errorf("teardown: transport goroutines still running: %w", err)
	}
	return nil
}

// errClosed is what fetch rejects with once the endowment is closed.
var errClosed = errors.New("fetch failed: the network endowment is closed (its vat was terminated)")

// Close is Teardown for good, for a vat that is terminated. In the step where teardown
// detaches (between two turns of the loop, so that no vat code sees the change happen) the
// endowment is also closed: from then on fetch rejects with a TypeError without sending
// anything, notify is not called and no timer is scheduled; then it tears down as Teardown
// does. Unlike after Teardown, the endowment cannot be used again. It is idempotent.
func (e *Endowment) Close(ctx context.Context) error { return e.teardown(ctx, true) }

// loopWait bounds how long teardown waits for the event loop to take its turn before it
// detaches from outside the loop (the loop is stopped, or vat code is stuck in a loop).
const loopWait = 2 * time.Second

// detachOnLoop starts a new epoch and takes the live calls between two turns of the event
// loop: vat code that was running finishes first, and every settlement queued afterwards
// sees the new epoch and is dropped. No vat code observes a half-torn-down endowment, and
// nothing started before teardown settles after it.
func (e *Endowment) detachOnLoop(ctx context.Context, closing bool) map[int64]*call {
	var (
		once  sync.Once
		calls map[int64]*call
	)
	detach := func() {
		once.Do(func() {
			e.mu.Lock()
			e.epoch++
			e.closed = e.closed || closing
			calls = e.calls
			e.calls = map[int64]*call{}
			e.heldBodyBytes = 0
			e.mu.Unlock()
		})
	}
	if e.loop != nil {
		done := make(chan struct{})
		if e.loop.RunOnLoop(func(*goja.Runtime) { detach(); close(done) }) {
			wait, cancel := context.WithTimeout(ctx, loopWait)
			select {
			case <-done:
			case <-wait.Done():
			}
			cancel()
		}
	}
	detach() // a no-op when the loop has done it
	return calls
}

// tracker counts transport goroutines. Unlike sync.WaitGroup it allows new work to start
// while a teardown waits (a vat may fetch again at once), waiting only for what is running.
type tracker struct {
	mu   sync.Mutex
	n    int
	zero chan struct{}
}

func (t *tracker) add() {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.zero != nil {
		close(t.zero)
		t.zero = nil
	}
	t.mu.Unlock()
}

func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	if t.zero == nil {
		t.zero = make(chan struct{})
	}
	ch := t.zero
	t.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errTornDown = errors.New("the endowment was torn down")

// settle runs fn on the loop unless the endowment was torn down since epoch: a torn-down
// vat's promises never settle.
func (e *Endowment) settle(epoch uint64, fn func(vm *goja.Runtime)) {
	e.loop.RunOnLoop(func(vm *goja.Runtime) {
		if !e.opts.Faults.lateSettlements() && e.currentEpoch() != epoch {
			return
		}
		fn(vm)
	})
}
