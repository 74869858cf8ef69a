package endowment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
	nodeurl "github.com/dop251/goja_nodejs/url"

	"github.com/conform-suite/conform/reference/allowlist"
)

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
	AllowedHosts         []string
	Client               *http.Client
	Notify               func(Event)
	MaxResponseBytes     int64
	MaxResponseHeaders   int
	MaxConcurrentFetches int
	MaxHeldBodyBytes     int64
	Faults               Faults
}

// Defaults of the limits (see reference.Limits): generous enough for every spec of the
// suite, small enough that one vat cannot take the host's sockets or memory.
const (
	defaultMaxResponseBytes     = 64 << 20
	defaultMaxResponseHeaders   = 1000
	defaultMaxConcurrentFetches = 256
	defaultMaxHeldBodyBytes     = 256 << 20
)

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
	closed    bool // Close was called: nothing is sent, notified or scheduled any more
	// heldBodyBytes is the sum of the calls' heldBytes: bytes of response bodies read
	// from the network by calls that are still open.
	heldBodyBytes int64
	inflight      tracker
	// readBuffers are the buffers streamed body reads read the network into (*[]byte of
	// readChunk bytes).
	readBuffers sync.Pool
}

// call is one fetch: its cancellation, its response body once headers arrived, and its
// upload pipe when the request body is a stream.
type call struct {
	id     int64
	ctx    context.Context
	cancel context.CancelFunc
	upload *io.PipeWriter

	// heldBytes is what this call counts in the endowment's heldBodyBytes; guarded by
	// the endowment's mu.
	heldBytes int64

	mu     sync.Mutex
	body   io.ReadCloser
	cloned bool
	eof    bool
	// contentLength is the response's Content-Length, -1 when unknown: a whole-body read
	// allocates it at once.
	contentLength int64
}

// New validates options and builds an endowment; Install puts it into a runtime.
func New(opts Options) (*Endowment, error) {
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = defaultMaxResponseBytes
	}
	if opts.MaxResponseHeaders <= 0 {
		opts.MaxResponseHeaders = defaultMaxResponseHeaders
	}
	if opts.MaxConcurrentFetches <= 0 {
		opts.MaxConcurrentFetches = defaultMaxConcurrentFetches
	}
	if opts.MaxHeldBodyBytes <= 0 {
		opts.MaxHeldBodyBytes = defaultMaxHeldBodyBytes
	}
	e := &Endowment{opts: opts, allow: allowlist.New(opts.AllowedHosts), calls: map[int64]*call{}}
	e.readBuffers.New = func() any {
		buf := make([]byte, readChunk)
		return &buf
	}
	opts.Faults.shareAllowlist(e.allow)
	base := opts.Client
	if base == nil {
		base = &http.Client{Transport: &http.Transport{
			Proxy: nil,
			// A vat may have 32 or more fetches in flight to one host; fewer idle
			// connections than that and each burst dials again.
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     30 * time.Second,
		}}
	}
	client := *opts.Faults.client(base)
	// Redirects are followed by the endowment itself, hop by hop, so each hop is checked
	// against the allowlist before anything is sent to it; requests go straight to the
	// transport (redirect.go), since http.Client parses a Location itself, with Go's parser,
	// and fails on spellings the URL Standard reads. The policy below is what a use of the
	// client as a client would get.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Jar = nil
	if client.Transport == nil {
		client.Transport = &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}
	}
	e.client = &client
	return e, nil
}

func (e *Endowment) allowlist() *allowlist.List {
	if shared, ok := e.opts.Faults.sharedAllowlist(); ok {
		return shared
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

	// URL and URLSearchParams are built only for a vat given one of them: without the
	// globals a vat cannot make a URLSearchParams (the one object body extraction asks
	// about), and most vats get fetch alone.
	var urlCtor, paramsCtor goja.Value = goja.Undefined(), goja.Undefined()
	if slices.Contains(globals, "URL") || slices.Contains(globals, "URLSearchParams") {
		urlExports := vm.NewObject()
		module := vm.NewObject()
		_ = module.Set("exports", urlExports)
		nodeurl.Require(vm, module)
		urlCtor, paramsCtor = urlExports.Get("URL"), urlExports.Get("URLSearchParams")
	}

	factoryValue, err := vm.RunProgram(webAPIProgram)
	if err != nil {
		return fmt.Errorf("load web API: %w", err)
	}
	factory, ok := goja.AssertFunction(factoryValue)
	if !ok {
		return errors.New("load web API: not a function")
	}
	options := webAPIOptions(vm)
	_ = options.Set("URLSearchParams", paramsCtor)
	e.opts.Faults.setWebAPIOptions(options)
	// The two faults that change what is frozen walk the graph themselves; every other
	// endowment freezes by replaying the walk recorded once per process.
	if !e.opts.Faults.unfrozenGlobals() && !e.opts.Faults.hardenReachesIntrinsics() {
		replay, err := hardenReplay()
		if err != nil {
			return fmt.Errorf("build web API: %w", err)
		}
		replayFn, err := vm.RunProgram(replay)
		if err != nil {
			return fmt.Errorf("build web API: load harden replay: %w", err)
		}
		_ = options.Set("replayHarden", replayFn)
	}
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
		if name == "URL" || name == "URLSearchParams" {
			// goja_nodejs' classes have no @@toStringTag, which every WebIDL interface's
			// prototype has: Object.prototype.toString of a URL would not say "[object URL]".
			proto := value.ToObject(vm).Get("prototype").ToObject(vm)
			if err := proto.DefineDataPropertySymbol(goja.SymToStringTag, vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
				return fmt.Errorf("define %s.prototype[Symbol.toStringTag]: %w", name, err)
			}
		}
		if (name == "URL" || name == "URLSearchParams") && !e.opts.Faults.unfrozenGlobals() {
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

func (e *Endowment) currentEpoch() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.epoch
}

func (e *Endowment) lookup(id int64) (*call, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.calls[id]
	return c, ok
}

// forget removes a finished call; the body bytes it held are released.
func (e *Endowment) forget(id int64) {
	e.mu.Lock()
	if c, ok := e.calls[id]; ok {
		e.heldBodyBytes -= c.heldBytes
		c.heldBytes = 0
		delete(e.calls, id)
	}
	e.mu.Unlock()
}

// hold counts n more body bytes read by c against MaxHeldBodyBytes, or refuses them.
// Bytes of a call that teardown already detached are not counted.
func (e *Endowment) hold(c *call, n int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, live := e.calls[c.id]; !live {
		return nil
	}
	if e.heldBodyBytes+int64(n) > e.opts.MaxHeldBodyBytes {
		return fmt.Errorf("the vat's response bodies being read would hold more than %d bytes, the endowment's limit (Limits.MaxHeldBodyBytes)", e.opts.MaxHeldBodyBytes)
	}
	e.heldBodyBytes += int64(n)
	c.heldBytes += int64(n)
	return nil
}
