package mocknet

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// burstSize is the storm of the reliability report: 10,000 exchanges as fast as a few
// clients can send them.
const burstSize = 10000

// burst sends n GETs through the proxy at proxyURL from 8 concurrent clients and returns
// once every answer has been read.
func burst(t *testing.T, proxyURL string, n int) {
	t.Helper()
	proxy, err := url.Parse(proxyURL)
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				res, err := client.Get("http://allowed.test/status/204")
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case jobs <- i:
		case err := <-errs:
			close(jobs)
			wg.Wait()
			t.Fatalf("request %d of the burst: %v", i, err)
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("burst: %v", err)
	default:
	}
}

// A subscriber that reads nothing until a burst of 10,000 exchanges is over still receives
// every one of them, each in its final state.
func TestSubscriberThatFallsBehindLosesNothing(t *testing.T) {
	n := newTestNetwork(t)
	updates, cancel := n.Subscribe()
	defer cancel()
	burst(t, n.ProxyURL(), burstSize)

	finished := map[uint64]bool{}
	bound := time.NewTimer(time.Minute) // a failure bound only: delivery is not timed
	defer bound.Stop()
	for len(finished) < burstSize {
		select {
		case o := <-updates:
			if o.Outcome != OutcomeInFlight {
				finished[o.Seq] = true
			}
		case <-bound.C:
			t.Fatalf("the subscriber received %d of %d finished exchanges", len(finished), burstSize)
		}
	}
	if got := len(n.Observations()); got != burstSize {
		t.Errorf("the network recorded %d exchanges, want %d", got, burstSize)
	}
}

// `conform mocknet serve` prints every finished exchange once, however slowly its output
// is read.
func TestServePrintsEveryExchangeOfABurst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ServeOptions{}, pw)
		pw.Close()
	}()
	defer func() {
		cancel()
		pr.Close() // ends a write Serve may be in, and the reader below
		if err := <-served; err != nil && !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("serve: %v", err)
		}
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "proxy: ") {
		t.Fatalf("first line %q, want the proxy address", lines.Text())
	}
	proxy := strings.TrimPrefix(lines.Text(), "proxy: ")
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "dns: 127.0.0.1:") {
		t.Fatalf("second line %q, want the DNS address", lines.Text())
	}
	// Nothing more is read until the burst is over: Serve's writes block meanwhile.
	burst(t, proxy, burstSize)

	printed := map[uint64]int{}
	type line struct {
		o   Observation
		err error
	}
	read := make(chan line)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(read)
		for lines.Scan() {
			if !strings.HasPrefix(lines.Text(), "{") {
				continue // the lines that name what Serve serves (ca: PATH), not observations
			}
			var l line
			l.err = json.Unmarshal(lines.Bytes(), &l.o)
			select {
			case read <- l:
			case <-stop:
				return
			}
		}
	}()
	bound := time.NewTimer(time.Minute) // a failure bound only: delivery is not timed
	defer bound.Stop()
	for len(printed) < burstSize {
		select {
		case l, ok := <-read:
			if !ok {
				t.Fatalf("serve's output ended after %d of %d exchanges", len(printed), burstSize)
			}
			if l.err != nil {
				t.Fatalf("serve printed a line that is not an observation: %v", l.err)
			}
			o := l.o
			if o.Outcome == OutcomeInFlight {
				t.Errorf("an in-flight exchange was printed: %v", o)
			}
			if printed[o.Seq]++; printed[o.Seq] > 1 {
				t.Errorf("exchange %d printed twice", o.Seq)
			}
		case <-bound.C:
			t.Fatalf("serve printed %d of %d exchanges", len(printed), burstSize)
		}
	}
}

// A subscriber that does not read costs one queue entry per exchange, not one per update:
// an exchange that changed hundreds of times (a body sent a byte at a time) is queued once,
// and handed over in its final state.
func TestSubscriberQueueIsBoundedByTheRecords(t *testing.T) {
	n := newTestNetwork(t)
	updates, cancel := n.Subscribe()
	defer cancel()
	const bytes = 500
	n.AddHost("allowed.test").HandleFunc("/bytewise", func(w http.ResponseWriter, _ *http.Request) {
		for range bytes {
			_, _ = w.Write([]byte{'*'}) // each write updates the exchange's record
		}
	})
	res, err := proxiedClient(n).Get("http://allowed.test/bytewise")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if len(body) != bytes {
		t.Fatalf("got %d bytes, want %d", len(body), bytes)
	}
	// The exchange finishes just after the client has its body: wait for that in the
	// journal, not on the channel (which is not read yet).
	o := waitFor(t, n, "the exchange finished", func(o Observation) bool { return o.Path == "/bytewise" && o.Outcome != OutcomeInFlight })
	if o.BytesSent != bytes {
		t.Fatalf("recorded %d bytes sent, want %d", o.BytesSent, bytes)
	}
	n.j.mu.Lock()
	var queued []int
	for _, s := range n.j.subs {
		queued = append(queued, len(s.queue))
	}
	n.j.mu.Unlock()
	for _, q := range queued {
		if q > len(n.Observations()) {
			t.Errorf("a subscriber queues %d entries for %d exchanges", q, len(n.Observations()))
		}
	}
	select {
	case got := <-updates:
		if got.Seq != o.Seq || got.Outcome == OutcomeInFlight || got.BytesSent != bytes {
			t.Errorf("handed over %v (%d bytes sent); want the exchange in its final state", got, got.BytesSent)
		}
	case <-time.After(time.Minute):
		t.Fatal("nothing handed over")
	}
}
