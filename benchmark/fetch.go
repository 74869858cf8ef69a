package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite/runner"
)

// benchRoute is the route every bench host serves: benchBodyBytes of ASCII text with a
// Content-Length, so text() decodes the same thing in every implementation and the
// response is one write.
const (
	benchRoute     = "/conform-bench/body"
	benchBodyBytes = 1024
)

// benchHosts are the virtual hosts the concurrent load spreads its fetches over: with 32
// in flight, 8 hosts keep each under a browser's 6 connections per host.
func benchHosts() []string {
	return []string{"allowed.test", "a.allowed.test", "other.test",
		"b.allowed.test", "c.allowed.test", "d.allowed.test", "e.allowed.test", "f.allowed.test"}
}

// FetchOptions are the loads of Fetch ('conform bench --workload fetch').
type FetchOptions struct {
	Runs               int // measured runs of each load (after one warm-up run)
	SequentialRequests int
	ConcurrentRequests int
	Concurrency        int
	CallTimeout        time.Duration
	InitializeTimeout  time.Duration
	Progress           io.Writer // one line per measured run; nil for none
}

// benchLoad is one load: how many fetches, how many at once, over which URLs.
type benchLoad struct {
	name        string
	requests    int
	concurrency int
	urls        []string
}

// sequentialProgram and concurrentProgram are the vat's side of the loads, in the plain
// ES2020 every implementation runs; each returns the number of characters it read, which
// the bench checks, so a fetch that silently returned nothing cannot pass for a fast one.
const sequentialProgram = `let chars = 0;
for (let i = 0; i < params.requests; i++) {
  const text = await fetch(params.urls[0]).then(r => r.text());
  chars += text.length;
}
return chars;`

const concurrentProgram = `let next = 0, chars = 0;
async function worker() {
  while (next < params.requests) {
    const i = next++;
    // Read chars only after the await: "chars += await …" would read it before, and the
    // workers would overwrite each other's sums.
    const text = await fetch(params.urls[i % params.urls.length]).then(r => r.text());
    chars += text.length;
  }
}
const workers = [];
for (let w = 0; w < params.concurrency; w++) workers.push(worker());
await Promise.all(workers);
return chars;`

// Fetch measures the fetch throughput of target and of a plain Go HTTP client (the
// baseline) through one mock network, interleaving their runs so that the machine's
// noise falls on both alike. Every run checks that each fetch read the whole body and that
// the mock network served exactly the load's fetches, so a fetch that silently returned
// nothing cannot pass for a fast one.
func Fetch(ctx context.Context, target runner.Target, opts FetchOptions) (*reports.Throughput, error) {
	net, err := mocknet.New()
	if err != nil {
		return nil, fmt.Errorf("start mock network: %w", err)
	}
	defer net.Close()
	body := bytes.Repeat([]byte("conform-bench-01"), benchBodyBytes/16)
	var urls []string
	for _, name := range benchHosts() {
		net.AddHost(name).HandleFunc("GET "+benchRoute, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			_, _ = w.Write(body)
		})
		urls = append(urls, "http://"+name+benchRoute)
	}
	loads := []benchLoad{
		{name: "sequential", requests: opts.SequentialRequests, concurrency: 1, urls: urls[:1]},
		{name: "concurrent", requests: opts.ConcurrentRequests, concurrency: opts.Concurrency, urls: urls},
	}

	vat, info, stop, err := startBenchVat(ctx, target, net, opts)
	if err != nil {
		return nil, err
	}
	defer stop()
	baseline := newBaselineClient(net.ProxyURL(), 2*opts.Concurrency)
	defer baseline.CloseIdleConnections()

	out := &reports.Throughput{
		SchemaVersion: reports.ThroughputSchemaVersion,
		Implementation: reports.Implementation{Name: info.Name, Version: info.Version, Adapter: target.Adapter,
			Globals: info.Globals, Features: info.Features},
		MeasuredAt: time.Now().UTC(),
		Machine:    fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Runs:       opts.Runs,
		BodyBytes:  len(body),
	}
	for _, load := range loads {
		if load.requests < 1 || load.concurrency < 1 {
			return nil, fmt.Errorf("load %s: requests and concurrency must be at least 1", load.name)
		}
		// One warm-up run of each: connections, JIT, the adapter's first vat work.
		warm := load
		warm.requests = min(load.requests, max(32, 4*load.concurrency))
		if _, err := vat.run(ctx, net, warm); err != nil {
			return nil, err
		}
		if _, err := runBaseline(ctx, net, baseline, warm, opts.CallTimeout); err != nil {
			return nil, err
		}
		var impl, base []time.Duration
		for i := 0; i < opts.Runs; i++ {
			d, err := runBaseline(ctx, net, baseline, load, opts.CallTimeout)
			if err != nil {
				return nil, err
			}
			base = append(base, d)
			d, err = vat.run(ctx, net, load)
			if err != nil {
				return nil, err
			}
			impl = append(impl, d)
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "%s run %d/%d: implementation %.0f req/s, baseline %.0f req/s\n",
					load.name, i+1, opts.Runs, perSecond(load.requests, impl[i]), perSecond(load.requests, base[i]))
			}
		}
		// The ratio is the median of each run's ratio: a run of the implementation and the
		// baseline's run just before it share the machine's load of that moment, which on a
		// shared machine drifts more from run to run than either figure does.
		var ratios []float64
		for i := range impl {
			ratios = append(ratios, float64(impl[i])/float64(base[i]))
		}
		slices.Sort(ratios)
		out.Loads = append(out.Loads, reports.Load{
			Name: load.name, Requests: load.requests, Concurrency: load.concurrency, Hosts: len(load.urls),
			Implementation: loadFigures(load, impl), Baseline: loadFigures(load, base),
			CostRatio: roundTo(ratios[len(ratios)/2], 2),
		})
	}
	return out, nil
}

func perSecond(requests int, d time.Duration) float64 { return float64(requests) / d.Seconds() }

// loadFigures reduces the wall times of the runs of one load to their median.
func loadFigures(load benchLoad, walls []time.Duration) reports.LoadFigures {
	var f reports.LoadFigures
	for _, d := range walls {
		f.Samples = append(f.Samples, roundTo(perSecond(load.requests, d), 1))
	}
	mid := median(walls)
	f.RequestsPerSecond = roundTo(perSecond(load.requests, mid), 1)
	f.PerFetch = (mid * time.Duration(load.concurrency) / time.Duration(load.requests)).Round(time.Microsecond)
	return f
}

func roundTo(x float64, decimals int) float64 {
	p := 1.0
	for range decimals {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// benchVat is the one vat every run of the implementation uses.
type benchVat struct {
	impl harness.Implementation
	id   string
	// runTimeout bounds one run of a load: the in-process reference has no call timeout
	// of its own, and a bench must end even when an implementation hangs.
	runTimeout time.Duration
}

// startBenchVat starts the implementation as 'conform run' would and creates the vat,
// allowed every bench host. stop shuts the implementation down.
func startBenchVat(ctx context.Context, target runner.Target, net *mocknet.Network, opts FetchOptions) (*benchVat, harness.InitializeResult, func(), error) {
	impl, err := target.New(net, runner.Timeouts{Call: opts.CallTimeout, Initialize: 30 * time.Second})
	if err != nil {
		return nil, harness.InitializeResult{}, nil, fmt.Errorf("start implementation %s: %w", target.Name, err)
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = impl.Shutdown(sctx)
	}
	ictx, cancel := context.WithTimeout(ctx, opts.InitializeTimeout)
	defer cancel()
	info, err := impl.Initialize(ictx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: net.ProxyURL(), CA: string(net.CertificateAuthority())},
		Listener:        discardListener{},
	})
	if err != nil {
		stop()
		return nil, info, nil, fmt.Errorf("initialize implementation %s: %w", target.Name, err)
	}
	vat := &benchVat{impl: impl, id: "bench", runTimeout: opts.CallTimeout}
	err = impl.CreateVat(ctx, harness.CreateVatParams{VatID: vat.id, Globals: []string{"fetch"},
		Network: &harness.VatNetwork{AllowedHosts: benchHosts()}})
	if err != nil {
		stop()
		return nil, info, nil, fmt.Errorf("create the bench vat in %s: %w", target.Name, err)
	}
	return vat, info, stop, nil
}

// run evaluates the load's program in the vat and returns its wall time, after checking
// that every fetch read the whole body and that mocknet served every one of them.
func (v *benchVat) run(ctx context.Context, net *mocknet.Network, load benchLoad) (time.Duration, error) {
	program := sequentialProgram
	if load.concurrency > 1 {
		program = concurrentProgram
	}
	params, err := json.Marshal(map[string]any{"requests": load.requests, "concurrency": load.concurrency, "urls": load.urls})
	if err != nil {
		return 0, err
	}
	source := "const params = " + string(params) + ";\n" + program
	ctx, cancel := context.WithTimeout(ctx, v.runTimeout)
	defer cancel()
	seq := net.LastSeq()
	start := time.Now()
	res, err := v.impl.Evaluate(ctx, v.id, source)
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s load: evaluate: %w", load.name, err)
	}
	if res.Error != nil {
		return 0, fmt.Errorf("%s load: the vat's program threw %s: %s", load.name, reports.TerminalText(res.Error.Name), reports.TerminalText(res.Error.Message))
	}
	var chars int
	if err := json.Unmarshal(res.Value, &chars); err != nil {
		return 0, fmt.Errorf("%s load: the vat's program returned %s, want a number of characters", load.name, reports.TerminalText(string(res.Value)))
	}
	if want := load.requests * benchBodyBytes; chars != want {
		return 0, fmt.Errorf("%s load: the vat read %d characters in %d fetches, want %d", load.name, chars, load.requests, want)
	}
	if err := checkServed(ctx, net, seq, load); err != nil {
		return 0, err
	}
	return wall, nil
}

// checkServed waits until mocknet has recorded the load's exchanges as completed (a
// record is filed when the handler returns, which may come just after the client has
// read the body) and fails if any exchange went elsewhere or ended otherwise.
func checkServed(ctx context.Context, net *mocknet.Network, since uint64, load benchLoad) error {
	updates, unsubscribe := net.Subscribe()
	defer unsubscribe()
	wait := time.NewTimer(30 * time.Second)
	defer wait.Stop()
	for {
		completed, odd := 0, []string(nil)
		for _, o := range net.Since(since) {
			switch {
			case o.Path == benchRoute && o.Outcome == mocknet.OutcomeCompleted:
				completed++
			case o.Path == benchRoute && o.Outcome == mocknet.OutcomeInFlight:
			default:
				odd = append(odd, o.String())
			}
		}
		switch {
		case len(odd) > 0:
			return fmt.Errorf("%s load: mocknet saw %d exchanges other than complete fetches of the body, e.g. %s", load.name, len(odd), odd[0])
		case completed > load.requests:
			return fmt.Errorf("%s load: mocknet served %d fetches of the body, want %d", load.name, completed, load.requests)
		case completed == load.requests:
			return nil
		}
		select {
		case <-updates:
		case <-wait.C:
			return fmt.Errorf("%s load: after 30 s mocknet has recorded %d of %d fetches as completed", load.name, completed, load.requests)
		case <-ctx.Done():
			return fmt.Errorf("%s load: %w", load.name, ctx.Err())
		}
	}
}

// newBaselineClient is a plain Go HTTP client through the mock network's proxy, keeping
// enough idle connections that the concurrent load reuses them as a browser or undici would.
func newBaselineClient(proxy string, idle int) *http.Client {
	p, _ := url.Parse(proxy)
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(p), MaxIdleConns: idle, MaxIdleConnsPerHost: idle}}
}

// runBaseline does the load with the Go client: concurrency goroutines taking the next
// request in turn, each a GET whose body is read whole.
func runBaseline(ctx context.Context, net *mocknet.Network, client *http.Client, load benchLoad, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	seq := net.LastSeq()
	var next atomic.Int64
	var chars atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range load.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= load.requests {
					return
				}
				n, err := baselineFetch(ctx, client, load.urls[i%len(load.urls)])
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				chars.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		return 0, fmt.Errorf("%s load: baseline: %w", load.name, firstErr)
	}
	if want := int64(load.requests * benchBodyBytes); chars.Load() != want {
		return 0, fmt.Errorf("%s load: baseline read %d bytes, want %d", load.name, chars.Load(), want)
	}
	if err := checkServed(ctx, net, seq, load); err != nil {
		return 0, fmt.Errorf("baseline: %w", err)
	}
	return wall, nil
}

func baselineFetch(ctx context.Context, client *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return len(data), nil
}

// discardListener drops the implementation's events: the bench measures fetches, and
// what the vat reads is checked from its result and from mocknet.
type discardListener struct{}

func (discardListener) Notify(harness.NotifyEvent)           {}
func (discardListener) Log(harness.LogEvent)                 {}
func (discardListener) TaskSettled(harness.TaskSettledEvent) {}

// PrintThroughput prints the figures as a table.
func PrintThroughput(w io.Writer, t *reports.Throughput) {
	fmt.Fprintf(w, "\n%s %s (%s), %d-byte body, median of %d runs\n", reports.TerminalText(t.Implementation.Name),
		reports.TerminalText(t.Implementation.Version), t.Machine, t.BodyBytes, t.Runs)
	var b strings.Builder
	fmt.Fprintf(&b, "%-11s %8s %9s %6s  %10s %12s %10s  %10s %12s %10s  %s\n", "load", "requests", "in flight", "hosts",
		"impl req/s", "(runs' range)", "per fetch", "Go req/s", "(runs' range)", "per fetch", "cost vs Go client")
	for _, l := range t.Loads {
		fmt.Fprintf(&b, "%-11s %8d %9d %6d  %10.0f %12s %10s  %10.0f %12s %10s  %.1f×\n", l.Name, l.Requests, l.Concurrency, l.Hosts,
			l.Implementation.RequestsPerSecond, sampleRange(l.Implementation.Samples), l.Implementation.PerFetch,
			l.Baseline.RequestsPerSecond, sampleRange(l.Baseline.Samples), l.Baseline.PerFetch, l.CostRatio)
	}
	fmt.Fprint(w, b.String())
	fmt.Fprintln(w, "A wide range means a noisy machine: compare cost ratios, measured against a baseline run just before each run.")
}

// sampleRange is the lowest and highest of the runs' figures, "(min–max)": how noisy the
// machine was while they were measured.
func sampleRange(samples []float64) string {
	if len(samples) == 0 {
		return ""
	}
	return fmt.Sprintf("(%.0f–%.0f)", slices.Min(samples), slices.Max(samples))
}
