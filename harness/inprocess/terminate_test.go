package inprocess_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reference"
)

// eventLog records every event the implementation sends, per vat, and signals the first.
type eventLog struct {
	mu     sync.Mutex
	counts map[string]int // vatID → events of any kind
	first  chan struct{}
	once   sync.Once
}

func newEventLog() *eventLog { return &eventLog{counts: map[string]int{}, first: make(chan struct{})} }

func (l *eventLog) add(vatID string) {
	l.mu.Lock()
	l.counts[vatID]++
	l.mu.Unlock()
	l.once.Do(func() { close(l.first) })
}
func (l *eventLog) Notify(ev harness.NotifyEvent)           { l.add(ev.VatID) }
func (l *eventLog) Log(ev harness.LogEvent)                 { l.add(ev.VatID) }
func (l *eventLog) TaskSettled(ev harness.TaskSettledEvent) { l.add(ev.VatID) }
func (l *eventLog) count(vatID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[vatID]
}

// quietWindow is how long a terminated vat is watched for activity. Silence in it cannot
// be proved by an event; a vat that is still running shows itself in a few milliseconds
// (the programs below fetch and log continuously), so a slow machine can only make the
// test pass wrongly, never fail wrongly.
const quietWindow = 500 * time.Millisecond

// countingTransport counts the requests the endowments start, at the moment they start:
// unlike what the mock network records (a request written just before teardown can be
// read by the proxy just after the answer), it orders each request with terminateVat.
type countingTransport struct {
	next    http.RoundTripper
	started atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.started.Add(1)
	return c.next.RoundTrip(r)
}

// TestTerminatedVatStopsRunning runs programs that keep the vat busy (fetching and logging
// without ever yielding to the event loop, or in an endless chain of fetches) and checks
// that after terminateVat answers, the vat starts no request and emits no event, and that
// the mock network sees no more requests than were started before the answer.
func TestTerminatedVatStopsRunning(t *testing.T) {
	programs := map[string]string{
		"a synchronous busy loop that fetches": `let i = 0;
			for (;;) {
				if (++i % 20000 === 0) { fetch('http://allowed.test/get').catch(() => {}); console.log('tick'); }
			}`,
		"an endless chain of fetches": `for (;;) {
				try { const r = await fetch('http://allowed.test/get'); await r.text(); } catch (e) {}
				console.log('tick');
			}`,
		"a microtask loop that never yields to the event loop": `let i = 0;
			for (;;) {
				await null;
				if (++i % 20000 === 0) { fetch('http://allowed.test/get').catch(() => {}); console.log('tick'); }
			}`,
	}
	for name, program := range programs {
		t.Run(name, func(t *testing.T) {
			network, err := mocknet.New(mocknet.WithHosts("allowed.test"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = network.Close() })
			events := newEventLog()
			counter := &countingTransport{}
			impl := inprocess.New(inprocess.Options{PrepareClient: func(c *http.Client) error {
				counter.next = c.Transport
				c.Transport = counter
				return nil
			}})
			if _, err := impl.Initialize(ctxFor(t), harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
				Network: harness.NetworkConfig{Proxy: network.ProxyURL()}, Listener: events}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = impl.Shutdown(context.Background()) })
			if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "busy", Globals: []string{"fetch"},
				Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}}); err != nil {
				t.Fatal(err)
			}
			observed, stop := network.Subscribe()
			defer stop()
			if err := impl.Start(ctxFor(t), "busy", "loop", program); err != nil {
				t.Fatal(err)
			}
			select {
			case <-observed:
			case <-ctxFor(t).Done():
				t.Fatal("the program never reached the network")
			}
			select {
			case <-events.first:
			case <-ctxFor(t).Done():
				t.Fatal("the program never logged")
			}

			if err := impl.TerminateVat(ctxFor(t), "busy"); err != nil {
				t.Fatalf("terminateVat: %v", err)
			}
			started, emitted := counter.started.Load(), events.count("busy")
			time.Sleep(quietWindow)
			if n := counter.started.Load() - started; n > 0 {
				t.Errorf("the vat started %d requests after terminateVat answered", n)
			}
			if n := events.count("busy") - emitted; n > 0 {
				t.Errorf("%d events were emitted for the vat after terminateVat answered", n)
			}
			if seen := len(network.Observations()); int64(seen) > started {
				t.Errorf("the mock network saw %d requests, but only %d were started before terminateVat answered", seen, started)
			}
		})
	}
}

// TestTerminatedVatsReleaseTheirMemory creates and terminates many vats and checks that the
// heap, after a collection, has not kept them: a vat's runtime is dropped at terminateVat,
// not at shutdown.
func TestTerminatedVatsReleaseTheirMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 300 vats")
	}
	const vats = 300
	impl, _ := newImpl(t)
	defer impl.Shutdown(ctxFor(t))
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// One context for the whole loop: a context per call would stay alive (with its timer)
	// until the test's cleanup and be counted.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	before := heap()
	for i := range vats {
		id := fmt.Sprintf("v%d", i)
		if err := impl.CreateVat(ctx, harness.CreateVatParams{VatID: id, Globals: reference.Globals(),
			Network: &harness.VatNetwork{AllowedHosts: []string{}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := impl.Evaluate(ctx, id, "return [...new Headers({a: '1'})].length;"); err != nil {
			t.Fatal(err)
		}
		if err := impl.TerminateVat(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	grown := int64(heap()) - int64(before)
	t.Logf("heap after creating and terminating %d vats: %+d KiB (%.1f KiB a vat)", vats, grown/1024, float64(grown)/1024/vats)
	// A vat kept until shutdown holds about 450 KiB; what a terminated vat may keep (its id and an empty record) is under 2 KiB.
	if limit := int64(vats * 2 << 10); grown > limit {
		t.Errorf("the heap grew by %d KiB for %d terminated vats, more than %d KiB: terminated vats are kept", grown/1024, vats, limit/1024)
	}
}

// TestTerminatedIdleVatSettlesNothing terminates vats that wait for the chunks of a body,
// at the moment the mock network sends one: the read pending at termination must never
// settle, in particular not with the interrupt meant for busy vats, which the chunk's
// delivery would pick up as its error if the interrupt found the vat idle. Terminating on
// the event that also delivers a chunk makes that race likely; each vat is one more
// chance to lose it.
func TestTerminatedIdleVatSettlesNothing(t *testing.T) {
	network, err := mocknet.New(mocknet.WithHosts("allowed.test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = network.Close() })
	events := &settlements{}
	impl := inprocess.New(inprocess.Options{})
	if _, err := impl.Initialize(ctxFor(t), harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
		Network: harness.NetworkConfig{Proxy: network.ProxyURL()}, Listener: events}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = impl.Shutdown(context.Background()) })
	observed, stop := network.Subscribe()
	defer stop()
	const vats = 20
	for i := range vats {
		id := fmt.Sprintf("reader-%d", i)
		if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: id, Globals: []string{"fetch"},
			Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}}); err != nil {
			t.Fatal(err)
		}
		query := fmt.Sprintf("numbytes=4&duration=0.4&delay=0&vat=%d", i)
		if err := impl.Start(ctxFor(t), id, "read", `const r = await fetch('http://allowed.test/drip?`+query+`');
			return (await r.arrayBuffer()).byteLength;`); err != nil {
			t.Fatal(err)
		}
	streaming:
		for {
			select {
			case o := <-observed:
				if o.RawQuery == query && o.BytesSent > 0 {
					break streaming
				}
			case <-ctxFor(t).Done():
				t.Fatalf("vat %s: the body never started streaming", id)
			}
		}
		if err := impl.TerminateVat(ctxFor(t), id); err != nil {
			t.Fatalf("terminateVat %s: %v", id, err)
		}
	}
	time.Sleep(quietWindow)
	if s := events.all(); len(s) > 0 {
		t.Errorf("%d of %d tasks reading a body at termination settled, the first %s: %+v", len(s), vats, s[0].Status, s[0].Error)
	}
}

// settlements records taskSettled events.
type settlements struct {
	mu      sync.Mutex
	settled []harness.TaskSettledEvent
}

func (s *settlements) Notify(harness.NotifyEvent) {}
func (s *settlements) Log(harness.LogEvent)       {}
func (s *settlements) TaskSettled(ev harness.TaskSettledEvent) {
	s.mu.Lock()
	s.settled = append(s.settled, ev)
	s.mu.Unlock()
}
func (s *settlements) all() []harness.TaskSettledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]harness.TaskSettledEvent(nil), s.settled...)
}
