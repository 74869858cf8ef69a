package inprocess

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/harness"
)

// errVatTerminated is the value a terminated vat's running code is interrupted with.
var errVatTerminated = errors.New("the vat was terminated")

// TerminateVat stops the vat for good and returns when that has completed: code that keeps
// the vat busy (never letting its loop take a turn) is interrupted, its endowment is closed (every request aborted, every body and
// upload closed, fetch refused from then on, no notify, nothing settling), and its event
// loop is stopped, so nothing of the vat runs, connects or notifies after the answer.
// Then every reference to its runtime is dropped.
//
// Results of the vat's own requests that were queued on the loop before the endowment
// closed still run as the loop stops: the reference drops them (its teardown guarantee),
// while a broken endowment's late settlement runs and is forwarded, so that the suite
// sees it (PROTOCOL.md §4.5 forbids filtering).
func (im *Implementation) TerminateVat(ctx context.Context, vatID string) error {
	im.mu.Lock()
	v, ok := im.vats[vatID]
	im.mu.Unlock()
	if !ok {
		return &harness.RPCError{Code: harness.CodeUnknownVat, Message: fmt.Sprintf("no vat %q", vatID)}
	}
	if err := v.terminate(ctx); err != nil {
		return fmt.Errorf("terminateVat %s: %w", vatID, err)
	}
	return nil
}

// loopStopGrace is how long stopping a vat's loop may take before the vat's code is
// interrupted again: code resumed by a result queued before the endowment closed can
// start another busy loop, and the loop stops only between two jobs.
const loopStopGrace = time.Second

// terminate stops v once; a second call waits for the first to finish and returns its
// outcome.
func (v *vat) terminate(ctx context.Context) error {
	v.mu.Lock()
	if v.isTerminating() {
		v.mu.Unlock()
		select {
		case <-v.stopped:
			return v.stopErr
		case <-ctx.Done():
			return fmt.Errorf("waiting for the termination in progress: %w", ctx.Err())
		}
	}
	close(v.terminating)
	loop, vm, end := v.loop, v.vm, v.endowment
	v.mu.Unlock()

	interruptIfBusy(ctx, loop, vm)
	err := end.Close(ctx)
	if err != nil {
		err = fmt.Errorf("close the endowment: %w", err)
	}
	if stopErr := stopLoop(ctx, loop, vm); stopErr != nil {
		err = errors.Join(err, stopErr)
	}

	v.mu.Lock()
	v.loop, v.vm, v.endowment, v.then, v.tasks = nil, nil, nil, nil, nil
	v.stopErr = err
	v.mu.Unlock()
	close(v.stopped)
	return err
}

// busyLoopWait is how long the vat's loop has to take a turn before the code it runs is
// taken for a busy vat's and interrupted. A busy vat (a loop that never yields) never lets
// it; an idle one takes it at once, even on a loaded machine.
const busyLoopWait = 250 * time.Millisecond

// interruptIfBusy stops the JavaScript running on loop if it keeps the loop from taking a
// turn, and returns once the loop has taken one. An idle vat is not interrupted: an
// interrupt that finds no JavaScript running stays pending and hits whatever runs next,
// such as a body chunk being delivered, which then fails with the interrupt as its error
// and can settle a promise of a vat that is being terminated.
func interruptIfBusy(ctx context.Context, loop *eventloop.EventLoop, vm *goja.Runtime) {
	turn := make(chan struct{})
	if !loop.RunOnLoop(func(vm *goja.Runtime) {
		vm.ClearInterrupt() // an interrupt sent below is spent or no longer needed
		close(turn)
	}) {
		return
	}
	wait := time.NewTimer(busyLoopWait)
	defer wait.Stop()
	select {
	case <-turn:
		return
	case <-wait.C:
	case <-ctx.Done():
	}
	vm.Interrupt(errVatTerminated)
	select {
	case <-turn:
	case <-ctx.Done():
	}
}

// stopLoop terminates loop, interrupting the vat's code again each loopStopGrace while a
// job is still running.
func stopLoop(ctx context.Context, loop *eventloop.EventLoop, vm *goja.Runtime) error {
	stopped := make(chan struct{})
	go func() {
		loop.Terminate()
		close(stopped)
	}()
	tick := time.NewTicker(loopStopGrace)
	defer tick.Stop()
	for {
		select {
		case <-stopped:
			return nil
		case <-tick.C:
			vm.Interrupt(errVatTerminated)
		case <-ctx.Done():
			vm.Interrupt(errVatTerminated)
			return fmt.Errorf("stop the event loop: %w", ctx.Err())
		}
	}
}

// Shutdown terminates every vat, as terminateVat does, and closes idle connections.
func (im *Implementation) Shutdown(ctx context.Context) error {
	im.mu.Lock()
	all := make([]*vat, 0, len(im.vats))
	for _, v := range im.vats {
		all = append(all, v)
	}
	im.closed = true
	transport := im.transport
	im.mu.Unlock()
	var errs []error
	for _, v := range all {
		if err := v.terminate(ctx); err != nil {
			errs = append(errs, fmt.Errorf("terminate vat %s: %w", v.id, err))
		}
	}
	if transport != nil {
		transport.CloseIdleConnections()
	}
	return errors.Join(errs...)
}

// TeardownVat runs the vat's endowment teardown and leaves the vat alive (protocol 1.1):
// every in-flight request and open body is closed, no promise of the endowment created
// before settles afterwards, and the vat's fetch works again, as Snaps does when a snap goes
// idle.
func (im *Implementation) TeardownVat(ctx context.Context, vatID string) error {
	v, err := im.vat(vatID)
	if err != nil {
		return err
	}
	v.mu.Lock()
	end := v.endowment
	v.mu.Unlock()
	if end == nil {
		return terminatedError(vatID)
	}
	if err := end.Teardown(ctx); err != nil {
		return fmt.Errorf("teardownVat %s: %w", vatID, err)
	}
	return nil
}
