package reference_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
	"gopkg.in/h2non/gock.v1"

	"github.com/conform-suite/conform/reference"
	"github.com/conform-suite/conform/reference/allowlist"
)

// settleTimeout bounds how long a test waits for a JS program to settle.
const settleTimeout = 10 * time.Second

// vat is one goja runtime on its own event loop with an endowment installed.
type vat struct {
	end  *reference.Endowment
	loop *eventloop.EventLoop
}

// newVat creates an endowment with opts, starts a loop and installs every global. The vat
// is torn down and its loop stopped when the test ends.
func newVat(t testing.TB, opts reference.Options) *vat {
	t.Helper()
	end, err := reference.New(opts)
	if err != nil {
		t.Fatalf("reference.New: %v", err)
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	installed := make(chan error, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) { installed <- end.Install(vm, loop, reference.Globals()) })
	if err := <-installed; err != nil {
		loop.Stop()
		t.Fatalf("Install: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
		defer cancel()
		if err := end.Teardown(ctx); err != nil {
			t.Errorf("Teardown at cleanup: %v", err)
		}
		loop.Stop()
	})
	return &vat{end: end, loop: loop}
}

// outcome is how a program settled: the JSON of its value ("" for undefined), or the name
// and message of what it threw.
type outcome struct {
	Value   string
	ErrName string
	ErrMsg  string
}

func (o outcome) String() string {
	if o.ErrName != "" {
		return fmt.Sprintf("threw %s: %s", o.ErrName, o.ErrMsg)
	}
	return "returned " + o.Value
}

// start runs src as the body of an async function on the loop; the channel receives its
// outcome when the promise settles, and nothing if it never does.
func (v *vat) start(src string) <-chan outcome {
	ch := make(chan outcome, 1)
	v.loop.RunOnLoop(func(vm *goja.Runtime) {
		value, err := vm.RunString("(async function () {\n" + src + "\n})()")
		if err != nil {
			var ex *goja.Exception
			if errors.As(err, &ex) {
				ch <- thrown(ex.Value())
			} else {
				ch <- outcome{ErrName: "Error", ErrMsg: err.Error()}
			}
			return
		}
		promise := value.ToObject(vm)
		then, _ := goja.AssertFunction(promise.Get("then"))
		onFulfilled := func(c goja.FunctionCall) goja.Value {
			ch <- encode(vm, c.Argument(0))
			return goja.Undefined()
		}
		onRejected := func(c goja.FunctionCall) goja.Value {
			ch <- thrown(c.Argument(0))
			return goja.Undefined()
		}
		if _, err := then(promise, vm.ToValue(onFulfilled), vm.ToValue(onRejected)); err != nil {
			ch <- outcome{ErrName: "Error", ErrMsg: err.Error()}
		}
	})
	return ch
}

// signal defines a global function name; the channel is closed on its first call.
func (v *vat) signal(t testing.TB, name string) <-chan struct{} {
	t.Helper()
	ch := make(chan struct{})
	var once sync.Once
	set := make(chan error, 1)
	v.loop.RunOnLoop(func(vm *goja.Runtime) {
		set <- vm.Set(name, func(goja.FunctionCall) goja.Value {
			once.Do(func() { close(ch) })
			return goja.Undefined()
		})
	})
	if err := <-set; err != nil {
		t.Fatalf("define %s: %v", name, err)
	}
	return ch
}

// eval runs src and waits for it to settle.
func (v *vat) eval(t testing.TB, src string) outcome {
	t.Helper()
	select {
	case o := <-v.start(src):
		return o
	case <-time.After(settleTimeout):
		t.Fatalf("the program did not settle within %v:\n%s", settleTimeout, src)
		return outcome{}
	}
}

// value runs src and fails the test unless it returns; it returns the JSON of the value.
func (v *vat) value(t testing.TB, src string) string {
	t.Helper()
	o := v.eval(t, src)
	if o.ErrName != "" {
		t.Fatalf("program %s\n%s", o, src)
	}
	return o.Value
}

func encode(vm *goja.Runtime, v goja.Value) outcome {
	if goja.IsUndefined(v) {
		return outcome{}
	}
	stringify, _ := goja.AssertFunction(vm.Get("JSON").ToObject(vm).Get("stringify"))
	s, err := stringify(goja.Undefined(), v)
	if err != nil {
		return outcome{ErrName: "Error", ErrMsg: "JSON.stringify: " + err.Error()}
	}
	return outcome{Value: s.String()}
}

func thrown(v goja.Value) outcome {
	if obj, ok := v.(*goja.Object); ok {
		if name := obj.Get("name"); name != nil && !goja.IsUndefined(name) {
			return outcome{ErrName: name.String(), ErrMsg: obj.Get("message").String()}
		}
	}
	return outcome{ErrName: "Error", ErrMsg: v.String()}
}

// jsString quotes s as a JS string literal.
func jsString(s string) string { return fmt.Sprintf("%q", s) }

// webAPICases run without a network: every fetch is either refused or aborted before it is
// sent. Expected values are what Node 20's implementation of the same standards returns,
// except where the endowment's policy differs (only http: and https: can be fetched).
var webAPICases = []struct {
	name    string
	src     string
	want    string // JSON of the returned value
	wantErr string // name of the thrown error
	wantMsg string // part of its message, when it matters
}{
	{name: "headers are sorted and combined", src: `const h = new Headers({B: '2', a: '1'}); h.append('A', '3'); return [...h];`, want: `[["a","1, 3"],["b","2"]]`},
	{name: "headers get is case-insensitive", src: `const h = new Headers([['Content-Type', 'text/plain']]); return [h.get('content-type'), h.has('CONTENT-TYPE'), h.get('x')];`, want: `["text/plain",true,null]`},
	{name: "headers set replaces every value", src: `const h = new Headers([['a', '1'], ['a', '2'], ['b', '3']]); h.set('A', '4'); return [...h];`, want: `[["a","4"],["b","3"]]`},
	{name: "headers delete", src: `const h = new Headers({a: '1', b: '2'}); h.delete('A'); return [...h.keys()];`, want: `["b"]`},
	{name: "headers values are trimmed", src: `return new Headers({x: ' \t v w \t '}).get('x');`, want: `"v w"`},
	{name: "set-cookie is never combined", src: `const h = new Headers([['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']]); return [[...h], h.getSetCookie(), h.get('set-cookie')];`, want: `[[["set-cookie","a=1"],["set-cookie","b=2"]],["a=1","b=2"],"a=1, b=2"]`},
	{name: "headers from headers", src: `const h = new Headers(new Headers({a: '1'})); return [...h.entries()];`, want: `[["a","1"]]`},
	{name: "headers forEach", src: `const out = []; new Headers({b: '2', a: '1'}).forEach((v, k) => out.push(k + '=' + v)); return out;`, want: `["a=1","b=2"]`},
	{name: "headers iterator is entries", src: `return Headers.prototype[Symbol.iterator] === Headers.prototype.entries;`, want: `true`},
	{name: "invalid header name", src: `new Headers({'a b': '1'});`, wantErr: "TypeError"},
	{name: "invalid header value", src: `new Headers({a: 'x\ny'});`, wantErr: "TypeError"},
	{name: "header pair of three", src: `new Headers([['a', '1', '2']]);`, wantErr: "TypeError"},
	{name: "headers init not an object", src: `new Headers(1);`, wantErr: "TypeError"},
	{name: "request defaults", src: `const r = new Request('HTTP://Example.COM/a/../b?q#f'); return [r.url, r.method, r.redirect, r.bodyUsed, r.body];`, want: `["http://example.com/b?q#f","GET","follow",false,null]`},
	{name: "request method is normalised", src: `return [new Request('http://x.test/', {method: 'post'}).method, new Request('http://x.test/', {method: 'patch'}).method];`, want: `["POST","patch"]`},
	{name: "request body text", src: `const r = new Request('http://x.test/', {method: 'POST', body: 'hi'}); return [r.headers.get('content-type'), await r.text(), r.bodyUsed];`, want: `["text/plain;charset=UTF-8","hi",true]`},
	{name: "request body used twice", src: `const r = new Request('http://x.test/', {method: 'POST', body: 'hi'}); await r.text(); await r.text();`, wantErr: "TypeError"},
	{name: "request get with body", src: `new Request('http://x.test/', {body: 'x'});`, wantErr: "TypeError"},
	{name: "request with credentials", src: `new Request('http://user:pass@x.test/');`, wantErr: "TypeError"},
	{name: "request relative url", src: `new Request('/path');`, wantErr: "TypeError"},
	{name: "request invalid url", src: `new Request('http://exa mple.test/');`, wantErr: "TypeError"},
	{name: "request invalid method", src: `new Request('http://x.test/', {method: 'GE T'});`, wantErr: "TypeError"},
	{name: "request forbidden method", src: `new Request('http://x.test/', {method: 'CONNECT'});`, wantErr: "TypeError"},
	{name: "request invalid redirect mode", src: `new Request('http://x.test/', {redirect: 'sometimes'});`, wantErr: "TypeError"},
	{name: "request clone", src: `const r = new Request('http://x.test/', {method: 'PUT', body: 'b', headers: {x: '1'}}); const c = r.clone(); return [c.method, c.headers.get('x'), await c.text(), await r.text()];`, want: `["PUT","1","b","b"]`},
	{name: "request from request", src: `const r = new Request(new Request('http://x.test/p', {method: 'DELETE'}), {headers: {y: '2'}}); return [r.url, r.method, [...r.headers]];`, want: `["http://x.test/p","DELETE",[["y","2"]]]`},
	{name: "response defaults", src: `const r = new Response(); return [r.status, r.ok, r.statusText, r.type, r.url, r.redirected, r.body];`, want: `[200,true,"","default","",false,null]`},
	{name: "response with init", src: `const r = new Response('hi', {status: 201, statusText: 'Created', headers: {'X-A': 'b'}}); return [r.status, r.ok, r.statusText, r.headers.get('x-a'), r.headers.get('content-type'), await r.text()];`, want: `[201,true,"Created","b","text/plain;charset=UTF-8","hi"]`},
	{name: "response status below 200", src: `new Response('', {status: 199});`, wantErr: "RangeError"},
	{name: "response status above 599", src: `new Response('', {status: 600});`, wantErr: "RangeError"},
	{name: "response null body status with body", src: `new Response('x', {status: 204});`, wantErr: "TypeError"},
	{name: "response bad status text", src: `new Response('', {statusText: 'a\nb'});`, wantErr: "TypeError"},
	{name: "response json", src: `const r = Response.json({a: [1, 'b']}, {status: 202}); return [r.status, r.headers.get('content-type'), await r.json()];`, want: `[202,"application/json",{"a":[1,"b"]}]`},
	{name: "response json of undefined", src: `Response.json(undefined);`, wantErr: "TypeError"},
	{name: "response redirect", src: `const r = Response.redirect('http://x.test/a/../b', 301); return [r.status, r.headers.get('location'), r.body];`, want: `[301,"http://x.test/b",null]`},
	{name: "response redirect bad status", src: `Response.redirect('http://x.test/', 200);`, wantErr: "RangeError"},
	{name: "response error", src: `const r = Response.error(); return [r.type, r.status, r.ok];`, want: `["error",0,false]`},
	{name: "response error headers are immutable", src: `Response.error().headers.set('a', 'b');`, wantErr: "TypeError"},
	{name: "response array buffer", src: `const b = await new Response(new Uint8Array([1, 2, 255])).arrayBuffer(); return Array.from(new Uint8Array(b));`, want: `[1,2,255]`},
	{name: "response clone", src: `const r = new Response('abc'); const c = r.clone(); return [await r.text(), await c.text()];`, want: `["abc","abc"]`},
	{name: "response clone after use", src: `const r = new Response('abc'); await r.text(); r.clone();`, wantErr: "TypeError"},
	{name: "response json parse error", src: `await new Response('{').json();`, wantErr: "SyntaxError"},
	{name: "abort controller", src: `const c = new AbortController(); let events = 0; c.signal.onabort = () => events++; c.signal.addEventListener('abort', () => events++); c.abort(); c.abort(); return [c.signal.aborted, c.signal.reason.name, c.signal.reason instanceof DOMException, c.signal.reason.code, events];`, want: `[true,"AbortError",true,20,2]`},
	{name: "abort with reason", src: `const c = new AbortController(); c.abort('why'); return [c.signal.reason, c.signal.aborted];`, want: `["why",true]`},
	{name: "throw if aborted", src: `const c = new AbortController(); c.abort(new RangeError('r')); c.signal.throwIfAborted();`, wantErr: "RangeError"},
	{name: "abort signal abort", src: `const s = AbortSignal.abort(); return [s.aborted, s.reason.name, s.reason.message];`, want: `[true,"AbortError","This operation was aborted"]`},
	{name: "abort signal timeout", src: `const s = AbortSignal.timeout(1); await new Promise((resolve) => s.addEventListener('abort', resolve)); return [s.aborted, s.reason.name];`, want: `[true,"TimeoutError"]`},
	{name: "abort signal any", src: `const a = new AbortController(); const s = AbortSignal.any([a.signal, new AbortController().signal]); a.abort('x'); return [s.aborted, s.reason];`, want: `[true,"x"]`},
	{name: "abort signal constructor", src: `new AbortSignal();`, wantErr: "TypeError"},
	{name: "fetch with aborted signal", src: `await fetch('http://x.test/', {signal: AbortSignal.abort()});`, wantErr: "AbortError"},
	{name: "fetch of a denied host", src: `await fetch('http://Denied.TEST:8080/x');`, wantErr: "TypeError", wantMsg: "Invalid host: denied.test"},
	{name: "fetch of a file url is refused", src: `await fetch('file:///etc/passwd');`, wantErr: "TypeError", wantMsg: "file: URLs are not reachable"},
	{name: "fetch of a data url is refused", src: `await fetch('data:,hi');`, wantErr: "TypeError", wantMsg: "only http: and https:"},
	{name: "fetch of an invalid url", src: `await fetch('http://[::1/');`, wantErr: "TypeError"},
	{name: "dom exception", src: `const e = new DOMException('m', 'NotFoundError'); return [e.name, e.message, e.code, e instanceof Error];`, want: `["NotFoundError","m",8,true]`},
	{name: "text encoder", src: `const e = new TextEncoder(); return [e.encoding, Array.from(e.encode('aé€😀'))];`, want: `["utf-8",[97,195,169,226,130,172,240,159,152,128]]`},
	{name: "text encoder lone surrogate", src: `return Array.from(new TextEncoder().encode('\ud800'));`, want: `[239,191,189]`},
	{name: "text decoder", src: `const d = new TextDecoder(); return [d.encoding, d.fatal, d.ignoreBOM, d.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0xC3, 0xA9]))];`, want: `["utf-8",false,false,"hé"]`},
	{name: "text decoder keeps bom when asked", src: `return new TextDecoder('utf-8', {ignoreBOM: true}).decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68])).length;`, want: `2`},
	{name: "text decoder replaces invalid bytes", src: `return new TextDecoder().decode(new Uint8Array([0x61, 0xFF, 0x62]));`, want: `"a�b"`},
	{name: "text decoder fatal", src: `new TextDecoder('utf-8', {fatal: true}).decode(new Uint8Array([0xFF]));`, wantErr: "TypeError"},
	{name: "text decoder unknown label", src: `new TextDecoder('no-such-encoding');`, wantErr: "RangeError"},
	{name: "text decoder label is case-insensitive", src: `return new TextDecoder(' UTF8 ').encoding;`, want: `"utf-8"`},
	{name: "text decoder stream", src: `const d = new TextDecoder(); return d.decode(new Uint8Array([0xE2, 0x82]), {stream: true}) + d.decode(new Uint8Array([0xAC]));`, want: `"€"`},
	{name: "text decoder replaces maximal subparts", src: `const d = (a) => new TextDecoder().decode(new Uint8Array(a)); return [d([0xE2, 0x82]), d([0xF0, 0x9F, 0x98]), d([0xE0, 0x80]), d([0xED, 0xA0, 0x80]), d([0xF4, 0x90]), d([0xC0, 0xAF]), d([0x61, 0xF0, 0x9F, 0x62])];`, want: `["�","�","��","���","��","��","a�b"]`},
	{name: "text decoder strips only a leading bom", src: `return new TextDecoder().decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x61])).length;`, want: `2`},
	{name: "text decoder stream keeps state between calls", src: `const t = new TextDecoder(); const d = (a, stream) => t.decode(new Uint8Array(a), {stream}); return [d([0xEF], true), d([0xBB, 0xBF, 0x68], true), d([0xEF, 0xBB, 0xBF], true).length, d([0xF0, 0x9F], true), d([0x98]), d([0xEF, 0xBB, 0xBF, 0x69])];`, want: `["","h",1,"","�","i"]`},
	{name: "text decoder flushes an incomplete sequence", src: `const t = new TextDecoder(); return [t.decode(new Uint8Array([0xE2]), {stream: true}), t.decode()];`, want: `["","�"]`},
	{name: "text decoder fatal stream", src: `const t = new TextDecoder('utf-8', {fatal: true}); const a = [t.decode(new Uint8Array([0xE2]), {stream: true}), t.decode(new Uint8Array([0x82, 0xAC]))]; t.decode(new Uint8Array([0xE2]), {stream: true}); try { t.decode(); } catch (e) { a.push(e.name); } return a;`, want: `["","€","TypeError"]`},
	{name: "readable stream", src: `const s = new ReadableStream({start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); }}); const r = s.getReader(); const out = []; for (;;) { const {value, done} = await r.read(); if (done) break; out.push(value); } return [out, s.locked];`, want: `[["a","b"],true]`},
	{name: "readable stream pull", src: `let n = 0; const s = new ReadableStream({pull(c) { n++; if (n > 3) c.close(); else c.enqueue(n); }}); const r = s.getReader(); const out = []; for (;;) { const {value, done} = await r.read(); if (done) break; out.push(value); } return out;`, want: `[1,2,3]`},
	{name: "readable stream locked", src: `const s = new ReadableStream(); s.getReader(); s.getReader();`, wantErr: "TypeError"},
	{name: "readable stream release lock", src: `const s = new ReadableStream(); s.getReader().releaseLock(); return s.locked;`, want: `false`},
	{name: "readable stream error", src: `const s = new ReadableStream({start(c) { c.error(new RangeError('bad')); }}); await s.getReader().read();`, wantErr: "RangeError"},
	{name: "readable stream cancel", src: `let why; const s = new ReadableStream({cancel(r) { why = r; }}); await s.cancel('done'); return why;`, want: `"done"`},
	{name: "readable stream enqueue after close", src: `new ReadableStream({start(c) { c.close(); c.enqueue('x'); }});`, wantErr: "TypeError"},
	{name: "readable stream as a body", src: `const s = new ReadableStream({start(c) { c.enqueue(new Uint8Array([104, 105])); c.close(); }}); const r = new Response(s); return [await r.text(), r.bodyUsed];`, want: `["hi",true]`},
	{name: "readable stream tee", src: `const [a, b] = new Response('xy').body.tee(); return [await new Response(a).text(), await new Response(b).text()];`, want: `["xy","xy"]`},
	{name: "response body reader", src: `const r = new Response('hey'); const rd = r.body.getReader(); const {value} = await rd.read(); return [value instanceof Uint8Array, Array.from(value), (await rd.read()).done, r.bodyUsed];`, want: `[true,[104,101,121],true,true]`},
	{name: "body of a locked stream", src: `const r = new Response('x'); r.body.getReader(); await r.text();`, wantErr: "TypeError"},
}

func TestWebAPIs(t *testing.T) {
	t.Parallel()
	for _, tc := range webAPICases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := newVat(t, reference.Options{AllowedHosts: []string{}})
			got := v.eval(t, tc.src)
			if tc.wantErr != "" {
				if got.ErrName != tc.wantErr || !strings.Contains(got.ErrMsg, tc.wantMsg) {
					t.Fatalf("program %s; want it to throw %s containing %q\n%s", got, tc.wantErr, tc.wantMsg, tc.src)
				}
				return
			}
			if got.ErrName != "" || got.Value != tc.want {
				t.Fatalf("program %s; want it to return %s\n%s", got, tc.want, tc.src)
			}
		})
	}
}

func TestGlobalsAreFrozen(t *testing.T) {
	t.Parallel()
	v := newVat(t, reference.Options{AllowedHosts: []string{}})
	got := v.value(t, `return ['fetch', 'Request', 'Headers', 'Response', 'AbortController', 'AbortSignal',
		'DOMException', 'ReadableStream', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams']
		.filter((n) => !Object.isFrozen(globalThis[n]) || (globalThis[n].prototype && !Object.isFrozen(globalThis[n].prototype)));`)
	if got != "[]" {
		t.Fatalf("globals not frozen: %s", got)
	}
}

func TestInstallRejectsUnknownGlobal(t *testing.T) {
	t.Parallel()
	end, err := reference.New(reference.Options{AllowedHosts: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	defer loop.Stop()
	installed := make(chan error, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) { installed <- end.Install(vm, loop, []string{"fetch", "XMLHttpRequest"}) })
	if err := <-installed; err == nil || !strings.Contains(err.Error(), "XMLHttpRequest") {
		t.Fatalf("Install with an unknown global = %v, want an error naming it", err)
	}
}

// server is an httptest server on 127.0.0.1 that counts requests per path.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newServer(t testing.TB, handler http.Handler) *server {
	t.Helper()
	s := &server{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	if host := s.host(); host != "127.0.0.1" {
		t.Fatalf("httptest server on %q, want 127.0.0.1", host)
	}
	return s
}

func (s *server) host() string {
	u, _ := url.Parse(s.URL)
	return u.Hostname()
}

func (s *server) port() string {
	u, _ := url.Parse(s.URL)
	return u.Port()
}

func (s *server) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// testRoutes is a small catalogue of routes for network tests.
func testRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "hello")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"method":%q,"header":%q,"contentType":%q,"body":%q,"query":%q}`,
			r.Method, r.Header.Get("X-Test"), r.Header.Get("Content-Type"), body, r.URL.RawQuery)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("/status/204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for _, part := range []string{"one ", "two ", "three"} {
			_, _ = io.WriteString(w, part)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "secret") })
	return mux
}

func TestFetch(t *testing.T) {
	t.Parallel()
	srv := newServer(t, testRoutes())
	u := jsString(srv.URL)
	denied := jsString("http://localhost:" + srv.port())
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "status, headers and text",
			src: `const r = await fetch(` + u + ` + '/text');
				return [r.status, r.statusText, r.ok, r.type, r.url === ` + u + ` + '/text', r.redirected,
					r.headers.get('content-type'), r.headers.get('x-multi'), await r.text(), r.bodyUsed];`,
			want: `[202,"Accepted",true,"basic",true,false,"text/plain; charset=utf-8","a, b","hello",true]`,
		},
		{
			name: "method, headers and body are sent",
			src: `const r = await fetch(new Request(` + u + ` + '/echo?q=1', {method: 'PUT', headers: {'X-Test': 'yes'}, body: 'payload'}));
				return await r.json();`,
			want: `{"method":"PUT","header":"yes","contentType":"text/plain;charset=UTF-8","body":"payload","query":"q=1"}`,
		},
		{
			name: "json body",
			src: `const r = await fetch(` + u + ` + '/echo', {method: 'POST', body: JSON.stringify({a: 1}), headers: [['Content-Type', 'application/json']]});
				const j = await r.json(); return [j.method, j.contentType, JSON.parse(j.body)];`,
			want: `["POST","application/json",{"a":1}]`,
		},
		{
			name: "stream body",
			src: `const r = await fetch(` + u + ` + '/echo', {method: 'POST', duplex: 'half',
					body: new ReadableStream({start(c) { c.enqueue(new TextEncoder().encode('st')); c.enqueue(new TextEncoder().encode('ream')); c.close(); }})});
				return (await r.json()).body;`,
			want: `"stream"`,
		},
		{
			name: "url object input",
			src:  `const r = await fetch(new URL('/echo?x=y', ` + u + `)); return (await r.json()).query;`,
			want: `"x=y"`,
		},
		{
			name: "redirect on the same host is followed",
			src: `const r = await fetch(` + u + ` + '/redirect?to=/text');
				return [r.status, r.redirected, r.url === ` + u + ` + '/text', await r.text()];`,
			want: `[202,true,true,"hello"]`,
		},
		{
			name: "manual redirect",
			src:  `const r = await fetch(` + u + ` + '/redirect?to=/text', {redirect: 'manual'}); return [r.type, r.status];`,
			want: `["opaqueredirect",0]`,
		},
		{
			name: "redirect error mode",
			src:  `try { await fetch(` + u + ` + '/redirect?to=/text', {redirect: 'error'}); } catch (e) { return e.name; }`,
			want: `"TypeError"`,
		},
		{
			name: "null body status",
			src:  `const r = await fetch(` + u + ` + '/status/204'); return [r.status, r.body, await r.text()];`,
			want: `[204,null,""]`,
		},
		{
			name: "head has no body",
			src:  `const r = await fetch(` + u + ` + '/text', {method: 'HEAD'}); return [r.status, r.body];`,
			want: `[202,null]`,
		},
		{
			name: "body read through a reader",
			src: `const r = await fetch(` + u + ` + '/stream'); const rd = r.body.getReader(); const d = new TextDecoder(); let s = '';
				for (;;) { const {value, done} = await rd.read(); if (done) break; s += d.decode(value, {stream: true}); }
				return s;`,
			want: `"one two three"`,
		},
		{
			name: "clone of a network response",
			src:  `const r = await fetch(` + u + ` + '/text'); const c = r.clone(); return [await r.text(), await c.text()];`,
			want: `["hello","hello"]`,
		},
		{
			name: "denied host rejects with the hostname",
			src:  `try { await fetch(` + denied + ` + '/secret'); } catch (e) { return [e.name, e.message]; }`,
			want: `["TypeError","Invalid host: localhost"]`,
		},
		{
			name: "redirect to a denied host rejects",
			src: `try { await fetch(` + u + ` + '/redirect?to=' + encodeURIComponent(` + denied + ` + '/secret')); } catch (e) {
					return [e.name, e.message.includes('Invalid host: localhost')]; }`,
			want: `["TypeError",true]`,
		},
		{
			name: "abort while the response is awaited",
			src: `const c = new AbortController(); const p = fetch(` + u + ` + '/stream', {signal: c.signal}); c.abort();
				try { await p; } catch (e) { return e.name; }`,
			want: `"AbortError"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
			if got := v.value(t, tc.src); got != tc.want {
				t.Fatalf("program returned %s, want %s\n%s", got, tc.want, tc.src)
			}
		})
	}
	if n := srv.hitsOf("/secret"); n != 0 {
		t.Fatalf("the server saw %d requests for /secret, which only denied fetches asked for", n)
	}
}

// TestFetchThroughGock mocks the endowment's client with gock: the request the endowment
// sends is asserted, and a denied host never reaches the client. gock's registry is
// package-global, so this test is not parallel.
func TestFetchThroughGock(t *testing.T) {
	defer gock.Off()
	defer gock.CleanUnmatchedRequest()
	defer gock.Observe(nil)

	type seen struct {
		method, url, contentType, token, body string
	}
	var (
		mu       sync.Mutex
		requests []seen
	)
	gock.Observe(func(r *http.Request, _ gock.Mock) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		mu.Lock()
		requests = append(requests, seen{r.Method, r.URL.String(), r.Header.Get("Content-Type"), r.Header.Get("X-Token"), string(body)})
		mu.Unlock()
	})
	gock.New("https://api.allowed.test").
		Post("/items").
		MatchHeader("X-Token", "^abc$").
		BodyString(`{"name":"x"}`).
		Reply(201).
		SetHeader("X-Id", "7").
		JSON(map[string]any{"ok": true})
	evil := gock.New("https://evil.test").Get("/").Reply(200).BodyString("reached")

	client := &http.Client{Transport: &http.Transport{}}
	gock.InterceptClient(client)
	v := newVat(t, reference.Options{AllowedHosts: []string{"api.allowed.test"}, Client: client})

	got := v.value(t, `const r = await fetch('https://API.allowed.test:443/items', {method: 'POST',
			headers: {'X-Token': 'abc', 'Content-Type': 'application/json'}, body: JSON.stringify({name: 'x'})});
		return [r.status, r.headers.get('x-id'), await r.json()];`)
	if want := `[201,"7",{"ok":true}]`; got != want {
		t.Fatalf("fetch through gock returned %s, want %s", got, want)
	}
	mu.Lock()
	sent := append([]seen(nil), requests...)
	mu.Unlock()
	want := seen{method: "POST", url: "https://api.allowed.test/items", contentType: "application/json", token: "abc", body: `{"name":"x"}`}
	if len(sent) != 1 || sent[0] != want {
		t.Fatalf("the client received %+v, want exactly %+v", sent, want)
	}

	got = v.value(t, `try { await fetch('https://evil.test/'); return 'resolved'; } catch (e) { return [e.name, e.message]; }`)
	if want := `["TypeError","Invalid host: evil.test"]`; got != want {
		t.Fatalf("denied fetch returned %s, want %s", got, want)
	}
	mu.Lock()
	n := len(requests)
	mu.Unlock()
	if n != 1 {
		t.Fatalf("the client received %d requests after a denied fetch, want 1 (only the allowed one)", n)
	}
	if gock.HasUnmatchedRequest() {
		t.Fatalf("gock saw unmatched requests: %v", gock.GetUnmatchedRequests())
	}
	if evil.Done() {
		t.Fatal("the mock for the denied host was consumed")
	}
}

func TestNotify(t *testing.T) {
	t.Parallel()
	srv := newServer(t, testRoutes())
	var (
		mu     sync.Mutex
		events []string
	)
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Notify: func(ev reference.Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, fmt.Sprintf("%s %v", ev.Method, ev.Params))
	}})
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := events
		events = nil
		return out
	}
	u := jsString(srv.URL + "/text")

	v.value(t, `const r = await fetch(`+u+`); return r.status;`)
	want := []string{"OutboundRequest map[source:fetch]", "OutboundResponse map[source:fetch]"}
	if got := take(); !equal(got, want) {
		t.Fatalf("events for a fetch: %q, want %q", got, want)
	}

	v.value(t, `try { await fetch('http://denied.test/'); } catch (e) { return e.name; }`)
	if got := take(); len(got) != 0 {
		t.Fatalf("events for a denied fetch: %q, want none", got)
	}

	// Reading the body is bracketed by a pair of its own.
	v.value(t, `const r = await fetch(`+u+`); return await r.text();`)
	want = append(want, want...)
	if got := take(); !equal(got, want) {
		t.Fatalf("events for a fetch and a body read: %q, want %q", got, want)
	}

	// A read that fails closes its pair too: a clone's read, aborted while it waits.
	got := v.value(t, `const ac = new AbortController(); const r = await fetch(`+u+`, {signal: ac.signal});
		const p = r.clone().text(); ac.abort();
		try { await p; return 'read'; } catch (e) { return e.name; }`)
	if got != `"AbortError"` {
		t.Fatalf("an aborted read of a clone: %s, want it to fail with AbortError", got)
	}
	if got := take(); !equal(got, want) {
		t.Fatalf("events for a fetch and a failed body read: %q, want %q", got, want)
	}
}

func TestNotifyPanicDoesNotBreakFetch(t *testing.T) {
	t.Parallel()
	srv := newServer(t, testRoutes())
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Notify: func(reference.Event) { panic("notify") }})
	if got := v.value(t, `return await (await fetch(`+jsString(srv.URL+"/text")+`)).text();`); got != `"hello"` {
		t.Fatalf("fetch with a panicking notify returned %s", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// blocker is a handler that holds each request until its client disconnects, and reports
// when a request arrived and when its client went away.
type blocker struct {
	entered      chan struct{}
	disconnected chan struct{}
	release      chan struct{} // closed when the test ends, so the server can close
	headersFirst bool          // send the response headers before blocking
}

func newBlocker(headersFirst bool) *blocker {
	return &blocker{entered: make(chan struct{}, 16), disconnected: make(chan struct{}, 16), release: make(chan struct{}), headersFirst: headersFirst}
}

// serve starts a server with b, whose held requests are released before the server closes.
func (b *blocker) serve(t testing.TB) *server {
	srv := newServer(t, b)
	t.Cleanup(func() { close(b.release) })
	return srv
}

func (b *blocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/block" {
		_, _ = io.WriteString(w, "quick")
		return
	}
	if b.headersFirst {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "partial ")
		w.(http.Flusher).Flush()
	}
	b.entered <- struct{}{}
	select {
	case <-r.Context().Done():
		b.disconnected <- struct{}{}
	case <-b.release:
	}
}

// waitFor waits for ch or fails after settleTimeout, naming what did not happen.
func waitFor(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(settleTimeout):
		t.Fatalf("%s did not happen within %v", what, settleTimeout)
	}
}

// checkGoroutines fails the test if, after cleanup, more goroutines run than before it
// started; it polls for a bounded time since exiting goroutines take a moment to go.
func checkGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("%d goroutines after the test, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestTeardown(t *testing.T) {
	// Each program calls ready() once its fetch is where the case says: the request sent,
	// or the response in hand and its body being read.
	for _, tc := range []struct {
		name         string
		headersFirst bool
		src          string
	}{
		{name: "request in flight", src: `const p = fetch(URL_ + '/block'); ready(); return (await p).status;`},
		{name: "body being read", headersFirst: true, src: `const r = await fetch(URL_ + '/block'); const p = r.text(); ready(); return await p;`},
		{name: "body read through a reader", headersFirst: true, src: `const r = await fetch(URL_ + '/block'); const rd = r.body.getReader();
			const first = await rd.read(); ready();
			for (;;) { const {done} = await rd.read(); if (done) return 'done'; }`},
		{name: "clone of a body being read", headersFirst: true, src: `const r = await fetch(URL_ + '/block'); const c = r.clone();
			const p = Promise.all([r.text(), c.text()]); ready(); return await p;`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGoroutines(t) // registered first, so it runs after every other cleanup
			b := newBlocker(tc.headersFirst)
			srv := b.serve(t)
			transport := &http.Transport{}
			t.Cleanup(transport.CloseIdleConnections)
			v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Client: &http.Client{Transport: transport}})
			ready := v.signal(t, "ready")
			src := strings.ReplaceAll(tc.src, "URL_", jsString(srv.URL))

			pending := v.start(src)
			waitFor(t, b.entered, "the request reaching the server")
			waitFor(t, ready, "the program calling ready()")

			ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
			defer cancel()
			if err := v.end.Teardown(ctx); err != nil {
				t.Fatalf("Teardown: %v", err)
			}
			waitFor(t, b.disconnected, "the server observing the client disconnect")
			if err := v.end.Teardown(ctx); err != nil {
				t.Fatalf("second Teardown: %v", err)
			}

			// The endowment works again; once this fetch settled, every settlement queued
			// for the torn-down fetch has had its turn on the loop.
			if got := v.value(t, `return await (await fetch(`+jsString(srv.URL+"/quick")+`)).text();`); got != `"quick"` {
				t.Fatalf("fetch after teardown returned %s, want \"quick\"", got)
			}
			select {
			case o := <-pending:
				t.Fatalf("a program started before teardown settled after it: %s", o)
			default:
			}
		})
	}
}

func TestTeardownWithNothingInFlight(t *testing.T) {
	t.Parallel()
	end, err := reference.New(reference.Options{AllowedHosts: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	// Before Install, and twice.
	for i := 0; i < 2; i++ {
		if err := end.Teardown(context.Background()); err != nil {
			t.Fatalf("Teardown %d of an uninstalled endowment: %v", i, err)
		}
	}
}

func TestMaxResponseBodyBytes(t *testing.T) {
	t.Parallel()
	const limit = 100
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("n"), &n)
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", fmt.Sprint(n))
		}
		for i := 0; i < n; i += 10 {
			_, _ = io.WriteString(w, strings.Repeat("x", min(10, n-i)))
			if f, ok := w.(http.Flusher); ok && r.URL.Query().Get("chunked") != "" {
				f.Flush()
			}
		}
	}))
	tests := []struct {
		name string
		size int
		mode string
		want string
	}{
		{name: "under the limit", size: limit - 1, want: `99`},
		{name: "at the limit", size: limit, want: `100`},
		{name: "at the limit, chunked", size: limit, mode: "chunked", want: `100`},
		{name: "over the limit", size: limit + 1, want: `["TypeError",true]`},
		{name: "over the limit, chunked", size: 10 * limit, mode: "chunked", want: `["TypeError",true]`},
		{name: "over the limit, through a reader", size: 10 * limit, mode: "reader", want: `["TypeError",true]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxResponseBodyBytes: limit}})
			u := jsString(fmt.Sprintf("%s/?n=%d&chunked=%s", srv.URL, tc.size, tc.mode))
			read := `(await r.text()).length`
			if tc.mode == "reader" {
				read = `await (async () => { const rd = r.body.getReader(); let n = 0; for (;;) { const {value, done} = await rd.read(); if (done) return n; n += value.length; } })()`
			}
			src := `const r = await fetch(` + u + `); try { return ` + read + `; } catch (e) { return [e.name, e.message.includes('size limit')]; }`
			if got := v.value(t, src); got != tc.want {
				t.Fatalf("a %d-byte body with a %d-byte limit: program returned %s, want %s", tc.size, limit, got, tc.want)
			}
		})
	}
}

// TestMaxResponseBodyBytesExactly reads a chunked body of exactly the limit whose end
// arrives only after the vat has read every byte: the read that waits for the end must not
// be taken for a read past the limit.
func TestMaxResponseBodyBytesExactly(t *testing.T) {
	t.Parallel()
	const limit = 64
	release := make(chan struct{})
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", limit))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxResponseBodyBytes: limit}})
	allRead := v.signal(t, "allRead")
	pending := v.start(`const r = await fetch(` + jsString(srv.URL) + `); const rd = r.body.getReader(); let n = 0;
		try {
			for (;;) {
				const {value, done} = await rd.read();
				if (done) return n;
				n += value.length;
				if (n === ` + fmt.Sprint(limit) + `) allRead();
			}
		} catch (e) { return [n, e.name, e.message]; }`)
	waitFor(t, allRead, "the vat reading the whole body")
	close(release)
	select {
	case o := <-pending:
		if o.ErrName != "" || o.Value != fmt.Sprint(limit) {
			t.Fatalf("reading a %d-byte body with a %d-byte limit: program %s, want %d", limit, limit, o, limit)
		}
	case <-time.After(settleTimeout):
		t.Fatal("the program did not settle")
	}
}

// TestVatsAreIndependent checks that two endowments keep their own allowlists and that one
// vat's teardown leaves the other's fetches alone.
func TestVatsAreIndependent(t *testing.T) {
	t.Parallel()
	b := newBlocker(false)
	srv := b.serve(t)
	a := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}})
	other := newVat(t, reference.Options{AllowedHosts: []string{"elsewhere.test"}})

	got := other.value(t, `try { await fetch(`+jsString(srv.URL+"/quick")+`); } catch (e) { return e.message; }`)
	if got != `"Invalid host: 127.0.0.1"` {
		t.Fatalf("the second vat's fetch returned %s, want a denial", got)
	}
	pending := a.start(`const r = await fetch(` + jsString(srv.URL+"/block") + `); return r.status;`)
	waitFor(t, b.entered, "the request reaching the server")
	if err := other.end.Teardown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := a.value(t, `return await (await fetch(`+jsString(srv.URL+"/quick")+`)).text();`); got != `"quick"` {
		t.Fatalf("the first vat's fetch after the second vat's teardown returned %s", got)
	}
	select {
	case <-b.disconnected:
		t.Fatal("tearing down one vat disconnected another vat's request")
	case o := <-pending:
		t.Fatalf("the first vat's pending fetch settled when the second vat was torn down: %s", o)
	default:
	}
}

func TestNewRefusesEntriesThatAreNotHosts(t *testing.T) {
	t.Parallel()
	for _, hosts := range [][]string{{"allowed.test:8080"}, {"allowed.test", ""}, {"::1"}} {
		if _, err := reference.New(reference.Options{AllowedHosts: hosts}); !errors.Is(err, allowlist.ErrInvalidEntry) {
			t.Errorf("New(AllowedHosts=%q) = %v, want an error wrapping allowlist.ErrInvalidEntry", hosts, err)
		}
	}
	if _, err := reference.New(reference.Options{AllowedHosts: []string{"ALLOWED.TEST", "[::1]", "bücher.test"}}); err != nil {
		t.Errorf("New with hosts in non-canonical spellings = %v, want nil", err)
	}
}
