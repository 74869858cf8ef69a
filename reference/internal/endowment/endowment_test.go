package endowment

import (
	"context"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
)

// TestInstallOnlyOnce: an endowment belongs to one runtime; a second Install, into the same
// or another runtime, is refused and leaves the second runtime without the globals.
func TestInstallOnlyOnce(t *testing.T) {
	end, err := New(Options{AllowedHosts: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = end.Teardown(context.Background()) })
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	t.Cleanup(loop.Terminate)
	type outcome struct {
		first, second error
		fetchInSecond string
	}
	done := make(chan outcome, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) {
		var o outcome
		o.first = end.Install(vm, loop, Globals())
		other := goja.New()
		o.second = end.Install(other, loop, Globals())
		o.fetchInSecond = "undefined"
		if fetch := other.Get("fetch"); fetch != nil {
			o.fetchInSecond = fetch.String()
		}
		done <- o
	})
	o := <-done
	if o.first != nil {
		t.Fatalf("first Install: %v", o.first)
	}
	if o.second == nil {
		t.Error("a second Install succeeded; want an error")
	}
	if o.fetchInSecond != "undefined" {
		t.Errorf("the refused runtime has fetch = %s", o.fetchInSecond)
	}
}

// TestFailedFetchesLeaveNoCall: a fetch that fails (here refused by the allowlist) forgets its
// call at once, so a vat that keeps failing does not grow the endowment's table until teardown.
func TestFailedFetchesLeaveNoCall(t *testing.T) {
	end, err := New(Options{AllowedHosts: []string{"allowed.test"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = end.Teardown(context.Background()) })
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	t.Cleanup(loop.Terminate)
	settled := make(chan string, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) {
		if err := end.Install(vm, loop, Globals()); err != nil {
			settled <- err.Error()
			return
		}
		_ = vm.Set("report", func(c goja.FunctionCall) goja.Value {
			settled <- c.Argument(0).String()
			return goja.Undefined()
		})
		_, err := vm.RunString(`
			Promise.allSettled([1, 2, 3, 4, 5].map((i) => fetch('http://denied.test/' + i)))
				.then((all) => report(all.map((r) => r.status).join(',')));
		`)
		if err != nil {
			settled <- err.Error()
		}
	})
	if got := <-settled; got != "rejected,rejected,rejected,rejected,rejected" {
		t.Fatalf("fetches to a denied host settled as %q; want five rejections", got)
	}
	end.mu.Lock()
	left := len(end.calls)
	end.mu.Unlock()
	if left != 0 {
		t.Errorf("%d calls are still tracked after every fetch failed", left)
	}
}
