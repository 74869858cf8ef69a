package endowment

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

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

// TestLimitDefaults: a limit left at 0 (or negative) takes its documented default, and any
// positive value, 1 included, is kept as given.
func TestLimitDefaults(t *testing.T) {
	defaults, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := defaults.opts
	if got.MaxResponseBytes != 64<<20 || got.MaxResponseHeaders != 1000 || got.MaxConcurrentFetches != 256 || got.MaxHeldBodyBytes != 256<<20 {
		t.Errorf("defaults: bytes %d, headers %d, fetches %d, held %d; want 64 MiB, 1000, 256, 256 MiB",
			got.MaxResponseBytes, got.MaxResponseHeaders, got.MaxConcurrentFetches, got.MaxHeldBodyBytes)
	}
	ones, err := New(Options{MaxResponseBytes: 1, MaxResponseHeaders: 1, MaxConcurrentFetches: 1, MaxHeldBodyBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	got = ones.opts
	if got.MaxResponseBytes != 1 || got.MaxResponseHeaders != 1 || got.MaxConcurrentFetches != 1 || got.MaxHeldBodyBytes != 1 {
		t.Errorf("limits of 1 became: bytes %d, headers %d, fetches %d, held %d",
			got.MaxResponseBytes, got.MaxResponseHeaders, got.MaxConcurrentFetches, got.MaxHeldBodyBytes)
	}
}

// TestNoNotifyAfterTeardown: a fetch in flight when the vat is torn down reports its
// OutboundRequest, and nothing after: teardown (without Close) is enough to silence it.
func TestNoNotifyAfterTeardown(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	var (
		mu     sync.Mutex
		events []string
	)
	end, err := New(Options{AllowedHosts: []string{"127.0.0.1"}, Notify: func(ev Event) {
		mu.Lock()
		events = append(events, ev.Method)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	t.Cleanup(loop.Terminate)
	started := make(chan error, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) {
		if err := end.Install(vm, loop, Globals()); err != nil {
			started <- err
			return
		}
		_, err := vm.RunString(`fetch(` + strconv.Quote(srv.URL+"/hang") + `).catch(() => {});`)
		started <- err
	})
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	<-arrived
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := end.Teardown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(events, []string{"OutboundRequest"}) {
		t.Errorf("notify calls = %v; want only the OutboundRequest made before teardown", events)
	}
}
