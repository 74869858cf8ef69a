package reference_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/reference"
)

// fetchBodySizes are the bodies the fetch benchmarks read: a small API answer and one
// that takes several reads.
var fetchBodySizes = []struct {
	name  string
	bytes int
}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

// benchConcurrency is how many fetches the concurrent benchmarks keep in flight from one
// vat, and how many goroutines the Go baseline uses.
const benchConcurrency = 32

// newBodyServer serves size bytes of ASCII text with a Content-Length on loopback.
func newBodyServer(b *testing.B, size int) *httptest.Server {
	b.Helper()
	body := []byte(strings.Repeat("conform-bench-01", size/16))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// newBaselineClient is the plain Go client the fetch benchmarks compare with, keeping
// enough idle connections for the concurrent load.
func newBaselineClient(b *testing.B) *http.Client {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * benchConcurrency}}
	b.Cleanup(client.CloseIdleConnections)
	return client
}

// baselineFetches does n GETs of url with the Go client, concurrency at a time, each body
// read whole, and returns the bytes read.
func baselineFetches(b *testing.B, client *http.Client, url string, n, concurrency int) int {
	var (
		next, total atomic.Int64
		wg          sync.WaitGroup
		failure     atomic.Value
	)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				res, err := client.Get(url)
				if err != nil {
					failure.Store(err)
					return
				}
				body, err := io.ReadAll(res.Body)
				_ = res.Body.Close()
				if err != nil {
					failure.Store(err)
					return
				}
				total.Add(int64(len(body)))
			}
		}()
	}
	wg.Wait()
	if err, ok := failure.Load().(error); ok {
		b.Fatalf("baseline GET %s: %v", url, err)
	}
	return int(total.Load())
}

// fetchLoadProgram defines fetchLoad(url, n, concurrency) in the vat: n fetches of url,
// concurrency in flight at once, each read with text(); it returns the characters read.
const fetchLoadProgram = `globalThis.fetchLoad = async (url, n, concurrency) => {
  let next = 0, chars = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const text = await fetch(url).then((r) => r.text());
      chars += text.length;
    }
  };
  const workers = [];
  for (let w = 0; w < concurrency; w++) workers.push(worker());
  await Promise.all(workers);
  return chars;
};`

// newFetchVat is a vat allowed 127.0.0.1 with fetchLoad defined.
func newFetchVat(b *testing.B) *vat {
	v := newVat(b, reference.Options{AllowedHosts: []string{"127.0.0.1"}})
	v.value(b, fetchLoadProgram)
	return v
}

// vatFetches runs fetchLoad in v and checks that every body was read whole.
func vatFetches(b *testing.B, v *vat, url string, n, concurrency, size int) {
	got := v.value(b, fmt.Sprintf("return await fetchLoad(%s, %d, %d);", jsString(url), n, concurrency))
	if want := strconv.Itoa(n * size); got != want {
		b.Fatalf("the vat read %s characters in %d fetches, want %s", got, n, want)
	}
}

// BenchmarkFetchText measures fetch(url).then(r => r.text()) from one vat, from the call
// to the text settling, one at a time and with 32 in flight, against a plain Go
// http.Client doing the same GETs in the same run. ns/op is the reference's wall time per
// fetch (with 32 in flight: the inverse of its throughput), go-ns/op the client's, and
// x_go their ratio. The two run in turns of chunk fetches, so a machine whose load
// drifts weighs on both alike.
func BenchmarkFetchText(b *testing.B) {
	for _, size := range fetchBodySizes {
		for _, mode := range []struct {
			name               string
			concurrency, chunk int
		}{{"sequential", 1, 50}, {"concurrent", benchConcurrency, 8 * benchConcurrency}} {
			b.Run(size.name+"/"+mode.name, func(b *testing.B) {
				srv := newBodyServer(b, size.bytes)
				url := srv.URL + "/"
				client := newBaselineClient(b)
				v := newFetchVat(b)
				// Warm both up: connections, the vat's compiled code.
				vatFetches(b, v, url, mode.chunk, mode.concurrency, size.bytes)
				baselineFetches(b, client, url, mode.chunk, mode.concurrency)
				var vatTime, goTime time.Duration
				b.ReportAllocs()
				b.ResetTimer()
				for done := 0; done < b.N; {
					n := min(mode.chunk, b.N-done)
					start := time.Now()
					vatFetches(b, v, url, n, mode.concurrency, size.bytes)
					vatTime += time.Since(start)
					b.StopTimer()
					start = time.Now()
					if got := baselineFetches(b, client, url, n, mode.concurrency); got != n*size.bytes {
						b.Fatalf("the baseline read %d bytes in %d GETs", got, n)
					}
					goTime += time.Since(start)
					b.StartTimer()
					done += n
				}
				b.ReportMetric(float64(goTime.Nanoseconds())/float64(b.N), "go-ns/op")
				b.ReportMetric(float64(vatTime)/float64(goTime), "x_go")
			})
		}
	}
}

// BenchmarkFetchManyInOneVat does 3,000 sequential fetches of 1 KiB in one vat per op and
// reports how much slower its last 500 were than its first 500 (late/early), and the heap
// that stayed reachable per fetch between them (live-B/fetch): a vat that keeps something
// per fetch grows and gets slower the longer it lives. The first is a timing, noisy on a
// loaded machine; the second is not.
func BenchmarkFetchManyInOneVat(b *testing.B) {
	const total, window = 3000, 500
	srv := newBodyServer(b, 1<<10)
	url := srv.URL + "/"
	var early, late time.Duration
	var grown int64
	for b.Loop() {
		v := newFetchVat(b)
		var afterFirst uint64
		for i := 0; i < total; i += window {
			start := time.Now()
			vatFetches(b, v, url, window, 1, 1<<10)
			took := time.Since(start)
			switch i {
			case 0:
				early += took
				b.StopTimer()
				afterFirst = liveHeapBytes()
				b.StartTimer()
			case total - window:
				late += took
				b.StopTimer()
				grown += int64(liveHeapBytes()) - int64(afterFirst)
				b.StartTimer()
			}
		}
	}
	b.ReportMetric(float64(late)/float64(early), "late/early")
	b.ReportMetric(float64(grown)/float64(b.N*(total-window)), "live-B/fetch")
}

// BenchmarkNewInstall measures creating a vat as a host does: an endowment, a runtime on
// its own event loop, and the globals installed (every one, or fetch alone as most vats
// get). live-B/vat is the heap each vat keeps while it exists, measured over 64 vats kept
// alive together.
func BenchmarkNewInstall(b *testing.B) {
	for _, set := range []struct {
		name    string
		globals []string
	}{{"all", reference.Globals()}, {"fetch", []string{"fetch"}}} {
		b.Run("globals="+set.name, func(b *testing.B) {
			newVatRuntime := func() *eventloop.EventLoop {
				end, err := reference.New(reference.Options{AllowedHosts: []string{"127.0.0.1"}})
				if err != nil {
					b.Fatal(err)
				}
				loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
				var installErr error
				loop.Run(func(vm *goja.Runtime) { installErr = end.Install(vm, loop, set.globals) })
				if installErr != nil {
					b.Fatal(installErr)
				}
				return loop
			}
			b.ReportAllocs()
			for b.Loop() {
				newVatRuntime()
			}
			b.StopTimer()
			const kept = 64
			vats := make([]*eventloop.EventLoop, 0, kept)
			before := liveHeapBytes()
			for range kept {
				vats = append(vats, newVatRuntime())
			}
			after := liveHeapBytes()
			runtime.KeepAlive(vats)
			b.ReportMetric(float64(int64(after)-int64(before))/kept, "live-B/vat")
		})
	}
}

// liveHeapBytes is the heap still reachable after two collections.
func liveHeapBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkHeaders measures JS constructing, filling and iterating a Headers object.
func BenchmarkHeaders(b *testing.B) {
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	end, err := reference.New(reference.Options{AllowedHosts: []string{}})
	if err != nil {
		b.Fatal(err)
	}
	var fn goja.Callable
	loop.Run(func(vm *goja.Runtime) {
		if err := end.Install(vm, loop, []string{"Headers"}); err != nil {
			b.Fatal(err)
		}
		v, err := vm.RunString(`(function () {
			const h = new Headers({'Content-Type': 'text/plain', Accept: '*/*'});
			h.append('X-A', '1');
			h.append('x-a', '2');
			h.set('Cache-Control', 'no-cache');
			let n = 0;
			for (const [k, v] of h) n += k.length + v.length;
			return n;
		})`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ = goja.AssertFunction(v)
	})
	b.ReportAllocs()
	loop.Run(func(vm *goja.Runtime) {
		for b.Loop() {
			if _, err := fn(goja.Undefined()); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := end.Teardown(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkHeadersIteration measures iterating, to the end, a Headers holding n distinct
// names (a response with many headers): each step of the iterator must not redo the work
// of sorting and combining the whole list.
func BenchmarkHeadersIteration(b *testing.B) {
	for _, n := range []int{100, 400, 800} {
		b.Run(fmt.Sprintf("headers=%d", n), func(b *testing.B) {
			loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
			end, err := reference.New(reference.Options{AllowedHosts: []string{}})
			if err != nil {
				b.Fatal(err)
			}
			var iterate goja.Callable
			loop.Run(func(vm *goja.Runtime) {
				if err := end.Install(vm, loop, []string{"Headers"}); err != nil {
					b.Fatal(err)
				}
				v, err := vm.RunString(fmt.Sprintf(`(function () {
					const pairs = [];
					for (let i = %d - 1; i >= 0; i--) pairs.push(['x-header-' + i, 'value ' + i]);
					const h = new Headers(pairs);
					return function () {
						// A write between iterations makes each one sort and combine again.
						h.set('x-header-0', 'value 0');
						let n = 0;
						for (const [k, v] of h) n += k.length + v.length;
						return n;
					};
				})()`, n))
				if err != nil {
					b.Fatal(err)
				}
				iterate, _ = goja.AssertFunction(v)
			})
			b.ReportAllocs()
			loop.Run(func(vm *goja.Runtime) {
				for b.Loop() {
					if _, err := iterate(goja.Undefined()); err != nil {
						b.Fatal(err)
					}
				}
			})
			if err := end.Teardown(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}
