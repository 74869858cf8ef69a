package inprocess

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dop251/goja"

	"github.com/conform-suite/conform/harness"
)

// format renders a console argument: strings as they are, plain objects and arrays as
// JSON when they serialise, anything else as String(v).
func format(vm *goja.Runtime, v goja.Value) (s string) {
	defer func() {
		if recover() != nil { // a throwing toString must not break console.log
			s = "[unprintable]"
		}
	}()
	if obj, ok := v.(*goja.Object); ok {
		if cls := obj.ClassName(); cls == "Object" || cls == "Array" {
			if r := encode(vm, v); r.Error == nil && r.Value != nil {
				return string(r.Value)
			}
		}
	}
	return v.String()
}

// encode serialises v with JSON.stringify inside the vat, so the value the harness sees is
// the one vat code would see serialised (toJSON and all).
func encode(vm *goja.Runtime, v goja.Value) harness.EvalResult {
	if v == nil || goja.IsUndefined(v) {
		return harness.EvalResult{}
	}
	s, err := stringify(vm, v)
	if err != nil {
		return harness.EvalResult{Error: jsError(vm, err)}
	}
	if s == nil || goja.IsUndefined(s) {
		return harness.EvalResult{}
	}
	return harness.EvalResult{Value: json.RawMessage(s.String())}
}

func stringify(vm *goja.Runtime, v goja.Value) (result goja.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("JSON.stringify: %v", r)
		}
	}()
	jsonObj := vm.Get("JSON")
	if jsonObj == nil || goja.IsUndefined(jsonObj) {
		return nil, errors.New("JSON is not available in the vat")
	}
	fn, ok := goja.AssertFunction(jsonObj.ToObject(vm).Get("stringify"))
	if !ok {
		return nil, errors.New("JSON.stringify is not a function in the vat")
	}
	return fn(goja.Undefined(), v)
}

// errorOf maps a thrown value to {name, message} as PROTOCOL.md §3 says.
func errorOf(v goja.Value) (e *harness.JSError) {
	defer func() {
		if recover() != nil {
			e = &harness.JSError{Name: "Error", Message: "[a thrown value that cannot be converted to a string]"}
		}
	}()
	if obj, ok := v.(*goja.Object); ok {
		name := obj.Get("name")
		if name != nil && !goja.IsUndefined(name) {
			msg := ""
			if m := obj.Get("message"); m != nil && !goja.IsUndefined(m) {
				msg = m.String()
			}
			return &harness.JSError{Name: name.String(), Message: msg}
		}
	}
	if v == nil {
		return &harness.JSError{Name: "Error", Message: "undefined"}
	}
	return &harness.JSError{Name: "Error", Message: v.String()}
}

func jsError(vm *goja.Runtime, err error) *harness.JSError {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return errorOf(ex.Value())
	}
	var syn *goja.CompilerSyntaxError
	if errors.As(err, &syn) {
		return &harness.JSError{Name: "SyntaxError", Message: syn.Error()}
	}
	return &harness.JSError{Name: "Error", Message: err.Error()}
}
