package reference_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/reference"
)

// benchBody is the small body the round-trip benchmarks fetch.
const benchBody = "hello, benchmark"

func newBenchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, benchBody)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkNewInstall measures creating an endowment and installing every global into a
// fresh runtime.
func BenchmarkNewInstall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		end, err := reference.New(reference.Options{AllowedHosts: []string{"127.0.0.1"}})
		if err != nil {
			b.Fatal(err)
		}
		loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
		var err2 error
		loop.Run(func(vm *goja.Runtime) { err2 = end.Install(vm, loop, reference.Globals()) })
		if err2 != nil {
			b.Fatal(err2)
		}
	}
}

// BenchmarkFetchRoundTrip measures fetch and text() of a small body from a loopback server,
// from the script's call to its promise settling on the event loop.
func BenchmarkFetchRoundTrip(b *testing.B) {
	srv := newBenchServer(b)
	v := newVat(b, reference.Options{AllowedHosts: []string{"127.0.0.1"}})
	src := `const r = await fetch(` + jsString(srv.URL+"/") + `); return await r.text();`
	want := jsString(benchBody)
	b.ReportAllocs()
	for b.Loop() {
		if got := v.value(b, src); got != want {
			b.Fatalf("fetch returned %s, want %s", got, want)
		}
	}
}

// BenchmarkBaselineHTTPClient is the same GET with a plain Go http.Client, for the ratio
// fetch/baseline.
func BenchmarkBaselineHTTPClient(b *testing.B) {
	srv := newBenchServer(b)
	client := &http.Client{Transport: &http.Transport{}}
	b.Cleanup(client.CloseIdleConnections)
	b.ReportAllocs()
	for b.Loop() {
		res, err := client.Get(srv.URL + "/")
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil || string(body) != benchBody {
			b.Fatalf("GET returned %q, %v", body, err)
		}
	}
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
