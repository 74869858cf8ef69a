package reference_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/conform-suite/conform/reference"
)

// TestMaxResponseHeaders checks the cap on a response's header lines: the default admits
// 1,000 and refuses 1,001 with a TypeError naming the limit; a configured cap is obeyed,
// on a redirect hop too.
func TestMaxResponseHeaders(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("n"), &n)
		// Go's server adds Content-Length, Date and Content-Type (Location on a redirect)
		// to a response: n counts them in.
		for i := 3; i < n; i++ {
			w.Header().Add(fmt.Sprintf("X-H-%d", i), "v")
		}
		if to := r.URL.Query().Get("to"); to != "" {
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	tests := []struct {
		name  string
		limit int
		path  string
		want  string
	}{
		{name: "the default admits 1,000", path: "/?n=1000", want: `[1000,"ok"]`},
		{name: "the default refuses 1,001", path: "/?n=1001", want: `["TypeError",true,true]`},
		{name: "a configured cap", limit: 10, path: "/?n=11", want: `["TypeError",true,true]`},
		{name: "a configured cap on a redirect hop", limit: 10, path: "/?n=11&to=/%3Fn%3D3", want: `["TypeError",true,true]`},
		{name: "under a configured cap", limit: 10, path: "/?n=10", want: `[10,"ok"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxResponseHeaders: tc.limit}})
			limit := tc.limit
			if limit == 0 {
				limit = 1000
			}
			src := `try {
				const r = await fetch(` + jsString(srv.URL+tc.path) + `);
				return [[...r.headers].length, await r.text()];
			} catch (e) {
				return [e.name, e.message.includes('Limits.MaxResponseHeaders'), e.message.includes('limit of ` + fmt.Sprint(limit) + `')];
			}`
			if got := v.value(t, src); got != tc.want {
				t.Fatalf("fetch %s with a cap of %d: program returned %s, want %s", tc.path, limit, got, tc.want)
			}
		})
	}
}

// TestMaxConcurrentFetches checks the cap on a vat's open fetches: past it fetch rejects
// with a TypeError naming the limit and sends nothing; a fetch that ended (its body read
// to the end, a null body, an abort) frees its place.
func TestMaxConcurrentFetches(t *testing.T) {
	t.Parallel()
	const limit = 3
	var (
		mu      sync.Mutex
		waiting int
	)
	allWaiting := make(chan struct{})
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/hang" {
			_, _ = w.Write([]byte("ok"))
			return
		}
		mu.Lock()
		waiting++
		if waiting == limit {
			close(allWaiting)
		}
		mu.Unlock()
		<-r.Context().Done()
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxConcurrentFetches: limit}})
	if got := v.value(t, `for (let i = 0; i < 10; i++) {
			const r = await fetch(`+jsString(srv.URL+"/ok")+`);
			await r.text();
			await fetch(`+jsString(srv.URL+"/ok")+`, {method: 'HEAD'});
		}
		return 'ok';`); got != `"ok"` {
		t.Fatalf("twenty sequential fetches with a cap of %d: %s", limit, got)
	}
	v.value(t, `globalThis.controllers = [];
		for (let i = 0; i < `+fmt.Sprint(limit)+`; i++) {
			const c = new AbortController();
			controllers.push(c);
			fetch(`+jsString(srv.URL+"/hang")+`, {signal: c.signal}).catch(() => {});
		}
		return 0;`)
	waitFor(t, allWaiting, fmt.Sprintf("%d requests waiting at the server", limit))
	got := v.value(t, `try { await fetch(`+jsString(srv.URL+"/over")+`); return 'sent'; } catch (e) { return [e.name, e.message]; }`)
	want := fmt.Sprintf(`["TypeError","fetch failed: %d fetches of this vat are in flight or have a body still open, the endowment's limit (Limits.MaxConcurrentFetches) is %d"]`, limit, limit)
	if got != want {
		t.Errorf("a fetch past the cap: %s, want %s", got, want)
	}
	if n := srv.hitsOf("/over"); n != 0 {
		t.Errorf("the server saw %d requests past the cap, want none", n)
	}
	if got := v.value(t, `controllers[0].abort(); return await (await fetch(`+jsString(srv.URL+"/ok")+`)).text();`); got != `"ok"` {
		t.Errorf("a fetch after one was aborted: %s", got)
	}
}

// TestMaxHeldBodyBytes checks the cap on body bytes a vat holds: a read that would pass it
// fails with a TypeError naming the limit, fetch rejects while the vat is at it, and
// cancelling a body gives its bytes back.
func TestMaxHeldBodyBytes(t *testing.T) {
	t.Parallel()
	const limit = 1000
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("n"), &n)
		_, _ = w.Write([]byte(strings.Repeat("x", n)))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the body never ends: its bytes stay held until cancelled
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxHeldBodyBytes: limit}})
	open := func(n int) string {
		return `(await fetch(` + jsString(fmt.Sprintf("%s/?n=%d", srv.URL, n)) + `)).body.getReader()`
	}
	steps := []struct{ what, src, want string }{
		{"600 bytes held", `globalThis.r1 = ` + open(600) + `; return (await r1.read()).value.length;`, `600`},
		{"a read that would hold 1,200", `const r2 = ` + open(600) + `; try { await r2.read(); return 'read'; } catch (e) { return [e.name, e.message]; }`,
			fmt.Sprintf(`["TypeError","network error while reading the body: the vat's response bodies being read would hold more than %d bytes, the endowment's limit (Limits.MaxHeldBodyBytes)"]`, limit)},
		{"400 more: at the limit", `globalThis.r3 = ` + open(400) + `; return (await r3.read()).value.length;`, `400`},
		{"a fetch at the limit", `try { await fetch(` + jsString(srv.URL+"/?n=1") + `); return 'sent'; } catch (e) { return [e.name, e.message]; }`,
			fmt.Sprintf(`["TypeError","fetch failed: the vat's response bodies being read hold %d bytes, the endowment's limit (Limits.MaxHeldBodyBytes) is %d"]`, limit, limit)},
		{"a fetch after cancelling 600", `await r1.cancel(); const r4 = ` + open(1) + `; return (await r4.read()).value.length;`, `1`},
	}
	for _, step := range steps {
		if got := v.value(t, step.src); got != step.want {
			t.Fatalf("%s: got %s, want %s", step.what, got, step.want)
		}
	}
}
