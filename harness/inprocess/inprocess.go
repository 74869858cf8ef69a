package inprocess

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/reference"
)

// Endowment is what a vat is given: the reference, or a deliberately broken variant of it
// (reference/mutants). It is the reference's interface under the name this package's
// callers use; the interface is declared once, in reference.
type Endowment = reference.VatEndowment

// Options configure the in-process implementation.
type Options struct {
	// Name and Version describe the implementation in reports (defaults:
	// "conform-reference" and the module's version).
	Name, Version string
	// NewEndowment creates one vat's endowment; nil means the reference.
	NewEndowment func(reference.Options) (Endowment, error)
	// Globals is what initialize advertises and createVat accepts; nil means
	// reference.Globals().
	Globals []string
	// PrepareClient is called on the HTTP client built at Initialize (routed through the
	// proxy), e.g. to guard it so that nothing but the mock network is reachable.
	PrepareClient func(*http.Client) error
	// Limits are passed to every endowment.
	Limits reference.Limits
}

// Implementation runs every vat as its own goja runtime on its own event loop.
type Implementation struct {
	opts Options

	mu        sync.Mutex
	client    *http.Client
	transport *http.Transport
	listener  harness.Listener
	vats      map[string]*vat
	closed    bool
}

// vat is one vat. Once terminated, it keeps only its id and what a second terminateVat
// waits for: its runtime, loop and endowment are released (a terminated vat's memory
// would otherwise stay until shutdown).
type vat struct {
	id string

	mu        sync.Mutex
	loop      *eventloop.EventLoop
	vm        *goja.Runtime // only for Interrupt, which is safe from any goroutine
	endowment Endowment
	// then is the intrinsic Promise.prototype.then, taken before any vat code ran, so
	// replacing it from the vat cannot hide or fake a settlement from the harness.
	then  goja.Callable
	tasks map[string]bool

	// terminating is closed when termination starts: evaluate and start are refused from
	// then on, and a pending evaluate is answered. stopped is closed when it has finished,
	// with stopErr its outcome.
	terminating chan struct{}
	stopped     chan struct{}
	stopErr     error
}

var (
	_ harness.Implementation = (*Implementation)(nil)
	_ harness.VatTeardown    = (*Implementation)(nil)
)

// New returns an in-process implementation.
func New(opts Options) *Implementation {
	if opts.Name == "" {
		opts.Name = "conform-reference"
	}
	if opts.Version == "" {
		opts.Version = moduleVersion()
	}
	if opts.NewEndowment == nil {
		opts.NewEndowment = func(o reference.Options) (Endowment, error) { return reference.New(o) }
	}
	if opts.Globals == nil {
		opts.Globals = reference.Globals()
	}
	return &Implementation{opts: opts, vats: map[string]*vat{}}
}

func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "devel"
}

// Initialize builds the HTTP client every vat's endowment uses, routed through the proxy
// (http:// in absolute form, https:// through CONNECT). Given network.ca, the client trusts
// that authority and nothing else: the virtual hosts are all it can reach, and a root pool
// of one certificate keeps a stray system root from vouching for anything. Without it, Go's
// usual roots apply. Verification itself is never relaxed.
func (im *Implementation) Initialize(ctx context.Context, p harness.InitializeParams) (harness.InitializeResult, error) {
	proxy, err := url.Parse(p.Network.Proxy)
	if err != nil || proxy.Scheme != "http" || proxy.Host == "" {
		return harness.InitializeResult{}, &harness.RPCError{Code: harness.CodeInvalidParams,
			Message: fmt.Sprintf("network.proxy must be an http:// URL, got %q", p.Network.Proxy)}
	}
	transport := &http.Transport{
		Proxy:               http.ProxyURL(proxy),
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}
	if p.Network.CA != "" {
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(p.Network.CA)) {
			return harness.InitializeResult{}, &harness.RPCError{Code: harness.CodeInvalidParams,
				Message: "network.ca must be a PEM certificate (-----BEGIN CERTIFICATE-----…)"}
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	client := &http.Client{Transport: transport}
	if im.opts.PrepareClient != nil {
		if err := im.opts.PrepareClient(client); err != nil {
			return harness.InitializeResult{}, fmt.Errorf("initialize: prepare HTTP client: %w", err)
		}
	}
	im.mu.Lock()
	im.client, im.transport, im.listener = client, transport, p.Listener
	im.mu.Unlock()
	return harness.InitializeResult{
		Name: im.opts.Name, Version: im.opts.Version, ProtocolVersion: harness.ProtocolVersionTeardown,
		Globals: slices.Clone(im.opts.Globals), Features: []string{harness.FeatureTeardownVat},
	}, nil
}

// hostGlobals are what goja_nodejs' event loop puts on every runtime. A vat gets only its
// endowments and a console (PROTOCOL.md §3): timers and require would let vat code run
// after teardown or reach host modules.
var hostGlobals = []string{"require", "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"}

// CreateVat starts a runtime with the requested globals and a console.
func (im *Implementation) CreateVat(ctx context.Context, p harness.CreateVatParams) error {
	im.mu.Lock()
	client, listener := im.client, im.listener
	_, exists := im.vats[p.VatID]
	closed := im.closed
	im.mu.Unlock()
	switch {
	case client == nil || closed:
		return &harness.RPCError{Code: harness.CodeInvalidRequest, Message: "createVat before initialize or after shutdown"}
	case p.VatID == "":
		return &harness.RPCError{Code: harness.CodeInvalidParams, Message: "createVat needs a vatId"}
	case exists:
		return &harness.RPCError{Code: harness.CodeVatExists, Message: fmt.Sprintf("vat %q already exists (vat ids are never reused)", p.VatID)}
	}
	seen := map[string]bool{}
	for _, g := range p.Globals {
		if !slices.Contains(im.opts.Globals, g) {
			return &harness.RPCError{Code: harness.CodeVatConfigDenied, Message: fmt.Sprintf("unknown global %q: this implementation offers %s", g, strings.Join(im.opts.Globals, ", "))}
		}
		seen[g] = true
	}
	var allowed []string
	if p.Network != nil {
		allowed = p.Network.AllowedHosts
	}
	if seen["fetch"] && allowed == nil {
		return &harness.RPCError{Code: harness.CodeVatConfigDenied, Message: "fetch requires network.allowedHosts in the vat configuration"}
	}
	vatID := p.VatID
	end, err := im.opts.NewEndowment(reference.Options{
		AllowedHosts: allowed,
		Client:       client,
		Limits:       im.opts.Limits,
		Notify: func(ev reference.Event) {
			if listener == nil {
				return
			}
			var params json.RawMessage
			if ev.Params != nil {
				params, _ = json.Marshal(ev.Params)
			}
			listener.Notify(harness.NotifyEvent{VatID: vatID, Method: ev.Method, Params: params})
		},
	})
	if err != nil {
		return &harness.RPCError{Code: harness.CodeVatConfigDenied, Message: err.Error()}
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	installed := make(chan error, 1)
	var (
		then    goja.Callable
		runtime *goja.Runtime
	)
	loop.RunOnLoop(func(vm *goja.Runtime) {
		runtime = vm
		installed <- func() error {
			promise, _, _ := vm.NewPromise()
			fn, ok := goja.AssertFunction(vm.ToValue(promise).ToObject(vm).Get("then"))
			if !ok {
				return errors.New("the runtime has no Promise.prototype.then")
			}
			then = fn
			global := vm.GlobalObject()
			for _, name := range hostGlobals {
				if err := global.Delete(name); err != nil {
					return fmt.Errorf("remove host global %s: %w", name, err)
				}
			}
			if err := end.Install(vm, loop, p.Globals); err != nil {
				return err
			}
			return installConsole(vm, vatID, listener)
		}()
	})
	loop.Start()
	select {
	case err := <-installed:
		if err != nil {
			loop.Terminate()
			return &harness.RPCError{Code: harness.CodeVatConfigDenied, Message: err.Error()}
		}
	case <-ctx.Done():
		loop.Terminate()
		return fmt.Errorf("createVat %s: %w", vatID, ctx.Err())
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	if _, raced := im.vats[vatID]; raced || im.closed {
		loop.Terminate()
		return &harness.RPCError{Code: harness.CodeVatExists, Message: fmt.Sprintf("vat %q already exists (vat ids are never reused)", vatID)}
	}
	im.vats[vatID] = &vat{id: vatID, loop: loop, vm: runtime, endowment: end, then: then, tasks: map[string]bool{},
		terminating: make(chan struct{}), stopped: make(chan struct{})}
	return nil
}

func installConsole(vm *goja.Runtime, vatID string, listener harness.Listener) error {
	console := vm.NewObject()
	for _, level := range []string{"log", "info", "warn", "error", "debug"} {
		if err := console.Set(level, func(c goja.FunctionCall) goja.Value {
			parts := make([]string, len(c.Arguments))
			for i, a := range c.Arguments {
				parts[i] = format(vm, a)
			}
			if listener != nil {
				listener.Log(harness.LogEvent{VatID: vatID, Level: level, Message: strings.Join(parts, " ")})
			}
			return goja.Undefined()
		}); err != nil {
			return err
		}
	}
	return vm.Set("console", console)
}

// vat returns a live vat, or the protocol's answer for an unknown or terminated one.
func (im *Implementation) vat(id string) (*vat, error) {
	im.mu.Lock()
	v, ok := im.vats[id]
	im.mu.Unlock()
	if !ok {
		return nil, &harness.RPCError{Code: harness.CodeUnknownVat, Message: fmt.Sprintf("no vat %q", id)}
	}
	if v.isTerminating() {
		return nil, terminatedError(id)
	}
	return v, nil
}

func terminatedError(id string) error {
	return &harness.RPCError{Code: harness.CodeUnknownVat, Message: fmt.Sprintf("vat %q was terminated", id)}
}

func (v *vat) isTerminating() bool {
	select {
	case <-v.terminating:
		return true
	default:
		return false
	}
}

// run starts source as the body of an async function on the vat's loop and calls done
// with its outcome when the promise settles (never, if it never settles). It returns
// false if the vat was terminated first.
func run(v *vat, source string, done func(harness.EvalResult)) bool {
	v.mu.Lock()
	loop, then := v.loop, v.then
	v.mu.Unlock()
	if loop == nil {
		return false
	}
	return loop.RunOnLoop(func(vm *goja.Runtime) {
		value, err := runScript(vm, "(async function () {\n"+source+"\n})()")
		var interrupted *goja.InterruptedError
		if errors.As(err, &interrupted) {
			return // the vat was terminated while the program ran: it never settles
		}
		if err != nil {
			done(harness.EvalResult{Error: jsError(vm, err)})
			return
		}
		promise, ok := value.Export().(*goja.Promise)
		if !ok {
			done(harness.EvalResult{Error: &harness.JSError{Name: "Error", Message: "the program did not produce a promise"}})
			return
		}
		onFulfilled := vm.ToValue(func(c goja.FunctionCall) goja.Value {
			done(encode(vm, c.Argument(0)))
			return goja.Undefined()
		})
		onRejected := vm.ToValue(func(c goja.FunctionCall) goja.Value {
			done(harness.EvalResult{Error: errorOf(c.Argument(0))})
			return goja.Undefined()
		})
		switch promise.State() {
		case goja.PromiseStateFulfilled:
			done(encode(vm, promise.Result()))
		case goja.PromiseStateRejected:
			done(harness.EvalResult{Error: errorOf(promise.Result())})
		default:
			if _, err := then(vm.ToValue(promise), onFulfilled, onRejected); err != nil {
				done(harness.EvalResult{Error: jsError(vm, err)})
			}
		}
	})
}

// runScript compiles and runs source as the vat's program. goja's parser panics on a few
// inputs it cannot represent (a '\u{10FFFF}' literal): that is the program's syntax error,
// not a reason for the whole process to die. Only the compilation is guarded; a panic while
// the program runs is not the program's syntax.
func runScript(vm *goja.Runtime, source string) (goja.Value, error) {
	program, err := compileScript(source)
	if err != nil {
		return nil, err
	}
	return vm.RunProgram(program)
}

func compileScript(source string) (program *goja.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			program, err = nil, &goja.CompilerSyntaxError{CompilerError: goja.CompilerError{Message: fmt.Sprintf("the engine could not parse the program: %v", r)}}
		}
	}()
	return goja.Compile("vat-program.js", source, false)
}

// Evaluate runs source and waits for it to settle.
func (im *Implementation) Evaluate(ctx context.Context, vatID, source string) (harness.EvalResult, error) {
	v, err := im.vat(vatID)
	if err != nil {
		return harness.EvalResult{}, err
	}
	result := make(chan harness.EvalResult, 1)
	if !run(v, source, func(r harness.EvalResult) { result <- r }) {
		return harness.EvalResult{}, terminatedError(vatID)
	}
	select {
	case r := <-result:
		return r, nil
	case <-v.terminating:
		// A torn-down vat's promises never settle: answer now (PROTOCOL.md §4.3).
		return harness.EvalResult{}, terminatedError(vatID)
	case <-ctx.Done():
		return harness.EvalResult{}, fmt.Errorf("evaluate in %s: the program did not settle: %w", vatID, ctx.Err())
	}
}

// Start runs source as a task; its settlement is reported to the listener.
func (im *Implementation) Start(ctx context.Context, vatID, taskID, source string) error {
	v, err := im.vat(vatID)
	if err != nil {
		return err
	}
	if taskID == "" {
		return &harness.RPCError{Code: harness.CodeInvalidParams, Message: "start needs a taskId"}
	}
	v.mu.Lock()
	dup := v.tasks[taskID]
	if v.tasks != nil {
		v.tasks[taskID] = true
	}
	v.mu.Unlock()
	if dup {
		return &harness.RPCError{Code: harness.CodeTaskExists, Message: fmt.Sprintf("task %q already exists in vat %q", taskID, vatID)}
	}
	im.mu.Lock()
	listener := im.listener
	im.mu.Unlock()
	// Started tasks are not filtered after termination: a late settlement is the
	// endowment's bug, and the suite must see it (PROTOCOL.md §4.5).
	started := run(v, source, func(r harness.EvalResult) {
		if listener == nil {
			return
		}
		ev := harness.TaskSettledEvent{VatID: vatID, TaskID: taskID, Status: "fulfilled", Value: r.Value, Error: r.Error}
		if r.Error != nil {
			ev.Status = "rejected"
		}
		listener.TaskSettled(ev)
	})
	if !started {
		return terminatedError(vatID)
	}
	return nil
}
