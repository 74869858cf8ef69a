package reference_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conform-suite/conform/reference"
)

// TestWholeBodyReadsOfNetworkBodies checks text(), json(), arrayBuffer() and bytes() of a
// fetched body, which the endowment reads whole in Go when no reader has touched the
// stream, against what a read through the stream gives: the same values, and the same
// bodyUsed, locked and second-read behaviour. It also checks the shortcuts of a plain
// fetch(url), which builds no Request, and of a fetched response's headers, made on first
// use.
func TestWholeBodyReadsOfNetworkBodies(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Invalid UTF-8 in the middle: text() replaces it, as the stream path does.
		_, _ = w.Write([]byte("{\"a\":\"h\xffi\"}"))
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
	u := jsString(srv.URL + "/")
	cases := []struct{ name, src, want string }{
		{"text", `const r = await fetch(` + u + `); const p = r.text(); const during = [r.bodyUsed, r.body.locked];
			const t = await p; return [t, during, r.bodyUsed, r.body.locked];`,
			`["{\"a\":\"h\ufffdi\"}",[true,true],true,true]`},
		{"text through the stream", `const r = await fetch(` + u + `); const rd = r.body.getReader(); const chunks = [];
			for (;;) { const {value, done} = await rd.read(); if (done) break; chunks.push(...value); }
			return new TextDecoder().decode(new Uint8Array(chunks));`,
			`"{\"a\":\"h\ufffdi\"}"`},
		{"json", `return (await (await fetch(` + u + `)).json()).a;`, `"h\ufffdi"`},
		{"arrayBuffer", `const b = await (await fetch(` + u + `)).arrayBuffer(); return [b instanceof ArrayBuffer, b.byteLength, new Uint8Array(b)[7]];`, `[true,11,255]`},
		{"bytes", `const b = await (await fetch(` + u + `)).bytes(); return [b instanceof Uint8Array, b.byteLength, b[7]];`, `[true,11,255]`},
		{"second read", `const r = await fetch(` + u + `); await r.text(); try { await r.text(); return 'read twice'; } catch (e) { return e.name; }`, `"TypeError"`},
		{"read while reading", `const r = await fetch(` + u + `); const p = r.arrayBuffer(); try { await r.text(); return 'read twice'; } catch (e) { await p; return e.name; }`, `"TypeError"`},
		{"reader after text", `const r = await fetch(` + u + `); await r.text(); try { r.body.getReader(); return 'locked stream read'; } catch (e) { return e.name; }`, `"TypeError"`},
		{"text after a reader read", `const r = await fetch(` + u + `); const rd = r.body.getReader(); await rd.read(); rd.releaseLock();
			try { await r.text(); return 'read after a reader'; } catch (e) { return e.name; }`, `"TypeError"`},
		{"headers of a response and its clone", `const r = await fetch(` + u + `); const c = r.clone();
			return [r.headers.get('content-length'), c.headers.get('content-length'), r.headers === r.headers, c.headers !== r.headers];`,
			`["11","11",true,true]`},
		{"fetch(url) with credentials", `try { await fetch('http://u:p@127.0.0.1/'); return 'sent'; } catch (e) { return [e.name, e.message]; }`,
			`["TypeError","Request cannot be constructed from a URL that includes credentials"]`},
		{"fetch(url) of no URL", `try { await fetch('no url'); return 'sent'; } catch (e) { return e.name; }`, `"TypeError"`},
		{"clone and original", `const r = await fetch(` + u + `); const c = r.clone(); return [await c.text(), (await r.bytes()).byteLength];`, `["{\"a\":\"h\ufffdi\"}",11]`},
	}
	for _, c := range cases {
		// JSON.stringify writes U+FFFD as it is; the wants spell it \ufffd.
		want := strings.ReplaceAll(c.want, `\ufffd`, "\uFFFD")
		if got := v.value(t, c.src); got != want {
			t.Errorf("%s: got %s, want %s", c.name, got, want)
		}
	}
}

// TestAbortDuringWholeBodyRead checks that aborting a fetch's signal while text() reads
// its body rejects text() with the signal's reason, errors the stream, and cancels the
// request at the server.
func TestAbortDuringWholeBodyRead(t *testing.T) {
	t.Parallel()
	started, cancelled := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("part of a body that never ends"))
		w.(http.Flusher).Flush()
		once.Do(func() { close(started) })
		<-r.Context().Done()
		close(cancelled)
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
	reading := v.signal(t, "reading")
	done := v.start(`const c = new AbortController(); const r = await fetch(` + jsString(srv.URL+"/") + `, {signal: c.signal});
		globalThis.abortRead = () => c.abort(new RangeError('stop'));
		const p = r.text();
		reading();
		try { await p; return 'read'; } catch (e) {
			let readerError = 'none';
			try { r.body.getReader(); } catch (e2) { readerError = e2.name; }
			return [e.name, e.message, r.bodyUsed, readerError];
		}`)
	waitFor(t, started, "the server to send part of the body")
	waitFor(t, reading, "text() to start")
	v.value(t, `abortRead();`)
	select {
	case o := <-done:
		if want := `["RangeError","stop",true,"TypeError"]`; o.ErrName != "" || o.Value != want {
			t.Fatalf("text() of an aborted fetch: %s, want %s", o, want)
		}
	case <-time.After(settleTimeout):
		t.Fatalf("text() of an aborted fetch did not settle within %v", settleTimeout)
	}
	waitFor(t, cancelled, "the server to see the request cancelled")
}

// TestWholeBodyReadOfAShortBody checks a body shorter than its Content-Length (a
// gigabyte declared, five bytes sent): text() rejects with the network error a read
// through the stream gets.
func TestWholeBodyReadOfAShortBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000000")
		_, _ = w.Write([]byte("short"))
		// Returning ends the exchange: the connection is closed before the declared end.
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
	u := jsString(srv.URL + "/")
	got := v.value(t, `const r = await fetch(`+u+`); try { await r.text(); return 'read'; } catch (e) { return [e.name, e.message.startsWith('network error while reading the body')]; }`)
	if want := `["TypeError",true]`; got != want {
		t.Fatalf("text() of a body shorter than its Content-Length: %s, want %s", got, want)
	}
	got = v.value(t, `const r = await fetch(`+u+`); const rd = r.body.getReader();
		try { for (;;) { if ((await rd.read()).done) return 'read'; } } catch (e) { return [e.name, e.message.startsWith('network error while reading the body')]; }`)
	if want := `["TypeError",true]`; got != want {
		t.Fatalf("a reader of a body shorter than its Content-Length: %s, want %s", got, want)
	}
}
