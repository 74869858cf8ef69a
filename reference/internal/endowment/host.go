package endowment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dop251/goja"

	"github.com/conform-suite/conform/reference/allowlist"
)

// hostObject builds `host`, the primitives the Web API files in webapi/ are given. They
// run on the loop.
func (e *Endowment) hostObject(vm *goja.Runtime) *goja.Object {
	h := vm.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) { _ = h.Set(name, fn) }
	typeError := func(format string, args ...any) *goja.Object {
		// goja formats NewTypeError's first argument again: pass the message as an argument.
		return vm.NewTypeError("%s", fmt.Sprintf(format, args...))
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
		e.mu.Lock()
		epoch, closed := e.epoch, e.closed
		e.mu.Unlock()
		if closed {
			return goja.Undefined() // a closed endowment schedules nothing
		}
		delay := timerDelay(c.Argument(1).ToFloat())
		e.loop.SetTimeout(func(*goja.Runtime) {
			if !e.opts.Faults.lateSettlements() && e.currentEpoch() != epoch {
				return
			}
			_, _ = fn(goja.Undefined())
		}, delay)
		return goja.Undefined()
	})
	set("send", func(c goja.FunctionCall) goja.Value {
		onResponse, ok1 := goja.AssertFunction(c.Argument(1))
		onError, ok2 := goja.AssertFunction(c.Argument(2))
		if !ok1 || !ok2 {
			panic(typeError("send: callbacks must be functions"))
		}
		return e.send(vm, c.Argument(0).ToObject(vm), callbacks{onResponse, onError, extraArguments(c, 3)}, bytesOf)
	})
	set("read", func(c goja.FunctionCall) goja.Value {
		return e.read(vm, c.Argument(0).ToInteger())
	})
	set("readAll", func(c goja.FunctionCall) goja.Value {
		kind := wholeBodyBytes
		if c.Argument(1).String() == wholeBodyText {
			kind = wholeBodyText
		}
		onDone, ok1 := goja.AssertFunction(c.Argument(2))
		onError, ok2 := goja.AssertFunction(c.Argument(3))
		if !ok1 || !ok2 {
			panic(typeError("readAll: callbacks must be functions"))
		}
		e.readAll(vm, c.Argument(0).ToInteger(), kind, callbacks{onDone, onError, extraArguments(c, 4)})
		return goja.Undefined()
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

// timerDelay converts a timer's delay in milliseconds to a Duration. AbortSignal.timeout
// accepts up to Number.MAX_SAFE_INTEGER ms, far past the ~292 years a Duration holds: a
// longer delay is the longest Duration, not an overflow to a negative one that fires at once.
func timerDelay(ms float64) time.Duration {
	if ms >= float64(math.MaxInt64/int64(time.Millisecond)) {
		return math.MaxInt64
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// callbacks are the two functions a host call settles with, and the values it passes on to
// them after its result: a call site gives shared functions and its state as arguments
// instead of making two closures per call (one fetch made a dozen functions).
type callbacks struct {
	onSuccess, onFailure goja.Callable
	context              []goja.Value
}

// extraArguments are c's arguments from index from on (a host call's context).
func extraArguments(c goja.FunctionCall, from int) []goja.Value {
	if len(c.Arguments) <= from {
		return nil
	}
	return slices.Clone(c.Arguments[from:])
}

// succeed calls onSuccess with value and the context.
func (cb callbacks) succeed(value goja.Value) {
	_, _ = cb.onSuccess(goja.Undefined(), cb.with(value)...)
}

// fail calls onFailure with err and the context.
func (cb callbacks) fail(err goja.Value) {
	_, _ = cb.onFailure(goja.Undefined(), cb.with(err)...)
}

func (cb callbacks) with(first goja.Value) []goja.Value {
	args := make([]goja.Value, 0, 1+len(cb.context))
	return append(append(args, first), cb.context...)
}
