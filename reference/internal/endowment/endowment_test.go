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
