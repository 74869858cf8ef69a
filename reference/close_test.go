package reference_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/conform-suite/conform/reference"
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
