package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
)

// Options name the adapter to check and where the checks are written.
type Options struct {
	// Argv is the adapter's program and arguments (harness.SplitCommand reads a user's
	// command line).
	Argv []string
	// CallTimeout bounds each protocol call (default 10 s); initialize has 30 s.
	CallTimeout time.Duration
	// Out gets one line per check: "ok" and what was seen, or "FAIL" with what was seen
	// and what to fix; then the counts and, when a check failed, the tail of the adapter's
	// stderr.
	Out io.Writer
}

// Result counts the checks that passed and failed.
type Result struct {
	Passed, Failed int
	// Initialized is false when the adapter never answered initialize properly: nothing
	// after it was checked.
	Initialized bool
}

// Run starts the adapter with a mock network of its own, walks it through every method
// and notification of the protocol, one check at a time, shuts it down and writes to
// opts.Out what each check saw and, for each one that failed, what to fix. An error means
// the check could not be run at all (the mock network or the adapter's process would not
// start); an adapter that runs but breaks the protocol is a Result with failures.
func Run(ctx context.Context, opts Options) (Result, error) {
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 10 * time.Second
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	net, err := mocknet.New(mocknet.WithHosts(mocknet.StandardHosts()...))
	if err != nil {
		return Result{}, fmt.Errorf("start mock network: %w", err)
	}
	defer net.Close()
	// The check judges whether the adapter exits after shutdown, not how fast a loaded
	// machine lets a runtime tear itself down: an adapter that ignores shutdown is still
	// caught, one that exits slowly is not failed for the machine's load.
	impl, err := harness.NewExternal(harness.ExternalOptions{Argv: opts.Argv, CallTimeout: opts.CallTimeout, ExitTimeout: exitTimeout})
	if err != nil {
		return Result{}, fmt.Errorf("start adapter %q: %w", harness.JoinCommand(opts.Argv), err)
	}
	c := &checker{ctx: ctx, impl: impl, net: net, timeout: opts.CallTimeout, out: opts.Out, events: &events{}}
	initialized := c.run()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := impl.Shutdown(shutdownCtx); !initialized {
		// The adapter never started properly; there is no shutdown to judge.
	} else if err != nil {
		c.fail("shutdown is answered and the adapter exits", err.Error(),
			"answer shutdown with a result, then exit with status 0 once stdout is flushed")
	} else {
		c.pass("shutdown is answered and the adapter exits", "")
	}
	// Violations that did not stop the adapter: `conform run` only reports them.
	if warnings := impl.Warnings(); len(warnings) > 0 {
		for _, w := range warnings {
			c.fail("the adapter keeps the protocol throughout", w, "do what the warning says; 'conform run' reports it as a warning")
		}
	} else if initialized {
		c.pass("the adapter keeps the protocol throughout", "no stray or repeated notification, a clean exit")
	}
	fmt.Fprintf(c.out, "\n%d checks passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 && tail(impl.LogTail()) != "" {
		fmt.Fprintf(c.out, "\nAdapter stderr (tail):\n%s\n", indent(tail(impl.LogTail())))
	}
	return Result{Passed: c.passed, Failed: c.failed, Initialized: initialized}, nil
}

// exitTimeout is how long the check lets an adapter take to exit after answering shutdown
// before it counts it as not exiting (a run kills it after 2 s, PROTOCOL.md §7).
const exitTimeout = 10 * time.Second

type checker struct {
	ctx            context.Context
	impl           *harness.External
	net            *mocknet.Network
	timeout        time.Duration
	out            io.Writer
	events         *events
	passed, failed int
}

// events records the adapter's notifications.
type events struct {
	mu      sync.Mutex
	notify  []harness.NotifyEvent
	logs    []harness.LogEvent
	settled []harness.TaskSettledEvent
}

func (e *events) Notify(ev harness.NotifyEvent) {
	e.mu.Lock()
	e.notify = append(e.notify, ev)
	e.mu.Unlock()
}
func (e *events) Log(ev harness.LogEvent) {
	e.mu.Lock()
	e.logs = append(e.logs, ev)
	e.mu.Unlock()
}
func (e *events) TaskSettled(ev harness.TaskSettledEvent) {
	e.mu.Lock()
	e.settled = append(e.settled, ev)
	e.mu.Unlock()
}

func (c *checker) pass(what, detail string) {
	c.passed++
	if detail != "" {
		detail = " (" + reports.TerminalText(detail) + ")"
	}
	fmt.Fprintf(c.out, "ok    %s%s\n", what, detail)
}

func (c *checker) fail(what, got, fix string) {
	c.failed++
	fmt.Fprintf(c.out, "FAIL  %s\n      got: %s\n      fix: %s\n", what, reports.TerminalText(got), fix)
}

func (c *checker) call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.ctx, c.timeout)
}

// run performs the checks in protocol order; it stops early only when the adapter cannot
// go on (initialize or createVat failed). It is false when initialize failed.
func (c *checker) run() (initialized bool) {
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	res, err := c.impl.Initialize(ctx, harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
		Network: harness.NetworkConfig{Proxy: c.net.ProxyURL(), DNS: c.net.DNSAddr(), CA: string(c.net.CertificateAuthority())}, Listener: c.events})
	cancel()
	if err != nil {
		c.fail("initialize is answered", err.Error(), "read one JSON-RPC request per line on stdin and answer initialize with {name, version, protocolVersion: \"1\"} on stdout (PROTOCOL.md, initialize)")
		return false
	}
	switch {
	case res.ProtocolVersion == "" || !harness.SpeaksVersion(res.ProtocolVersion):
		c.fail("initialize names protocol version "+harness.ProtocolVersion+" or "+harness.ProtocolVersionTeardown, fmt.Sprintf("protocolVersion %q", res.ProtocolVersion),
			"answer with protocolVersion \"1\", or \"1.1\" when the adapter offers teardownVat, the versions this conform speaks")
	case res.ProtocolVersion == harness.ProtocolVersionTeardown && !harness.OffersTeardown(res):
		c.fail("protocolVersion 1.1 comes with teardownVat", fmt.Sprintf("features %q", res.Features),
			"list \"teardownVat\" in initialize's features when answering protocolVersion \"1.1\" (PROTOCOL.md, teardownVat)")
	default:
		c.pass("initialize is answered", fmt.Sprintf("%s %s", res.Name, res.Version))
	}
	if res.Name == "" {
		c.fail("initialize names the implementation", "empty name", "set result.name: reports and JUnit properties show it")
	}

	const vat = "check-1"
	ctx, cancel = c.call()
	err = c.impl.CreateVat(ctx, harness.CreateVatParams{VatID: vat, Globals: []string{"fetch", "Request", "Headers", "Response"},
		Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}})
	cancel()
	if err != nil {
		c.fail("createVat with fetch and allowedHosts succeeds", err.Error(), "create the vat and answer {} (PROTOCOL.md, createVat)")
		return true
	}
	c.pass("createVat with fetch and allowedHosts succeeds", "")

	c.expectValue(vat, "evaluate returns the program's value", "return 1 + 1;", `2`,
		"run source as the body of an async function, await it, and answer {value: <JSON of the result>}")
	c.expectValue(vat, "evaluate awaits promises and serialises objects", `return await Promise.resolve({a: [1, "b"], n: null});`, `{"a":[1,"b"],"n":null}`,
		"await the function's promise and JSON-serialise its value")
	c.expectValue(vat, "evaluate of a program returning nothing", "const x = 1;", ``,
		"answer {} (no value) when the program returns undefined")
	c.expectError(vat)
	c.expectLog(vat)
	c.expectFetchThroughProxy(vat)
	c.expectTask(vat)
	if harness.OffersTeardown(res) {
		c.expectTeardown(vat)
	}
	c.expectCode("createVat with an existing vatId is refused", harness.CodeVatExists, func(ctx context.Context) error {
		return c.impl.CreateVat(ctx, harness.CreateVatParams{VatID: vat, Globals: []string{"Headers"}})
	}, "answer with a JSON-RPC error with code -32001 when the vat already exists")
	c.expectCode("evaluate in an unknown vat is refused", harness.CodeUnknownVat, func(ctx context.Context) error {
		_, err := c.impl.Evaluate(ctx, "no-such-vat", "return 1;")
		return err
	}, "answer with a JSON-RPC error with code -32002 for a vatId that was never created or was terminated")
	c.expectCode("createVat of fetch without allowedHosts is refused", harness.CodeVatConfigDenied, func(ctx context.Context) error {
		return c.impl.CreateVat(ctx, harness.CreateVatParams{VatID: "check-no-network", Globals: []string{"fetch"}})
	}, "refuse a vat that asks for fetch without network.allowedHosts with code -32003, as ocap-kernel does")

	ctx, cancel = c.call()
	err = c.impl.TerminateVat(ctx, vat)
	cancel()
	if err != nil {
		c.fail("terminateVat is answered", err.Error(), "tear the vat's endowment down, then answer {}")
	} else {
		c.pass("terminateVat is answered", "")
		c.expectCode("evaluate in a terminated vat is refused", harness.CodeUnknownVat, func(ctx context.Context) error {
			_, err := c.impl.Evaluate(ctx, vat, "return 1;")
			return err
		}, "forget a vat on terminateVat: later calls naming it get code -32002")
	}
	return true
}

func (c *checker) evaluate(vat, source string) (harness.EvalResult, error) {
	ctx, cancel := c.call()
	defer cancel()
	return c.impl.Evaluate(ctx, vat, source)
}

func (c *checker) expectValue(vat, what, source, want, fix string) {
	res, err := c.evaluate(vat, source)
	switch {
	case err != nil:
		c.fail(what, err.Error(), fix)
	case res.Error != nil:
		c.fail(what, "threw "+res.Error.Error(), fix)
	case !sameJSON(res.Value, want):
		c.fail(what, fmt.Sprintf("value %s, want %s", orNothing(res.Value), orNothing([]byte(want))), fix)
	default:
		c.pass(what, "")
	}
}

func (c *checker) expectError(vat string) {
	const what = "a thrown error is reported as {name, message}"
	res, err := c.evaluate(vat, `throw new TypeError("checked");`)
	switch {
	case err != nil:
		c.fail(what, err.Error(), "answer a program that throws with result {error: {name, message}}, not a JSON-RPC error")
	case res.Error == nil:
		c.fail(what, "no error, value "+orNothing(res.Value), "report the thrown error as result.error")
	case res.Error.Name != "TypeError" || res.Error.Message != "checked":
		c.fail(what, fmt.Sprintf("error %s: %s", res.Error.Name, res.Error.Message), "copy the error's name and message as they are")
	default:
		c.pass(what, "")
	}
}

func (c *checker) expectLog(vat string) {
	const what = "console output arrives as log notifications"
	res, err := c.evaluate(vat, `console.log("checked", 1); return 0;`)
	if err != nil || res.Error != nil {
		c.fail(what, fmt.Sprintf("evaluate failed: %v %v", err, res.Error), "give every vat a console whose methods send log notifications")
		return
	}
	// The notification was written before the answer, so it has been read already.
	c.events.mu.Lock()
	logs := append([]harness.LogEvent(nil), c.events.logs...)
	c.events.mu.Unlock()
	for _, l := range logs {
		if l.VatID == vat && strings.Contains(l.Message, "checked") {
			c.pass(what, fmt.Sprintf("level %q, message %q", l.Level, l.Message))
			return
		}
	}
	c.fail(what, fmt.Sprintf("%d log notifications, none from vat %s with \"checked\"", len(logs), vat),
		"send {method: \"log\", params: {vatId, level, message}} before answering the evaluate that logged")
}

func (c *checker) expectFetchThroughProxy(vat string) {
	const what = "fetch reaches mocknet through the proxy"
	// The journal's position, not a count of exchanges: tunnel records take positions too.
	before := c.net.LastSeq()
	res, err := c.evaluate(vat, `const r = await fetch("http://allowed.test/status/201"); return r.status;`)
	switch {
	case err != nil:
		c.fail(what, err.Error(), "answer the evaluate")
		return
	case res.Error != nil:
		c.fail(what, "fetch threw "+res.Error.Error(), "send vats' requests through the proxy from initialize's network.proxy (allowed.test exists only there)")
		return
	case !sameJSON(res.Value, "201"):
		c.fail(what, "status "+orNothing(res.Value), "return the status mocknet answered")
		return
	}
	var seen bool
	for _, o := range c.net.Since(before) {
		if o.Host == "allowed.test" && o.Path == "/status/201" {
			seen = true
		}
	}
	if !seen {
		c.fail(what, "mocknet did not see the request", "route every outbound request through network.proxy")
		return
	}
	c.pass(what, "")
	c.events.mu.Lock()
	var methods []string
	for _, n := range c.events.notify {
		if n.VatID == vat {
			methods = append(methods, n.Method)
		}
	}
	c.events.mu.Unlock()
	if len(methods) == 0 {
		c.fail("notify events are forwarded", "no notify notification for the fetch",
			"forward each call of the endowment's notify as {method: \"notify\", params: {vatId, method, params}}")
		return
	}
	c.pass("notify events are forwarded", strings.Join(methods, ", "))
}

func (c *checker) expectTask(vat string) {
	const what = "start answers at once and taskSettled follows"
	ctx, cancel := c.call()
	err := c.impl.Start(ctx, vat, "check-task", `const r = await fetch("http://allowed.test/delay/0.1"); return r.status;`)
	cancel()
	if err != nil {
		c.fail(what, err.Error(), "answer start as soon as the program is running, without waiting for it")
		return
	}
	deadline := time.Now().Add(c.timeout)
	for time.Now().Before(deadline) {
		c.events.mu.Lock()
		settled := append([]harness.TaskSettledEvent(nil), c.events.settled...)
		c.events.mu.Unlock()
		for _, s := range settled {
			if s.TaskID != "check-task" {
				continue
			}
			if s.VatID != vat || s.Status != "fulfilled" || !sameJSON(s.Value, "200") {
				c.fail(what, fmt.Sprintf("taskSettled %+v", s), "send {vatId, taskId, status: \"fulfilled\", value} when the task's promise settles")
				return
			}
			c.pass(what, "")
			return
		}
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	c.fail(what, "no taskSettled notification within "+c.timeout.String(), "send a taskSettled notification when a started program settles")
}

func (c *checker) expectCode(what string, code int, call func(ctx context.Context) error, fix string) {
	ctx, cancel := c.call()
	err := call(ctx)
	cancel()
	var rpcErr *harness.RPCError
	switch {
	case err == nil:
		c.fail(what, "the call succeeded", fix)
	case !errors.As(err, &rpcErr):
		c.fail(what, err.Error(), fix)
	case rpcErr.Code != code:
		c.fail(what, fmt.Sprintf("code %d (%s)", rpcErr.Code, rpcErr.Message), fix)
	default:
		c.pass(what, fmt.Sprintf("code %d", code))
	}
}

func sameJSON(got json.RawMessage, want string) bool {
	if len(got) == 0 || want == "" {
		return len(got) == 0 && want == "" || string(got) == "null" && want == ""
	}
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func orNothing(v []byte) string {
	if len(v) == 0 {
		return "(none)"
	}
	return string(v)
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return reports.CleanText(s, reports.TerminalFieldMax) // the adapter's own stderr: no escape sequences reach the terminal
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// expectTeardown checks protocol 1.1's teardownVat, for an adapter that offers it: answered
// twice in a row, and the vat still evaluates and fetches afterwards.
func (c *checker) expectTeardown(vat string) {
	for i := 1; i <= 2; i++ {
		ctx, cancel := c.call()
		err := c.impl.TeardownVat(ctx, vat)
		cancel()
		if err != nil {
			c.fail(fmt.Sprintf("teardownVat is answered (call %d of 2)", i), err.Error(), "run the vat's endowment teardown, keep the vat alive, then answer {} (PROTOCOL.md, teardownVat); a second call must succeed too")
			return
		}
	}
	c.pass("teardownVat is answered, twice", "")
	c.expectValue(vat, "the vat evaluates after teardownVat", "return 2 + 2;", `4`, "teardownVat tears the endowment down but leaves the vat alive")
	c.expectFetchThroughProxy(vat)
}
