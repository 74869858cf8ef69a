package endowment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dop251/goja"

	"github.com/conform-suite/conform/reference/allowlist"
)

// request is what fetch asks the host to send.
type request struct {
	url, checkURL, method, redirect string
	headers                         [][2]string
	body                            []byte
	streaming                       bool
}

// send starts a fetch and returns its call id; cb succeeds on the loop with the response's
// head (responseMeta.toJS), or fails with a TypeError, unless teardown comes first.
func (e *Endowment) send(vm *goja.Runtime, desc *goja.Object, cb callbacks, bytesOf func(goja.Value) []byte) goja.Value {
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

	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		panic(vm.NewTypeError(errClosed.Error()))
	}
	if len(e.calls) >= e.opts.MaxConcurrentFetches {
		e.mu.Unlock()
		panic(vm.NewTypeError(fmt.Sprintf("fetch failed: %d fetches of this vat are in flight or have a body still open, the endowment's limit (Limits.MaxConcurrentFetches) is %d", len(e.calls), e.opts.MaxConcurrentFetches)))
	}
	if e.heldBodyBytes >= e.opts.MaxHeldBodyBytes {
		e.mu.Unlock()
		panic(vm.NewTypeError(fmt.Sprintf("fetch failed: the vat's response bodies being read hold %d bytes, the endowment's limit (Limits.MaxHeldBodyBytes) is %d", e.heldBodyBytes, e.opts.MaxHeldBodyBytes)))
	}
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
				cb.fail(vm.NewTypeError(err.Error()))
				return
			}
			if meta.bodyID == 0 {
				e.forget(id) // nothing left open: it no longer counts as in flight
			}
			cb.succeed(meta.toJS(vm))
		})
	}()
	return vm.ToValue(id)
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
	// Flat, name then value (see responseHeaders in webapi/response.js).
	headers := make([]any, 0, 2*len(m.headers))
	for _, h := range m.headers {
		headers = append(headers, h[0], h[1])
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
	if e.opts.Faults.brokenByTeardown() {
		return responseMeta{}, errors.New("fetch failed: network endowment is closed")
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

// notify calls the Notify option for a call started in epoch, unless teardown came since.
func (e *Endowment) notify(epoch uint64, method string) {
	if e.opts.Notify == nil || e.opts.Faults.noNotify() {
		return
	}
	e.mu.Lock()
	stale := e.closed || e.epoch != epoch
	e.mu.Unlock()
	if stale {
		return
	}
	defer func() { _ = recover() }() // a notify that panics never breaks a fetch
	e.opts.Notify(Event{Method: method, Params: map[string]any{"source": "fetch"}})
}

func (e *Endowment) check(raw string) (*url.URL, error) {
	if e.opts.Faults.noAllowlist() {
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
		if n := headerLines(res.Header); n > e.opts.MaxResponseHeaders {
			_ = res.Body.Close()
			return responseMeta{}, fmt.Errorf("fetch failed: the response from %s has %d header lines, more than the endowment's limit of %d (Limits.MaxResponseHeaders)", u.Redacted(), n, e.opts.MaxResponseHeaders)
		}
		if isRedirect(res.StatusCode) && req.redirect != "manual" {
			location := res.Header.Get("Location")
			if location != "" {
				_ = res.Body.Close()
				if req.redirect == "error" {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect mode is \"error\" and %s redirected", u.Redacted())
				}
				limit := maxRedirects
				if e.opts.Faults.redirectLimitOffByOne() {
					limit++
				}
				if hop+1 > limit {
					return responseMeta{}, errors.New("fetch failed: too many redirects")
				}
				next, err := u.Parse(location)
				if err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: invalid redirect location %q", location)
				}
				if next, err = allowlist.Parse(next.String()); err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect to %q: %v", location, err)
				}
				if !e.opts.Faults.redirectsUnchecked() && !e.opts.Faults.noAllowlist() {
					if err := e.allowlist().CheckURL(next); err != nil {
						return responseMeta{}, fmt.Errorf("fetch failed: redirect refused: %v", err)
					}
				}
				if upload != nil && res.StatusCode != http.StatusSeeOther {
					return responseMeta{}, errors.New("fetch failed: cannot follow a redirect with a streamed request body")
				}
				if redirectChangesToGET(res.StatusCode, method) {
					method, body, upload = http.MethodGet, nil, nil
					req.headers = withoutBodyHeaders(req.headers)
				}
				if !sameOrigin(u, next) && !e.opts.Faults.credentialsFollowRedirects() {
					req.headers = withoutCredentialHeaders(req.headers)
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
		c.contentLength = res.ContentLength
		c.mu.Unlock()
		meta.bodyID = c.id
		return meta, nil
	}
}

// headerLines counts the header lines of a response, each value of a repeated name once.
func headerLines(h http.Header) int {
	n := 0
	for _, values := range h {
		n += len(values)
	}
	return n
}

func isRedirect(status int) bool {
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308
}

// redirectChangesToGET says whether a redirect with status turns a request with method
// into a GET without a body (HTTP-redirect fetch, step 12,
// https://fetch.spec.whatwg.org/#http-redirect-fetch): a 301 or 302 of a POST, and a 303 of
// anything but GET and HEAD. Other redirects (307, 308, a 301 of a PUT) keep the method
// and the body.
func redirectChangesToGET(status int, method string) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound:
		return method == http.MethodPost
	case http.StatusSeeOther:
		return method != http.MethodGet && method != http.MethodHead
	}
	return false
}

// withoutBodyHeaders removes the request-body-header names
// (https://fetch.spec.whatwg.org/#request-body-header-name) when a redirect drops the body.
func withoutBodyHeaders(headers [][2]string) [][2]string {
	return withoutHeaders(headers, "content-type", "content-encoding", "content-language", "content-location")
}

// withoutCredentialHeaders removes what must not follow a redirect to another origin:
// Authorization, as HTTP-redirect fetch step 13 says, and Cookie and Proxy-Authorization,
// which a vat cannot set through Headers (they are forbidden request headers) but which
// must not leave their origin either if they ever reach this list.
func withoutCredentialHeaders(headers [][2]string) [][2]string {
	return withoutHeaders(headers, "authorization", "cookie", "proxy-authorization")
}

func withoutHeaders(headers [][2]string, names ...string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		if slices.Contains(names, strings.ToLower(h[0])) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// sameOrigin compares the origins (scheme, host, port) of two http(s) URLs, a port left
// out being the scheme's default (https://html.spec.whatwg.org/#same-origin).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOrDefault(a) == portOrDefault(b)
}

func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
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

// readChunk is the most one read of a streamed body asks the network for.
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
		// The network is read into a pooled buffer and what came is copied into a chunk of
		// its own size: the chunk goes to JS as an ArrayBuffer and cannot be reused, and a
		// 32 KiB chunk for each 1 KiB read was most of what a fetch allocated.
		buf := e.readBuffers.Get().(*[]byte)
		n, err := body.Read(*buf)
		chunk := append([]byte(nil), (*buf)[:n]...)
		e.readBuffers.Put(buf)
		if n > 0 {
			if holdErr := e.hold(c, n); holdErr != nil {
				n, err = 0, holdErr
			}
		}
		e.settle(epoch, func(vm *goja.Runtime) {
			switch {
			case n > 0:
				if err != nil {
					c.mu.Lock()
					c.eof = true
					c.mu.Unlock()
				}
				_ = resolve(vm.NewArrayBuffer(chunk))
			case err == io.EOF:
				e.closeCall(c)
				_ = resolve(goja.Null())
			case err != nil:
				e.closeCall(c)
				_ = reject(bodyReadError(vm, err))
			default:
				_ = resolve(vm.NewArrayBuffer(nil))
			}
		})
	}()
	return vm.ToValue(promise)
}

func bodyReadError(vm *goja.Runtime, err error) *goja.Object {
	return vm.NewTypeError("network error while reading the body: " + err.Error())
}

// Kinds of whole-body read, what readAll hands to JS: the body mixin's text() and json()
// need a string, arrayBuffer() and bytes() an ArrayBuffer.
const (
	wholeBodyText  = "text"
	wholeBodyBytes = "bytes"
)

// readAll reads a network body to its end in Go and succeeds cb once, on the loop, with
// all of it: a string (kind "text", decoded as text() decodes) or an ArrayBuffer. A body
// read through a stream costs a promise, a chunk object and a copy per read; this costs
// one hand-off. On a failure cb fails with the TypeError a streamed read would have failed
// with. The limits apply as they do to streamed reads (each read is held
// against MaxHeldBodyBytes until the body is done), and teardown cancels it the same way:
// the body is closed, and nothing is called afterwards.
func (e *Endowment) readAll(vm *goja.Runtime, id int64, kind string, cb callbacks) {
	c, ok := e.lookup(id)
	if !ok {
		cb.fail(vm.NewTypeError("body stream is closed"))
		return
	}
	c.mu.Lock()
	body, eof := c.body, c.eof
	c.mu.Unlock()
	if eof || body == nil {
		e.closeCall(c)
		cb.succeed(wholeBodyValue(vm, kind, nil))
		return
	}
	epoch := e.currentEpoch()
	e.inflight.add()
	go func() {
		defer e.inflight.done()
		data, err := e.readWhole(c, body)
		e.settle(epoch, func(vm *goja.Runtime) {
			e.closeCall(c)
			if err != nil {
				cb.fail(bodyReadError(vm, err))
				return
			}
			cb.succeed(wholeBodyValue(vm, kind, data))
		})
	}()
}

// wholeBodyPrealloc bounds what a whole-body read allocates before the bytes arrive: a
// server may declare a length it never sends, and 32 fetches in flight must not reserve
// 32 times the body limit on its word.
const wholeBodyPrealloc = 1 << 20

// readWhole reads body to its end, holding each read against the vat's limit. A body
// with a Content-Length up to wholeBodyPrealloc is read into one buffer of that size; a
// longer one grows as it arrives (the limit on the body's size stops it).
func (e *Endowment) readWhole(c *call, body io.Reader) ([]byte, error) {
	size := 512
	if c.contentLength > 0 {
		size = int(min(c.contentLength+1, e.opts.MaxResponseBytes+1, wholeBodyPrealloc))
	}
	data := make([]byte, 0, size)
	for {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(max(cap(data), 512), readChunk))
		}
		n, err := body.Read(data[len(data):cap(data)])
		if n > 0 {
			if holdErr := e.hold(c, n); holdErr != nil {
				return nil, holdErr
			}
			data = data[:len(data)+n]
		}
		switch {
		case err == io.EOF:
			return data, nil
		case err != nil:
			return nil, err
		}
	}
}

func wholeBodyValue(vm *goja.Runtime, kind string, data []byte) goja.Value {
	if kind == wholeBodyText {
		text, _ := decodeUTF8(data, false, false) // not fatal: it cannot fail
		return vm.ToValue(text)
	}
	return vm.ToValue(vm.NewArrayBuffer(data))
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
