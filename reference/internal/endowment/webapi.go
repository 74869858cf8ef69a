package endowment

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
)

// webAPIFiles are the Web API sources in webapi/, in the order they are compiled: each file
// may use what an earlier one declares (request.js uses Headers, fetch.js uses Request and
// Response, harden.js freezes them all).
var webAPIFiles = []string{
	"intrinsics.js",
	"dom-exception.js",
	"abort.js",
	"text.js",
	"streams.js",
	"network-body.js",
	"headers.js",
	"body.js",
	"request.js",
	"response.js",
	"fetch.js",
	"harden.js",
}

//go:embed webapi/*.js
var webAPISources embed.FS

// webAPIProgram is the files above concatenated into the body of one function
// `(host, options) => globals`, compiled once per process and run once per runtime; a
// *goja.Program is immutable and safe to share between runtimes. One program keeps the
// shared closure the files rely on and costs one compilation, as the single file did.
var webAPIProgram = goja.MustCompile("webapi.js", webAPISource(), true)

func webAPISource() string {
	var sb strings.Builder
	sb.WriteString("(function (host, options) {\n'use strict';\n")
	for _, name := range webAPIFiles {
		src, err := webAPISources.ReadFile("webapi/" + name)
		if err != nil {
			panic(fmt.Sprintf("embedded web API source %s: %v", name, err))
		}
		// The marker keeps a stack trace's line number traceable to its file.
		fmt.Fprintf(&sb, "\n// ---- webapi/%s\n", name)
		sb.Write(src)
	}
	sb.WriteString("\n});\n")
	return sb.String()
}

// hardenReplay is the straight-line program that freezes, in a runtime that ran
// webAPIProgram, the objects harden.js's walk reached in a scratch runtime: built on the
// first installation and shared by every runtime after it (a *goja.Program is immutable).
// The walk is most of the cost of creating a vat; the replay reads each object by the path
// the walk found it through and freezes it.
var hardenReplay = sync.OnceValues(compileHardenReplay)

// compileHardenReplay compiles the replay recordHardenReplay writes.
func compileHardenReplay() (*goja.Program, error) {
	src, err := recordHardenReplay()
	if err != nil {
		return nil, err
	}
	program, err := goja.Compile("harden-replay.js", src, true)
	if err != nil {
		return nil, fmt.Errorf("compile harden replay: %w", err)
	}
	return program, nil
}

// recordHardenReplay runs the Web API program in a scratch runtime with the walk recording
// its paths, and writes them as a function
// (roots, freeze, getOwnPropertyDescriptor, getPrototypeOf, Symbol) that harden.js calls
// instead of walking; its Symbol is an object of the well-known symbols the program was
// given, not the global.
func recordHardenReplay() (string, error) {
	vm := goja.New()
	factoryValue, err := vm.RunProgram(webAPIProgram)
	if err != nil {
		return "", fmt.Errorf("record harden paths: load web API: %w", err)
	}
	factory, ok := goja.AssertFunction(factoryValue)
	if !ok {
		return "", errors.New("record harden paths: the web API program is not a function")
	}
	var paths goja.Value
	options := webAPIOptions(vm)
	_ = options.Set("recordHarden", func(c goja.FunctionCall) goja.Value {
		paths = c.Argument(0)
		return goja.Undefined()
	})
	if _, err := factory(goja.Undefined(), (&Endowment{}).hostObject(vm), options); err != nil {
		return "", fmt.Errorf("record harden paths: build web API: %w", err)
	}
	if paths == nil {
		return "", errors.New("record harden paths: harden.js did not report its paths")
	}
	src, err := hardenReplaySource(vm, paths.ToObject(vm))
	if err != nil {
		return "", fmt.Errorf("record harden paths: %w", err)
	}
	return src, nil
}

// hardenReplaySource writes the replay of the walk's paths (see harden.js): one constant
// per object, read from its parent as the walk reached it, then frozen.
func hardenReplaySource(vm *goja.Runtime, paths *goja.Object) (string, error) {
	var sb strings.Builder
	sb.WriteString("(function (roots, freeze, getOwnPropertyDescriptor, getPrototypeOf, Symbol) {\n'use strict';\n")
	n := int(paths.Get("length").ToInteger())
	for i := range n {
		entry := paths.Get(strconv.Itoa(i)).ToObject(vm)
		parent := entry.Get("0").ToInteger()
		kind := entry.Get("1").String()
		if kind != "root" && (parent < 0 || parent >= int64(i)) {
			return "", fmt.Errorf("path %d: parent %d was not reached before it", i, parent)
		}
		var key string
		if kind != "proto" {
			k, err := replayKey(entry.Get("2"))
			if err != nil {
				return "", fmt.Errorf("path %d: %w", i, err)
			}
			key = k
		}
		switch kind {
		case "root":
			fmt.Fprintf(&sb, "const o%d = roots[%s];\n", i, key)
		case "value":
			fmt.Fprintf(&sb, "const o%d = o%d[%s];\n", i, parent, key)
		case "get", "set":
			fmt.Fprintf(&sb, "const o%d = getOwnPropertyDescriptor(o%d, %s).%s;\n", i, parent, key, kind)
		case "proto":
			fmt.Fprintf(&sb, "const o%d = getPrototypeOf(o%d);\n", i, parent)
		default:
			return "", fmt.Errorf("path %d: unknown kind %q", i, kind)
		}
		fmt.Fprintf(&sb, "freeze(o%d);\n", i)
	}
	sb.WriteString("});\n")
	return sb.String(), nil
}

// wellKnownSymbols names the symbols a replayed path may use as a key: the two the Web API
// program is given (webAPIOptions), the same in every runtime. The endowment defines no
// symbols of its own.
var wellKnownSymbols = map[*goja.Symbol]string{goja.SymIterator: "iterator", goja.SymToStringTag: "toStringTag"}

// webAPIOptions is the options object of the Web API program's function, with what every
// runtime's program is given: the well-known symbols it uses (see intrinsics.js).
func webAPIOptions(vm *goja.Runtime) *goja.Object {
	options := vm.NewObject()
	_ = options.Set("symbolIterator", goja.SymIterator)
	_ = options.Set("symbolToStringTag", goja.SymToStringTag)
	return options
}

// replayKey is the JavaScript expression for a property key of a path: a string literal,
// an array index, or a well-known symbol.
func replayKey(key goja.Value) (string, error) {
	if sym, ok := key.(*goja.Symbol); ok {
		name, ok := wellKnownSymbols[sym]
		if !ok {
			return "", fmt.Errorf("property key %s is not a well-known symbol", sym)
		}
		return "Symbol." + name, nil
	}
	quoted, err := json.Marshal(key.String())
	if err != nil {
		return "", fmt.Errorf("property key %q: %w", key.String(), err)
	}
	return string(quoted), nil
}
