package fuzz

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

// Target is an implementation the fuzzer runs programs in. The CLI builds them (the
// reference, a broken variant, an adapter command); this package names none.
type Target struct {
	// Name is how findings and the known-divergences file name the implementation:
	// the name its initialize answers, when it answers one, else this.
	Name string
	// New creates an instance whose HTTP goes through net's proxy.
	New func(net *mocknet.Network) (harness.Implementation, error)
	// InProcess: the implementation is cheap to start, so every confirmation and shrinking
	// run gets a fresh instance (a finding never depends on an earlier program), and it
	// offers notify by construction. An adapter's notify is found out by a probe.
	InProcess bool
}

// Timing bounds the waits of a run. Each wait ends on the event it waits for; the bounds
// are only reached when an implementation misbehaves (or, for Settle, always: it is the
// window in which late settlements are watched for).
type Timing struct {
	// Call bounds every protocol call but initialize; a program that outlasts it is a hang.
	Call time.Duration
	// Initialize bounds an implementation's start.
	Initialize time.Duration
	// Close is how soon after teardown or termination mocknet must see every connection of
	// the vat closed.
	Close time.Duration
	// Settle is how long after teardown or termination the harness watches for a promise
	// settling, a notify or a request that must not come.
	Settle time.Duration
	// Held bounds the wait for a held request (spawned) to reach mocknet.
	Held time.Duration
	// Await bounds an await step.
	Await time.Duration
}

// DefaultTiming is what conform fuzz uses unless told otherwise.
func DefaultTiming() Timing {
	return Timing{Call: 5 * time.Second, Initialize: 30 * time.Second, Close: time.Second,
		Settle: 30 * time.Millisecond, Held: 2 * time.Second, Await: 2 * time.Second}
}

// instance is one started implementation with its own mock network: programs run in it
// one at a time, so that everything mocknet sees belongs to the program running.
type instance struct {
	target   Target
	timing   Timing
	net      *mocknet.Network
	impl     harness.Implementation
	info     harness.InitializeResult
	events   *eventLog
	notifies bool
	teardown bool
	vatSeq   int
	release  *release
	// lazyCloses is set once the instance left a connection open after teardown: the
	// violation is on record, and waiting the whole Close bound after every later program
	// would only slow the run down.
	lazyCloses bool
}

// name is the implementation's name in findings.
func (in *instance) name() string {
	if in.info.Name != "" {
		return in.info.Name
	}
	return in.target.Name
}

// startInstance starts target on a fresh mock network.
func startInstance(ctx context.Context, target Target, timing Timing) (*instance, error) {
	rel := &release{ch: make(chan struct{})}
	net, err := newNetwork(rel)
	if err != nil {
		return nil, err
	}
	impl, err := target.New(net)
	if err != nil {
		_ = net.Close()
		return nil, fmt.Errorf("start %s: %w", target.Name, err)
	}
	in := &instance{target: target, timing: timing, net: net, impl: impl, events: newEventLog(), release: rel}
	ictx, cancel := context.WithTimeout(ctx, timing.Initialize)
	defer cancel()
	info, err := impl.Initialize(ictx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: net.ProxyURL()},
		Listener:        in.events,
	})
	if err != nil {
		in.close()
		return nil, fmt.Errorf("initialize %s: %w", target.Name, err)
	}
	in.info = info
	_, canTear := impl.(harness.VatTeardown)
	in.teardown = canTear && harness.OffersTeardown(info)
	in.notifies = target.InProcess
	if !target.InProcess {
		if in.notifies, err = in.probeNotify(ctx); err != nil {
			in.close()
			return nil, fmt.Errorf("probe %s: %w", target.Name, err)
		}
	}
	return in, nil
}

// probeNotify finds out whether an adapter's endowment notifies: a fetch of an allowed host
// must then have notified OutboundRequest by the time its evaluate answers.
func (in *instance) probeNotify(ctx context.Context) (bool, error) {
	if !slices.Contains(in.info.Globals, "fetch") {
		return false, nil
	}
	vat := in.nextVat()
	in.events.track(vat)
	defer in.events.forget(vat)
	cctx, cancel := context.WithTimeout(ctx, in.timing.Call)
	defer cancel()
	if err := in.impl.CreateVat(cctx, harness.CreateVatParams{VatID: vat, Globals: []string{"fetch"},
		Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}}); err != nil {
		return false, err
	}
	defer in.terminate(vat)
	res, err := in.impl.Evaluate(cctx, vat, "const r = await fetch(\"http://allowed.test/fz/res?b=probe\"); return r.status;")
	if err != nil {
		return false, err
	}
	if res.Error != nil {
		return false, fmt.Errorf("the probe's fetch of an allowed host failed: %s", res.Error.Error())
	}
	requests, _, _ := in.events.notifyCounts(vat)
	return requests > 0, nil
}

func (in *instance) nextVat() string {
	in.vatSeq++
	return "fz" + strconv.Itoa(in.vatSeq)
}

// terminate ends a vat quietly (cleanup, not a step).
func (in *instance) terminate(vat string) {
	ctx, cancel := context.WithTimeout(context.Background(), in.timing.Call)
	defer cancel()
	_ = in.impl.TerminateVat(ctx, vat)
}

// openExchanges counts the exchanges still in flight on the instance's network: an
// implementation without teardown leaves them there, and the instance is recycled before
// they pile up.
func (in *instance) openExchanges() int {
	n := 0
	for _, o := range in.net.Observations() {
		if o.Outcome == mocknet.OutcomeInFlight {
			n++
		}
	}
	return n
}

func (in *instance) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if in.impl != nil {
		_ = in.impl.Shutdown(ctx)
	}
	_ = in.net.Close()
}

// broken reports whether err means the implementation itself failed (crashed, hung, broke
// the protocol), as opposed to answering.
func broken(err error) bool {
	var rpc *harness.RPCError
	return err != nil && !errors.As(err, &rpc)
}

// newNetwork starts a mock network with the fuzz hosts and the fuzz routes on each.
func newNetwork(rel *release) (*mocknet.Network, error) {
	net, err := mocknet.New()
	if err != nil {
		return nil, fmt.Errorf("start mock network: %w", err)
	}
	for _, h := range FuzzHosts() {
		host := net.AddHost(h)
		host.HandleFunc("/fz/res", serveResponse)
		host.HandleFunc("/fz/redirect", serveRedirect)
		host.HandleFunc("/fz/hang", rel.hang)
		host.HandleFunc("/fz/drip", rel.drip)
		host.HandleFunc("/fz/upload", rel.upload)
	}
	return net, nil
}

// release ends, server side, the requests a finished program held open (/fz/hang, /fz/drip,
// /fz/upload): by then the checks are done, and an implementation without teardown would
// otherwise pile them up until its instance is replaced.
type release struct {
	mu sync.Mutex
	ch chan struct{}
}

// current is what a held request started now waits for.
func (r *release) current() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ch
}

// now releases every request held so far.
func (r *release) now() {
	r.mu.Lock()
	defer r.mu.Unlock()
	close(r.ch)
	r.ch = make(chan struct{})
}

// hang never answers, until the client closes or the program is over.
func (r *release) hang(w http.ResponseWriter, req *http.Request) {
	done := r.current()
	_, _ = io.Copy(io.Discard, req.Body)
	select {
	case <-req.Context().Done():
	case <-done:
	}
}

// drip sends headers at once, then a byte every 20 ms.
func (r *release) drip(w http.ResponseWriter, req *http.Request) {
	done := r.current()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	if req.Method == http.MethodHead {
		return // no body to drip: a handler left running would hold the connection
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := w.Write([]byte("*")); err != nil {
			return
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-req.Context().Done():
			return
		case <-done:
			return
		case <-tick.C:
		}
	}
}

// upload reads the request body to its end, then answers its size.
func (r *release) upload(w http.ResponseWriter, req *http.Request) {
	done := r.current()
	read := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(io.Discard, req.Body)
		read <- n
	}()
	select {
	case n := <-read:
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
	case <-req.Context().Done():
	case <-done:
		// A body that never ends keeps the read blocked: a read deadline in the past ends it,
		// and the connection with it.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
		<-read
	}
}

// serveResponse answers what the query asks: status s, content type ct, headers h
// ("name:value", repeatable) and body b.
func serveResponse(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := http.StatusOK
	if s, err := strconv.Atoi(q.Get("s")); err == nil && s >= 200 && s <= 599 {
		status = s
	}
	ct := q.Get("ct")
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	for _, h := range q["h"] {
		if name, value, ok := strings.Cut(h, ":"); ok && name != "" {
			w.Header().Add(name, value)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(q.Get("b")))
}

// serveRedirect answers status s with a Location header written exactly as the query's to
// gives it: the spellings a URL parser must resolve are the point.
func serveRedirect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := http.StatusFound
	if s, err := strconv.Atoi(q.Get("s")); err == nil && s >= 200 && s <= 399 {
		status = s
	}
	w.Header()["Location"] = []string{q.Get("to")}
	w.WriteHeader(status)
}
