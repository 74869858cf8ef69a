package endowment

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
	nodeurl "github.com/dop251/goja_nodejs/url"

	"github.com/conform-suite/conform/reference/allowlist"
)

//go:embed webapi.js
var webAPISource string

// webAPIProgram is compiled once per process and run once per runtime; a *goja.Program is
// immutable and safe to share between runtimes.
var webAPIProgram = goja.MustCompile("webapi.js", webAPISource, true)

// Globals lists every global an endowment can provide, in a stable order.
func Globals() []string {
	return []string{"fetch", "Request", "Headers", "Response", "AbortController", "AbortSignal",
		"DOMException", "ReadableStream", "TextEncoder", "TextDecoder", "URL", "URLSearchParams"}
}

// Event is one call of the notify callback.
type Event struct {
	Method string
	Params map[string]any
}

// Options configure an endowment; see the reference package for their meaning.
type Options struct {
	AllowedHosts     []string
	Client           *http.Client
	Notify           func(Event)
	MaxResponseBytes int64
	Faults           Faults
}

// Faults are deliberate bugs, switched on only by the suite's self-test (reference/mutants)
// to prove that specs fail when an implementation is wrong. The reference never sets them.
type Faults struct {
	NoAllowlist            bool // every host is allowed
	RedirectsUnchecked     bool // redirect hops are followed without a check
	StringifyTwice         bool // the input is converted once for the check and again for the fetch
	TeardownLeavesBodies   bool // teardown aborts requests but leaves response bodies open
	TeardownLeavesClones   bool // teardown leaves bodies that were cloned open
	LateSettlements        bool // results arriving after teardown still settle promises
	NoNotify               bool // notify is never called
	UnfrozenGlobals        bool // endowed objects are left mutable
	TeardownBreaksReuse    *Shared
	StateSharedBetweenVats *Shared
}

// Shared is state a broken variant keeps across the endowments it creates.
type Shared struct {
	mu        sync.Mutex
	tornDown  bool
	allowlist *allowlist.List
}

const defaultMaxResponseBytes = 64 << 20

const maxRedirects = 20

// Endowment is one vat's network endowment.
type Endowment struct {
	opts   Options
	allow  *allowlist.List
	client *http.Client

	mu        sync.Mutex
	vm        *goja.Runtime
	loop      *eventloop.EventLoop
	epoch     uint64
	nextID    int64
	calls     map[int64]*call
	installed bool
	inflight  tracker
}

// call is one fetch: its cancellation, its response body once headers arrived, and its
// upload pipe when the request body is a stream.
type call struct {
	id     int64
	ctx    context.Context
	cancel context.CancelFunc
	upload *io.PipeWriter

	mu     sync.Mutex
	body   io.ReadCloser
	cloned bool
	eof    bool
}

// New validates options and builds an endowment; Install puts it into a runtime.
func New(opts Options) (*Endowment, error) {
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = defaultMaxResponseBytes
	}
	e := &Endowment{opts: opts, allow: allowlist.New(opts.AllowedHosts), calls: map[int64]*call{}}
	if s := opts.Faults.StateSharedBetweenVats; s != nil {
		s.mu.Lock()
		// The bug: the most recently configured allowlist wins for every vat.
		s.allowlist = e.allow
		s.mu.Unlock()
	}
	base := opts.Client
	if base == nil {
		base = &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
		}}
	}
	client := *base
	// Redirects are followed by the endowment itself, hop by hop, so each hop is checked
	// against the allowlist before anything is sent to it.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Jar = nil
	e.client = &client
	return e, nil
}

func (e *Endowment) allowlist() *allowlist.List {
	if s := e.opts.Faults.StateSharedBetweenVats; s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.allowlist
	}
	return e.allow
}

// Install defines globals on vm. It must run on loop's goroutine.
func (e *Endowment) Install(vm *goja.Runtime, loop *eventloop.EventLoop, globals []string) error {
	known := map[string]bool{}
	for _, g := range Globals() {
		known[g] = true
	}
	for _, g := range globals {
		if !known[g] {
			return fmt.Errorf("unknown global %q: this endowment provides %s", g, strings.Join(Globals(), ", "))
		}
	}
	e.mu.Lock()
	if e.installed {
		e.mu.Unlock()
		return errors.New("endowment already installed in a runtime")
	}
	e.installed, e.vm, e.loop = true, vm, loop
	e.mu.Unlock()

	urlExports := vm.NewObject()
	module := vm.NewObject()
	_ = module.Set("exports", urlExports)
	nodeurl.Require(vm, module)
	urlCtor := urlExports.Get("URL")
	paramsCtor := urlExports.Get("URLSearchParams")

	factoryValue, err := vm.RunProgram(webAPIProgram)
	if err != nil {
		return fmt.Errorf("load web API: %w", err)
	}
	factory, ok := goja.AssertFunction(factoryValue)
	if !ok {
		return errors.New("load web API: not a function")
	}
	options := vm.NewObject()
	_ = options.Set("URLSearchParams", paramsCtor)
	_ = options.Set("skipFreeze", e.opts.Faults.UnfrozenGlobals)
	_ = options.Set("stringifyTwice", e.opts.Faults.StringifyTwice)
	apiValue, err := factory(goja.Undefined(), e.hostObject(vm), options)
	if err != nil {
		return fmt.Errorf("build web API: %w", err)
	}
	api := apiValue.ToObject(vm)
	freeze, _ := goja.AssertFunction(vm.Get("Object").ToObject(vm).Get("freeze"))
	for _, name := range globals {
		var value goja.Value
		switch name {
		case "URL":
			value = urlCtor
		case "URLSearchParams":
			value = paramsCtor
		default:
			value = api.Get(name)
		}
		if (name == "URL" || name == "URLSearchParams") && !e.opts.Faults.UnfrozenGlobals {
			obj := value.ToObject(vm)
			if _, err := freeze(goja.Undefined(), obj.Get("prototype")); err != nil {
				return fmt.Errorf("freeze %s.prototype: %w", name, err)
			}
			if _, err := freeze(goja.Undefined(), obj); err != nil {
				return fmt.Errorf("freeze %s: %w", name, err)
			}
		}
		if err := vm.Set(name, value); err != nil {
			return fmt.Errorf("define %s: %w", name, err)
		}
	}
	return nil
}

// Teardown aborts every in-flight request, closes every response body and upload, and
// makes every promise created before it unsettleable; it returns once every transport
// goroutine of the endowment has ended.
func (e *Endowment) Teardown(ctx context.Context) error {
	calls := e.detachOnLoop(ctx)
	if s := e.opts.Faults.TeardownBreaksReuse; s != nil {
		s.mu.Lock()
		s.tornDown = true
		s.mu.Unlock()
	}
	for _, c := range calls {
		c.mu.Lock()
		body, cloned := c.body, c.cloned
		c.mu.Unlock()
		leave := body != nil && (e.opts.Faults.TeardownLeavesBodies || (cloned && e.opts.Faults.TeardownLeavesClones))
		if leave {
			continue
		}
		c.cancel()
		if c.upload != nil {
			_ = c.upload.CloseWithError(errTornDown)
		}
		if body != nil {
			_ = body.Close()
		}
	}
	if err := e.inflight.wait(ctx); err != nil {
		return fmt.Errorf("teardown: transport goroutines still running: %w", err)
	}
	return nil
}

// loopWait bounds how long teardown waits for the event loop to take its turn before it
// detaches from outside the loop (the loop is stopped, or vat code is stuck in a loop).
const loopWait = 2 * time.Second

// detachOnLoop starts a new epoch and takes the live calls between two turns of the event
// loop: vat code that was running finishes first, and every settlement queued afterwards
// sees the new epoch and is dropped. No vat code observes a half-torn-down endowment, and
// nothing started before teardown settles after it.
func (e *Endowment) detachOnLoop(ctx context.Context) map[int64]*call {
	var (
		once  sync.Once
		calls map[int64]*call
	)
	detach := func() {
		once.Do(func() {
			e.mu.Lock()
			e.epoch++
			calls = e.calls
			e.calls = map[int64]*call{}
			e.mu.Unlock()
		})
	}
	if e.loop != nil {
		done := make(chan struct{})
		if e.loop.RunOnLoop(func(*goja.Runtime) { detach(); close(done) }) {
			wait, cancel := context.WithTimeout(ctx, loopWait)
			select {
			case <-done:
			case <-wait.Done():
			}
			cancel()
		}
	}
	detach() // a no-op when the loop has done it
	return calls
}

// tracker counts transport goroutines. Unlike sync.WaitGroup it allows new work to start
// while a teardown waits (a vat may fetch again at once), waiting only for what is running.
type tracker struct {
	mu   sync.Mutex
	n    int
	zero chan struct{}
}

func (t *tracker) add() {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.zero != nil {
		close(t.zero)
		t.zero = nil
	}
	t.mu.Unlock()
}

func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	if t.zero == nil {
		t.zero = make(chan struct{})
	}
	ch := t.zero
	t.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errTornDown = errors.New("the endowment was torn down")

// settle runs fn on the loop unless the endowment was torn down since epoch: a torn-down
// vat's promises never settle.
func (e *Endowment) settle(epoch uint64, fn func(vm *goja.Runtime)) {
	e.loop.RunOnLoop(func(vm *goja.Runtime) {
		if !e.opts.Faults.LateSettlements && e.currentEpoch() != epoch {
			return
		}
		fn(vm)
	})
}

func (e *Endowment) currentEpoch() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.epoch
}

func (e *Endowment) notify(epoch uint64, method string) {
	if e.opts.Notify == nil || e.opts.Faults.NoNotify || e.currentEpoch() != epoch {
		return
	}
	defer func() { _ = recover() }() // a notify that panics never breaks a fetch
	e.opts.Notify(Event{Method: method, Params: map[string]any{"source": "fetch"}})
}

func (e *Endowment) lookup(id int64) (*call, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.calls[id]
	return c, ok
}

func (e *Endowment) forget(id int64) {
	e.mu.Lock()
	delete(e.calls, id)
	e.mu.Unlock()
}

// hostObject builds the primitives webapi.js is given. They run on the loop.
func (e *Endowment) hostObject(vm *goja.Runtime) *goja.Object {
	h := vm.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) { _ = h.Set(name, fn) }
	typeError := func(format string, args ...any) *goja.Object {
		return vm.NewTypeError(fmt.Sprintf(format, args...))
	}
	bytesOf := func(v goja.Value) []byte {
		var b []byte
		if err := vm.ExportTo(v, &b); err != nil {
			panic(typeError("expected bytes: %v", err))
		}
		return b
	}

	set("parseURL", func(c goja.FunctionCall) goja.Value {
		out := vm.NewObject()
		u, err := allowlist.Parse(c.Argument(0).String())
		if err != nil && !errors.Is(err, allowlist.ErrScheme) {
			_ = out.Set("error", err.Error())
			return out
		}
		if err != nil {
			// Other schemes are valid URLs; fetch rejects them when it checks the request.
			_ = out.Set("href", c.Argument(0).String())
			_ = out.Set("credentials", false)
			return out
		}
		_ = out.Set("credentials", u.User != nil)
		_ = out.Set("href", u.String())
		return out
	})
	set("encodeUTF8", func(c goja.FunctionCall) goja.Value {
		return vm.ToValue(vm.NewArrayBuffer([]byte(c.Argument(0).String())))
	})
	set("decodeUTF8", func(c goja.FunctionCall) goja.Value {
		text, err := decodeUTF8(bytesOf(c.Argument(0)), c.Argument(1).ToBoolean(), c.Argument(2).ToBoolean())
		if err != nil {
			panic(typeError("%v", err))
		}
		return vm.ToValue(text)
	})
	set("notify", func(c goja.FunctionCall) goja.Value {
		e.notify(e.currentEpoch(), c.Argument(0).String())
		return goja.Undefined()
	})
	set("reportError", func(goja.FunctionCall) goja.Value { return goja.Undefined() })
	set("setTimeout", func(c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			panic(typeError("setTimeout: not a function"))
		}
		epoch := e.currentEpoch()
		delay := time.Duration(c.Argument(1).ToFloat() * float64(time.Millisecond))
		e.loop.SetTimeout(func(*goja.Runtime) {
			if !e.opts.Faults.LateSettlements && e.currentEpoch() != epoch {
				return
			}
			_, _ = fn(goja.Undefined())
		}, delay)
		return goja.Undefined()
	})
	set("send", func(c goja.FunctionCall) goja.Value {
		return e.send(vm, c.Argument(0).ToObject(vm), bytesOf)
	})
	set("read", func(c goja.FunctionCall) goja.Value {
		return e.read(vm, c.Argument(0).ToInteger())
	})
	set("cancelBody", func(c goja.FunctionCall) goja.Value {
		if cl, ok := e.lookup(c.Argument(0).ToInteger()); ok {
			e.closeCall(cl)
		}
		return goja.Undefined()
	})
	set("noteClone", func(c goja.FunctionCall) goja.Value {
		if cl, ok := e.lookup(c.Argument(0).ToInteger()); ok {
			cl.mu.Lock()
			cl.cloned = true
			cl.mu.Unlock()
		}
		return goja.Undefined()
	})
	set("abort", func(c goja.FunctionCall) goja.Value {
		if cl, ok := e.lookup(c.Argument(0).ToInteger()); ok {
			e.closeCall(cl)
		}
		return goja.Undefined()
	})
	set("uploadChunk", func(c goja.FunctionCall) goja.Value {
		return e.uploadChunk(vm, c.Argument(0).ToInteger(), append([]byte(nil), bytesOf(c.Argument(1))...))
	})
	set("uploadEnd", func(c goja.FunctionCall) goja.Value {
		if cl, ok := e.lookup(c.Argument(0).ToInteger()); ok && cl.upload != nil {
			if msg := c.Argument(1); goja.IsNull(msg) || goja.IsUndefined(msg) {
				_ = cl.upload.Close()
			} else {
				_ = cl.upload.CloseWithError(errors.New(msg.String()))
			}
		}
		return goja.Undefined()
	})
	return h
}

// closeCall aborts a call: its request, upload and body.
func (e *Endowment) closeCall(c *call) {
	c.cancel()
	if c.upload != nil {
		_ = c.upload.CloseWithError(context.Canceled)
	}
	c.mu.Lock()
	body := c.body
	c.mu.Unlock()
	if body != nil {
		_ = body.Close()
	}
	e.forget(c.id)
}

func decodeUTF8(b []byte, fatal, ignoreBOM bool) (string, error) {
	if !ignoreBOM && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	if fatal {
		return "", errors.New("The encoded data was not valid utf-8")
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			// One U+FFFD for each maximal subpart of an invalid sequence, as the Encoding
			// Standard's UTF-8 decoder does.
			size = maximalSubpart(b)
		}
		sb.WriteRune(r)
		b = b[size:]
	}
	return sb.String(), nil
}

// maximalSubpart is the length of the longest prefix of b that begins a well-formed UTF-8
// sequence, at least 1; b does not begin with a whole one.
func maximalSubpart(b []byte) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 2
	case c >= 0xE0 && c <= 0xEF:
		need = 3
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 4
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
	default:
		return 1
	}
	n := 1
	for n < need && n < len(b) && b[n] >= lo && b[n] <= hi {
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}

// request is what fetch asks the host to send.
type request struct {
	url, checkURL, method, redirect string
	headers                         [][2]string
	body                            []byte
	streaming                       bool
}

func (e *Endowment) send(vm *goja.Runtime, desc *goja.Object, bytesOf func(goja.Value) []byte) goja.Value {
	req := request{
		url:       desc.Get("url").String(),
		method:    desc.Get("method").String(),
		redirect:  desc.Get("redirect").String(),
		streaming: desc.Get("streaming").ToBoolean(),
	}
	if v := desc.Get("checkURL"); v != nil && !goja.IsNull(v) && !goja.IsUndefined(v) {
		req.checkURL = v.String()
	}
	var pairs [][]string
	if err := vm.ExportTo(desc.Get("headers"), &pairs); err != nil {
		panic(vm.NewTypeError("fetch: bad headers: " + err.Error()))
	}
	for _, p := range pairs {
		req.headers = append(req.headers, [2]string{p[0], p[1]})
	}
	if b := desc.Get("body"); b != nil && !goja.IsNull(b) && !goja.IsUndefined(b) {
		req.body = append([]byte(nil), bytesOf(b)...)
	}

	promise, resolve, reject := vm.NewPromise()
	e.mu.Lock()
	e.nextID++
	id := e.nextID
	epoch := e.epoch
	ctx, cancel := context.WithCancel(context.Background())
	c := &call{id: id, ctx: ctx, cancel: cancel}
	var uploadReader *io.PipeReader
	if req.streaming {
		uploadReader, c.upload = io.Pipe()
	}
	e.calls[id] = c
	e.inflight.add()
	e.mu.Unlock()

	go func() {
		defer e.inflight.done()
		meta, err := e.roundTrip(c, epoch, req, uploadReader)
		if err != nil && uploadReader != nil {
			// A request refused or failed before its body was consumed: unblock the
			// pending chunk writes so they fail instead of waiting forever.
			_ = uploadReader.CloseWithError(err)
		}
		e.settle(epoch, func(vm *goja.Runtime) {
			if err != nil {
				e.forget(id)
				_ = reject(vm.NewTypeError(err.Error()))
				return
			}
			_ = resolve(meta.toJS(vm))
		})
	}()
	out := vm.NewObject()
	_ = out.Set("id", id)
	_ = out.Set("response", promise)
	return out
}

type responseMeta struct {
	status     int
	statusText string
	headers    [][]string
	url        string
	redirected bool
	typ        string
	bodyID     int64 // 0: null body
}

func (m responseMeta) toJS(vm *goja.Runtime) goja.Value {
	o := vm.NewObject()
	_ = o.Set("status", m.status)
	_ = o.Set("statusText", m.statusText)
	headers := make([]any, len(m.headers))
	for i, h := range m.headers {
		headers[i] = vm.NewArray(h[0], h[1])
	}
	_ = o.Set("headers", vm.NewArray(headers...))
	_ = o.Set("url", m.url)
	_ = o.Set("redirected", m.redirected)
	_ = o.Set("type", m.typ)
	if m.bodyID == 0 {
		_ = o.Set("bodyId", goja.Null())
	} else {
		_ = o.Set("bodyId", m.bodyID)
	}
	return o
}

// roundTrip sends the request, following redirects hop by hop with a check before each.
func (e *Endowment) roundTrip(c *call, epoch uint64, req request, upload *io.PipeReader) (responseMeta, error) {
	if s := e.opts.Faults.TeardownBreaksReuse; s != nil {
		s.mu.Lock()
		broken := s.tornDown
		s.mu.Unlock()
		if broken {
			return responseMeta{}, errors.New("fetch failed: network endowment is closed")
		}
	}
	checked := req.url
	if req.checkURL != "" {
		checked = req.checkURL
	}
	u, err := e.check(checked)
	if err != nil {
		return responseMeta{}, err
	}
	if req.checkURL != "" {
		if u, err = allowlist.Parse(req.url); err != nil {
			return responseMeta{}, err
		}
	}
	e.notify(epoch, "OutboundRequest")
	meta, err := e.follow(c, req, u, upload)
	e.notify(epoch, "OutboundResponse")
	return meta, err
}

func (e *Endowment) check(raw string) (*url.URL, error) {
	if e.opts.Faults.NoAllowlist {
		return allowlist.Parse(raw)
	}
	return e.allowlist().Check(raw)
}

func (e *Endowment) follow(c *call, req request, u *url.URL, upload *io.PipeReader) (responseMeta, error) {
	method, body := req.method, req.body
	redirected := false
	for hop := 0; ; hop++ {
		var reader io.Reader
		switch {
		case upload != nil && hop == 0:
			reader = upload
		case body != nil:
			reader = strings.NewReader(string(body))
		}
		httpReq, err := http.NewRequestWithContext(c.ctx, method, u.String(), reader)
		if err != nil {
			return responseMeta{}, fmt.Errorf("fetch failed: %v", err)
		}
		if upload != nil && hop == 0 {
			httpReq.ContentLength = -1
		}
		for _, h := range req.headers {
			if strings.EqualFold(h[0], "host") {
				continue
			}
			httpReq.Header.Add(h[0], h[1])
		}
		res, err := e.client.Do(httpReq)
		if err != nil {
			if c.ctx.Err() != nil {
				return responseMeta{}, errors.New("fetch aborted")
			}
			return responseMeta{}, fmt.Errorf("fetch failed: %v", unwrapURLError(err))
		}
		if isRedirect(res.StatusCode) && req.redirect != "manual" {
			location := res.Header.Get("Location")
			if location != "" {
				_ = res.Body.Close()
				if req.redirect == "error" {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect mode is \"error\" and %s redirected", u.Redacted())
				}
				if hop+1 > maxRedirects {
					return responseMeta{}, errors.New("fetch failed: too many redirects")
				}
				next, err := u.Parse(location)
				if err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: invalid redirect location %q", location)
				}
				if next, err = allowlist.Parse(next.String()); err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect to %q: %v", location, err)
				}
				if !e.opts.Faults.RedirectsUnchecked && !e.opts.Faults.NoAllowlist {
					if err := e.allowlist().CheckURL(next); err != nil {
						return responseMeta{}, fmt.Errorf("fetch failed: redirect refused: %v", err)
					}
				}
				if upload != nil && res.StatusCode != http.StatusSeeOther {
					return responseMeta{}, errors.New("fetch failed: cannot follow a redirect with a streamed request body")
				}
				if (res.StatusCode == http.StatusSeeOther && method != http.MethodHead) ||
					((res.StatusCode == http.StatusMovedPermanently || res.StatusCode == http.StatusFound) && method == http.MethodPost) {
					method, body, upload = http.MethodGet, nil, nil
					req.headers = withoutBodyHeaders(req.headers)
				}
				u, redirected = next, true
				continue
			}
		}
		if isRedirect(res.StatusCode) && req.redirect == "manual" {
			_ = res.Body.Close()
			return responseMeta{status: 0, typ: "opaqueredirect", url: u.String(), redirected: redirected, headers: [][]string{}}, nil
		}
		meta := responseMeta{
			status:     res.StatusCode,
			statusText: strings.TrimSpace(strings.TrimPrefix(res.Status, fmt.Sprint(res.StatusCode))),
			url:        u.String(),
			redirected: redirected,
			typ:        "basic",
		}
		for name, values := range res.Header {
			lower := strings.ToLower(name)
			for _, v := range values {
				meta.headers = append(meta.headers, []string{lower, v})
			}
		}
		if method == http.MethodHead || res.StatusCode == 101 || res.StatusCode == 204 || res.StatusCode == 205 || res.StatusCode == 304 {
			_ = res.Body.Close()
			return meta, nil
		}
		c.mu.Lock()
		c.body = &limitedBody{ReadCloser: res.Body, remaining: e.opts.MaxResponseBytes}
		c.mu.Unlock()
		meta.bodyID = c.id
		return meta, nil
	}
}

func isRedirect(status int) bool {
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308
}

func withoutBodyHeaders(headers [][2]string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		switch strings.ToLower(h[0]) {
		case "content-type", "content-encoding", "content-language", "content-location":
			continue
		}
		out = append(out, h)
	}
	return out
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// limitedBody fails a body that exceeds the endowment's limit instead of buffering it.
type limitedBody struct {
	io.ReadCloser
	remaining int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	// At exactly the limit one more byte is asked for: the end of the body is not an excess.
	if b.remaining < 0 {
		return 0, errors.New("response body exceeds the endowment's size limit")
	}
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.remaining -= int64(n)
	if b.remaining < 0 {
		return 0, errors.New("response body exceeds the endowment's size limit")
	}
	return n, err
}

const readChunk = 32 << 10

// read returns a promise of the next body chunk (an ArrayBuffer) or null at the end.
func (e *Endowment) read(vm *goja.Runtime, id int64) goja.Value {
	promise, resolve, reject := vm.NewPromise()
	c, ok := e.lookup(id)
	if !ok {
		_ = reject(vm.NewTypeError("body stream is closed"))
		return vm.ToValue(promise)
	}
	c.mu.Lock()
	body, eof := c.body, c.eof
	c.mu.Unlock()
	if eof || body == nil {
		e.closeCall(c)
		_ = resolve(goja.Null())
		return vm.ToValue(promise)
	}
	epoch := e.currentEpoch()
	e.inflight.add()
	go func() {
		defer e.inflight.done()
		buf := make([]byte, readChunk)
		n, err := body.Read(buf)
		e.settle(epoch, func(vm *goja.Runtime) {
			switch {
			case n > 0:
				if err != nil {
					c.mu.Lock()
					c.eof = true
					c.mu.Unlock()
				}
				_ = resolve(vm.NewArrayBuffer(buf[:n]))
			case err == io.EOF:
				e.closeCall(c)
				_ = resolve(goja.Null())
			case err != nil:
				e.closeCall(c)
				_ = reject(vm.NewTypeError("network error while reading the body: " + err.Error()))
			default:
				_ = resolve(vm.NewArrayBuffer(nil))
			}
		})
	}()
	return vm.ToValue(promise)
}

func (e *Endowment) uploadChunk(vm *goja.Runtime, id int64, chunk []byte) goja.Value {
	promise, resolve, reject := vm.NewPromise()
	c, ok := e.lookup(id)
	if !ok || c.upload == nil {
		_ = reject(vm.NewTypeError("upload is closed"))
		return vm.ToValue(promise)
	}
	epoch := e.currentEpoch()
	e.inflight.add()
	go func() {
		defer e.inflight.done()
		_, err := c.upload.Write(chunk)
		e.settle(epoch, func(vm *goja.Runtime) {
			if err != nil {
				_ = reject(vm.NewTypeError("upload failed: " + err.Error()))
				return
			}
			_ = resolve(goja.Undefined())
		})
	}()
	return vm.ToValue(promise)
}
