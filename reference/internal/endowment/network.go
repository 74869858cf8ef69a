package endowment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

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

// isomorphicEncode turns a header value, a ByteString the Headers class has checked, into
// the bytes it stands for: each code point one byte (U+00E9 is the byte 0xE9, not UTF-8).
// https://infra.spec.whatwg.org/#isomorphic-encode
func isomorphicEncode(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b := make([]byte, 0, len(s))
			for _, r := range s {
				b = append(b, byte(r))
			}
			return string(b)
		}
	}
	return s
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
		panic(vm.NewTypeError("fetch: bad headers: %s", err.Error()))
	}
	for _, p := range pairs {
		req.headers = append(req.headers, [2]string{p[0], isomorphicEncode(p[1])})
	}
	if b := desc.Get("body"); b != nil && !goja.IsNull(b) && !goja.IsUndefined(b) {
		req.body = append([]byte(nil), bytesOf(b)...)
	}

	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		panic(vm.NewTypeError("%s", errClosed.Error()))
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
				cb.fail(vm.NewTypeError("%s", err.Error()))
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
	u, err := e.allowlist().Check(raw)
	if err == nil && e.opts.Faults.refusesHTTPS() && u.Scheme == "https" {
		return nil, fmt.Errorf("%w: https:", allowlist.ErrScheme)
	}
	return u, err
}
