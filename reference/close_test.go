package reference_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/conform-suite/conform/reference"
	"github.com/dop251/goja"
)

// TestCloseRefusesEverythingAfter checks Close: a fetch in flight is aborted and never
// settles, and afterwards fetch rejects with a TypeError without the server seeing a
// request, and notify is not called; Close again succeeds.
func TestCloseRefusesEverythingAfter(t *testing.T) {
	t.Parallel()
	inFlight := make(chan struct{})
	var once sync.Once
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(inFlight) })
		<-r.Context().Done()
	}))
	var (
		mu     sync.Mutex
		events []string
	)
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Notify: func(ev reference.Event) {
		mu.Lock()
		events = append(events, ev.Method)
		mu.Unlock()
	}})
	pending := v.start(`await fetch(` + jsString(srv.URL+"/first") + `); return 'settled';`)
	waitFor(t, inFlight, "the first request reaching the server")
	if err := v.end.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mu.Lock()
	before := len(events)
	mu.Unlock()
	got := v.value(t, `try { await fetch(`+jsString(srv.URL+"/after")+`); return 'sent'; } catch (e) { return [e.name, e.message]; }`)
	if want := `["TypeError","fetch failed: the network endowment is closed (its vat was terminated)"]`; got != want {
		t.Errorf("fetch after Close returned %s, want %s", got, want)
	}
	if n := srv.hitsOf("/after"); n != 0 {
		t.Errorf("the server saw %d requests for /after, want none", n)
	}
	mu.Lock()
	if len(events) != before {
		t.Errorf("notify was called after Close: %v", events[before:])
	}
	mu.Unlock()
	select {
	case o := <-pending:
		t.Errorf("the fetch in flight at Close settled: %s", o)
	default:
	}
	if err := v.end.Close(context.Background()); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// TestCloseTakesEffectBetweenTurns checks that Close closes the endowment in its detach,
// between two turns of the loop, not before: a script that is running when Close is called
// still sees a working fetch (which teardown then aborts, never settling), rather than a
// refusal that would settle the script's promise while its vat is being terminated.
func TestCloseTakesEffectBetweenTurns(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
	blocked := make(chan struct{})
	release := make(chan struct{})
	v.loop.RunOnLoop(func(vm *goja.Runtime) {
		_ = vm.Set("block", func(goja.FunctionCall) goja.Value {
			close(blocked)
			<-release
			return goja.Undefined()
		})
	})
	pending := v.start(`block(); try { await fetch(` + jsString(srv.URL) + `); return 'settled'; } catch (e) { return e.message; }`)
	waitFor(t, blocked, "the script running")
	closed := make(chan error, 1)
	go func() { closed <- v.end.Close(context.Background()) }()
	// Close cannot detach while the script runs; give it the time to try. A slow machine can
	// only make this test pass wrongly (Close not called yet), never fail wrongly.
	time.Sleep(50 * time.Millisecond)
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	v.value(t, `return 0;`) // a turn of the loop after Close: anything queued has run
	select {
	case o := <-pending:
		t.Errorf("the script running at Close settled: %s", o)
	default:
	}
}
