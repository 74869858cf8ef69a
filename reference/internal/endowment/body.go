package endowment

import (
	"errors"
	"io"
	"slices"

	"github.com/dop251/goja"
)

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
	if !e.opts.Faults.bodyReadLeavesLocked() {
		c.mu.Unlock()
	}
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
	return vm.NewTypeError("network error while reading the body: %s", err.Error())
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
				_ = reject(vm.NewTypeError("upload failed: %s", err.Error()))
				return
			}
			_ = resolve(goja.Undefined())
		})
	}()
	return vm.ToValue(promise)
}
