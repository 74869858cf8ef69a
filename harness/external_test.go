package harness_test

// Robustness tests of the external adapter backend. The fake adapters are this test
// binary itself: started with CONFORM_FAKE_ADAPTER=<mode> in its environment, TestMain
// runs a fake adapter loop in that mode instead of the tests.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
)

const (
	fakeModeEnv    = "CONFORM_FAKE_ADAPTER"
	fakePIDFileEnv = "CONFORM_FAKE_PIDFILE"
	// How long the "slow" fake takes to start.
	fakeStartDelayEnv = "CONFORM_FAKE_START_DELAY"
	// The proxy is never contacted: no test program fetches.
	unusedProxy = "http://127.0.0.1:1"
)

// Timing. These tests run beside others on a busy 2-core machine, so they wait on events,
// never on how fast something happens:
//   - a hang is only found by a timeout, so hang cases set hangTimeout: long enough for a
//     fake adapter to have started and logged before it expires, however loaded the
//     machine;
//   - where a call must end through an event (a crash, a protocol fault), its timeouts are
//     notATimeout, and finishing in less than half of it shows that no timeout ended it;
//   - a wait that needs a bound to fail rather than hang uses settleBound, far above what
//     the awaited event takes.
const (
	hangTimeout = 2 * time.Second
	notATimeout = time.Minute
	settleBound = 30 * time.Second
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeModeEnv); mode != "" {
		os.Exit(fakeAdapter(mode))
	}
	os.Exit(m.Run())
}

// ---------------------------------------------------------------------------------------
// The fake adapter (runs in the child process).

func fakeAdapter(mode string) int {
	switch mode {
	case "good":
		return serveInProcess()
	case "slow":
		delay, err := time.ParseDuration(os.Getenv(fakeStartDelayEnv))
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake adapter:", fakeStartDelayEnv, err)
			return 2
		}
		fmt.Fprintln(os.Stderr, "fake adapter: starting slowly")
		time.Sleep(delay)
		return serveInProcess()
	case "early-exit":
		fmt.Fprintln(os.Stderr, "fake adapter: cannot load the implementation")
		return 3
	}
	return fakeLoop(mode)
}

// serveInProcess is a well-behaved adapter: the real protocol server around the
// in-process reference.
func serveInProcess() int {
	impl := inprocess.New(inprocess.Options{})
	if err := harness.Serve(context.Background(), impl, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fake adapter: serve:", err)
		return 1
	}
	return 0
}

// fakeLoop answers the protocol by hand and misbehaves as mode says.
func fakeLoop(mode string) int {
	respond := func(id json.RawMessage, result string) {
		// One write per line: os.Stdout is unbuffered.
		fmt.Fprintf(os.Stdout, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}\n", id, result)
	}
	forever := func() { time.Sleep(time.Hour) } // not select{}: the runtime would call that a deadlock
	r := bufio.NewReaderSize(os.Stdin, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			switch mode {
			case "orphan-mute", "orphan-linger":
				fmt.Fprintln(os.Stderr, "fake adapter: stdin closed; staying anyway")
				forever()
			}
			return 0
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				VatID  string `json:"vatId"`
				TaskID string `json:"taskId"`
			} `json:"params"`
		}
		if err := json.Unmarshal(line, &req); err != nil {
			fmt.Fprintln(os.Stderr, "fake adapter: bad request:", err)
			return 2
		}
		switch req.Method {
		case harness.MethodInitialize:
			switch mode {
			case "hang-init":
				fmt.Fprintln(os.Stderr, "fake adapter: initialize will never be answered")
				continue
			case "flood":
				flood(4 << 20)
			case "orphan-hang", "orphan-mute", "orphan-linger", "orphan-exit":
				if err := spawnSleeper(); err != nil {
					fmt.Fprintln(os.Stderr, "fake adapter:", err)
					return 2
				}
			}
			respond(req.ID, `{"name":"fake","version":"0","protocolVersion":"1","globals":["Headers"],"features":[]}`)
		case harness.MethodCreateVat, harness.MethodTerminateVat:
			if mode == "extra-members" {
				respond(req.ID, `{"realm":"compartment"}`)
				continue
			}
			respond(req.ID, `{}`)
		case harness.MethodStart:
			respond(req.ID, `{}`)
			settled := fmt.Sprintf(`{"jsonrpc":"2.0","method":"taskSettled","params":{"vatId":%q,"taskId":%q,"status":"fulfilled","value":1}}`, req.Params.VatID, req.Params.TaskID)
			fmt.Fprintln(os.Stdout, settled)
			if mode == "settle-twice" {
				fmt.Fprintln(os.Stdout, settled)
			}
		case harness.MethodEvaluate:
			switch mode {
			case "extra-members":
				respond(req.ID, `{"value":2,"elapsedMs":1}`)
				continue
			case "strays":
				// Notifications that belong to nothing the harness asked for.
				fmt.Fprintln(os.Stdout, `{"jsonrpc":"2.0","method":"notify","params":{"vatId":"ghost","method":"OutboundRequest"}}`)
				fmt.Fprintln(os.Stdout, `{"jsonrpc":"2.0","method":"log","params":{"vatId":"ghost","level":"info","message":"boo"}}`)
				fmt.Fprintf(os.Stdout, "{\"jsonrpc\":\"2.0\",\"method\":\"taskSettled\",\"params\":{\"vatId\":%q,\"taskId\":\"never-started\",\"status\":\"fulfilled\"}}\n", req.Params.VatID)
			case "many-strays":
				for i := range 3 * harness.MaxWarnings {
					fmt.Fprintf(os.Stdout, "{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":{\"vatId\":\"ghost-%d\",\"level\":\"info\",\"message\":\"boo\"}}\n", i)
				}
				// The same one again: counted, not kept twice.
				fmt.Fprintln(os.Stdout, `{"jsonrpc":"2.0","method":"log","params":{"vatId":"ghost-0","level":"info","message":"boo"}}`)
			case "crash":
				fmt.Fprintln(os.Stderr, "boom")
				return 1
			case "crash-loud":
				// The last words come after a megabyte of logging: the error still shows
				// them, and its text stays bounded.
				flood(1 << 20)
				fmt.Fprintln(os.Stderr, "boom after much logging")
				return 1
			case "hang", "orphan-hang", "orphan-mute":
				fmt.Fprintln(os.Stderr, "fake adapter: evaluate will never be answered")
				continue
			case "nonjson":
				fmt.Fprintln(os.Stderr, "fake adapter: about to print a banner on stdout")
				fmt.Fprintln(os.Stdout, "Debugger listening on ws://127.0.0.1:9229/fake")
				continue
			case "oversized":
				fmt.Fprintln(os.Stderr, "fake adapter: about to print a huge line")
				huge := bytes.Repeat([]byte("x"), harness.MaxLineBytes+1<<20)
				_, _ = os.Stdout.Write(huge) // no newline; the harness stops reading and kills us
				forever()
			case "wrongid":
				fmt.Fprintln(os.Stderr, "fake adapter: answering with the wrong id")
				respond(json.RawMessage("99"), `{"value":2}`)
				continue
			case "flood":
				flood(8 << 20)
				fmt.Fprintln(os.Stderr, "fake adapter: flood done")
			}
			respond(req.ID, `{"value":2}`)
		case harness.MethodShutdown:
			switch mode {
			case "orphan-mute":
				fmt.Fprintln(os.Stderr, "fake adapter: shutdown will never be answered")
				continue
			case "orphan-linger", "linger":
				respond(req.ID, `{}`)
				fmt.Fprintln(os.Stderr, "fake adapter: answered shutdown but not exiting")
				forever()
			case "exit-1-after-shutdown":
				respond(req.ID, `{}`)
				return 1
			}
			respond(req.ID, `{}`)
			return 0
		default:
			fmt.Fprintf(os.Stdout, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32601,\"message\":\"no\"}}\n", req.ID)
		}
	}
}

// flood writes n bytes of log lines to stderr.
func flood(n int) {
	line := append(bytes.Repeat([]byte("log spam "), 1000), '\n')
	for written := 0; written < n; written += len(line) {
		_, _ = os.Stderr.Write(line)
	}
}

// spawnSleeper starts `sleep 30` in the adapter's process group (holding the adapter's
// stderr open, as a forgotten worker would) and writes its pid to the file named by
// CONFORM_FAKE_PIDFILE.
func spawnSleeper() error {
	cmd := exec.Command("sleep", "30")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sleep: %w", err)
	}
	fmt.Fprintf(os.Stderr, "fake adapter: started sleep as pid %d\n", cmd.Process.Pid)
	return os.WriteFile(os.Getenv(fakePIDFileEnv), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
}

// ---------------------------------------------------------------------------------------
// Helpers (run in the test process).

// newFake prepares an External running this test binary as a fake adapter in mode.
func newFake(t *testing.T, mode string, opts harness.ExternalOptions, extraEnv ...string) *harness.External {
	t.Helper()
	return newFakeArgv(t, []string{os.Args[0]}, mode, opts, extraEnv...)
}

// newFakeArgv is newFake with the adapter started by argv, which must end up running this
// test binary.
func newFakeArgv(t *testing.T, argv []string, mode string, opts harness.ExternalOptions, extraEnv ...string) *harness.External {
	t.Helper()
	opts.Argv = argv
	// Under -race the child would sleep 1s at exit (GORACE atexit_sleep_ms), which would
	// turn every clean exit into a slow one.
	opts.Env = append([]string{
		fakeModeEnv + "=" + mode,
		"GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"),
	}, extraEnv...)
	x, err := harness.NewExternal(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = x.Shutdown(ctx)
	})
	return x
}

func initParams() harness.InitializeParams {
	return harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion, Network: harness.NetworkConfig{Proxy: unusedProxy}}
}

func vatParams(id string) harness.CreateVatParams {
	return harness.CreateVatParams{VatID: id, Globals: []string{"Headers"}}
}

// checkAdapterError asserts that err is the fault a user should see: an *AdapterError of
// method, naming the command, with cause and (when stderr is not "") the adapter's stderr
// tail in its text.
func checkAdapterError(t *testing.T, err error, x *harness.External, method, cause, stderr string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded; want an adapter fault", method)
	}
	var ae *harness.AdapterError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T %q is not a *harness.AdapterError", method, err, err)
	}
	var rpcErr *harness.RPCError
	if errors.As(err, &rpcErr) {
		t.Errorf("%s: an adapter fault must not be an *RPCError: %v", method, err)
	}
	if !harness.IsInfrastructure(err) {
		t.Errorf("%s: IsInfrastructure is false for %v", method, err)
	}
	msg := err.Error()
	if ae.Method != method {
		t.Errorf("AdapterError.Method = %q, want %q", ae.Method, method)
	}
	if !strings.Contains(msg, "during "+method+":") {
		t.Errorf("error does not name the method %q:\n%s", method, truncateForLog(msg))
	}
	if ae.Command != x.Command() || !strings.Contains(msg, strconv.Quote(x.Command())) {
		t.Errorf("error does not name the command %q:\n%s", x.Command(), truncateForLog(msg))
	}
	if !strings.Contains(msg, cause) {
		t.Errorf("error does not say %q:\n%s", cause, truncateForLog(msg))
	}
	if stderr != "" {
		if !strings.Contains(ae.StderrTail, stderr) {
			t.Errorf("StderrTail %q does not contain %q", truncateForLog(ae.StderrTail), stderr)
		}
		if !strings.Contains(msg, "--- adapter stderr (tail) ---") || !strings.Contains(msg, stderr) {
			t.Errorf("error text does not show the stderr tail with %q:\n%s", stderr, truncateForLog(msg))
		}
	}
	if len(msg) > 64<<10 {
		t.Errorf("error text is %d bytes long; it should be bounded", len(msg))
	}
}

// alive reports whether pid is a running process (a zombie counts as gone: it has exited
// and only waits for a parent to reap it, which init may never do in a container).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err)
	}
	// pid (comm) STATE ...; comm may contain spaces and parentheses.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// waitGone fails unless pid is gone within d.
func waitGone(t *testing.T, what string, pid int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) is still running %s later", what, pid, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// groupGone fails unless process group pgid has no live members within d.
func groupGone(t *testing.T, pgid int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := syscall.Kill(-pgid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has members %s later (kill: %v)", pgid, d, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ---------------------------------------------------------------------------------------
// Tests.

// TestExternalGood is the baseline: the in-process reference served over the protocol.
func TestExternalGood(t *testing.T) {
	x := newFake(t, "good", harness.ExternalOptions{CallTimeout: notATimeout, InitializeTimeout: notATimeout})
	ctx := context.Background()
	res, err := x.Initialize(ctx, initParams())
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if res.ProtocolVersion != harness.ProtocolVersionTeardown || !harness.OffersTeardown(res) || res.Name == "" {
		t.Errorf("initialize result = %+v, want protocol 1.1 with teardownVat", res)
	}
	if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
		t.Fatalf("createVat: %v", err)
	}
	if err := x.TeardownVat(ctx, "v1"); err != nil {
		t.Fatalf("teardownVat: %v", err)
	}
	ev, err := x.Evaluate(ctx, "v1", "return 1+1")
	if err != nil {
		t.Fatalf("evaluate after teardownVat: %v", err)
	}
	if string(ev.Value) != "2" || ev.Error != nil {
		t.Errorf("evaluate = %s / %v, want 2", ev.Value, ev.Error)
	}
	pid := x.PID()
	if err := x.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	groupGone(t, pid, settleBound)
	if w := x.Warnings(); len(w) > 0 {
		t.Errorf("a well-behaved adapter got warnings: %q", w)
	}
}

// TestExternalFaults runs one misbehaving adapter per case and checks the error the user
// sees at the failing call, that the fault sticks (the next call fails at once the same
// way), and that the adapter's process group is gone.
func TestExternalFaults(t *testing.T) {
	cases := []struct {
		name, mode string
		opts       harness.ExternalOptions
		method     string // the call that fails
		cause      string // what the error must say
		stderr     string // what the stderr tail must contain ("": nothing expected)
	}{
		{
			name: "crash mid-call", mode: "crash",
			method: harness.MethodEvaluate, cause: "the adapter exited before shutdown (exit status 1)", stderr: "boom",
		},
		{
			name: "crash mid-call after much logging", mode: "crash-loud",
			method: harness.MethodEvaluate, cause: "exit status 1", stderr: "boom after much logging",
		},
		{
			name: "exit before initialize", mode: "early-exit",
			method: harness.MethodInitialize, cause: "exit status 3", stderr: "cannot load the implementation",
		},
		{
			name: "hang in evaluate", mode: "hang", opts: harness.ExternalOptions{CallTimeout: hangTimeout},
			method: harness.MethodEvaluate, cause: "no answer to evaluate within " + hangTimeout.String(), stderr: "evaluate will never be answered",
		},
		{
			name: "hang in initialize", mode: "hang-init", opts: harness.ExternalOptions{InitializeTimeout: hangTimeout},
			method: harness.MethodInitialize, cause: "no answer to initialize within " + hangTimeout.String(), stderr: "initialize will never be answered",
		},
		{
			name: "non-JSON line", mode: "nonjson",
			method: harness.MethodEvaluate, cause: "not a JSON-RPC 2.0 message", stderr: "about to print a banner",
		},
		{
			name: "oversized line", mode: "oversized",
			method: harness.MethodEvaluate, cause: fmt.Sprintf("longer than %d bytes", harness.MaxLineBytes), stderr: "about to print a huge line",
		},
		{
			name: "wrong id", mode: "wrongid",
			method: harness.MethodEvaluate, cause: "answered with id 99, but no request with that id is outstanding", stderr: "answering with the wrong id",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			hang := opts.CallTimeout != 0 || opts.InitializeTimeout != 0
			if opts.CallTimeout == 0 {
				opts.CallTimeout = notATimeout
			}
			if opts.InitializeTimeout == 0 {
				opts.InitializeTimeout = notATimeout
			}
			x := newFake(t, tc.mode, opts)
			ctx := context.Background()
			began := time.Now()
			var err error
			if _, err = x.Initialize(ctx, initParams()); err == nil && tc.method != harness.MethodInitialize {
				if err = x.CreateVat(ctx, vatParams("v1")); err != nil {
					t.Fatalf("createVat: %v", err)
				}
				_, err = x.Evaluate(ctx, "v1", "return 1+1")
			}
			took := time.Since(began)
			checkAdapterError(t, err, x, tc.method, tc.cause, tc.stderr)
			if !hang && took > notATimeout/2 {
				t.Errorf("the fault took %s to report: was it found by a timeout?", took)
			}
			t.Logf("the user sees (after %s):\n%s", took.Round(time.Millisecond), truncateForLog(err.Error()))

			// The fault sticks: the next call fails with it, naming its own method, without
			// waiting for anything (its timeout included).
			began = time.Now()
			_, err = x.Evaluate(ctx, "v1", "return 1")
			checkAdapterError(t, err, x, harness.MethodEvaluate, tc.cause, tc.stderr)
			if d := time.Since(began); d > settleBound {
				t.Errorf("a call after the fault took %s", d)
			}
			if pid := x.PID(); pid != 0 {
				groupGone(t, pid, settleBound)
			}
			// Shutdown after a fault is harmless and does not wait for a timeout.
			shutdownWithin(t, x, settleBound)
		})
	}
}

func truncateForLog(s string) string {
	if len(s) > 1000 {
		return s[:500] + " … " + s[len(s)-500:]
	}
	return s
}

// TestExternalFloodedStderr: an adapter that logs many MB to stderr is never blocked by
// it, its calls succeed, and only a bounded tail is kept.
func TestExternalFloodedStderr(t *testing.T) {
	x := newFake(t, "flood", harness.ExternalOptions{CallTimeout: notATimeout, InitializeTimeout: notATimeout})
	ctx := context.Background()
	if _, err := x.Initialize(ctx, initParams()); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
		t.Fatalf("createVat: %v", err)
	}
	ev, err := x.Evaluate(ctx, "v1", "return 1+1")
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	if string(ev.Value) != "2" {
		t.Errorf("evaluate = %s, want 2", ev.Value)
	}
	// The runner reaches the tail through the declared interface, not the concrete type.
	var impl harness.Implementation = x
	tailer, ok := impl.(harness.LogTailer)
	if !ok {
		t.Fatal("*harness.External is not a harness.LogTailer")
	}
	// stderr and stdout are separate pipes: the answer can arrive before the last stderr
	// line has been read, so wait (bounded) for the tail to catch up.
	tail := tailer.LogTail()
	for deadline := time.Now().Add(settleBound); !strings.HasSuffix(tail, "fake adapter: flood done") && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		tail = tailer.LogTail()
	}
	// The tail is at most DefaultStderrTail bytes plus the "[N earlier bytes omitted]" line.
	if limit := harness.DefaultStderrTail + 64; len(tail) > limit {
		t.Errorf("the kept stderr tail is %d bytes; want at most %d", len(tail), limit)
	}
	if !strings.HasSuffix(tail, "fake adapter: flood done") {
		t.Errorf("the tail does not end with the adapter's last line: …%q", tail[max(0, len(tail)-200):])
	}
	if !strings.HasPrefix(tail, "[") || !strings.Contains(tail, "earlier bytes omitted]") {
		t.Errorf("the tail does not say that earlier bytes were dropped: %q…", tail[:min(len(tail), 200)])
	}
	if err := x.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestExternalSlowStart: initialize has its own timeout, not the per-call one: an adapter
// that takes three call timeouts to start is fine under a generous initialize timeout.
func TestExternalSlowStart(t *testing.T) {
	const callTimeout = 200 * time.Millisecond
	const startDelay = 3 * callTimeout
	x := newFake(t, "slow", harness.ExternalOptions{CallTimeout: callTimeout, InitializeTimeout: notATimeout},
		fakeStartDelayEnv+"="+startDelay.String())
	ctx := context.Background()
	began := time.Now()
	res, err := x.Initialize(ctx, initParams())
	if err != nil {
		t.Fatalf("initialize of an adapter that starts in %s, with a %s call timeout: %v", startDelay, callTimeout, err)
	}
	if d := time.Since(began); d < startDelay {
		t.Errorf("initialize took %s; the fake should have slept %s", d, startDelay)
	}
	if res.ProtocolVersion != harness.ProtocolVersionTeardown {
		t.Errorf("initialize result = %+v", res)
	}
	if err := x.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestExternalNoOrphans: whatever way the adapter goes, Shutdown leaves nothing of its
// process group behind. The fake adapter starts `sleep 30` (which also holds its stderr
// open) at initialize and reports the pid in a file.
func TestExternalNoOrphans(t *testing.T) {
	cases := []struct {
		name, mode  string
		callTimeout time.Duration                           // default hangTimeout
		run         func(t *testing.T, x *harness.External) // after initialize and createVat
		shutdown    func(t *testing.T, x *harness.External, err error)
	}{
		{
			name: "evaluate hangs past the call timeout", mode: "orphan-hang",
			run: func(t *testing.T, x *harness.External) {
				_, err := x.Evaluate(context.Background(), "v1", "return 1")
				checkAdapterError(t, err, x, harness.MethodEvaluate, "no answer to evaluate within "+hangTimeout.String(), "evaluate will never be answered")
			},
		},
		{
			name: "evaluate abandoned by its caller, shutdown unanswered", mode: "orphan-mute", callTimeout: notATimeout,
			run: func(t *testing.T, x *harness.External) {
				// The caller gives up once the adapter has the request (it says so on stderr).
				ctx, cancel := context.WithCancel(context.Background())
				go func() {
					defer cancel()
					for deadline := time.Now().Add(settleBound); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
						if strings.Contains(x.LogTail(), "evaluate will never be answered") {
							return
						}
					}
				}()
				_, err := x.Evaluate(ctx, "v1", "return 1")
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("evaluate = %v, want context.Canceled", err)
				}
				var ae *harness.AdapterError
				if errors.As(err, &ae) {
					t.Errorf("a caller giving up is not an adapter fault: %v", err)
				}
			},
			shutdown: func(t *testing.T, x *harness.External, err error) {
				checkAdapterError(t, err, x, harness.MethodShutdown, "no answer to shutdown within "+hangTimeout.String(), "shutdown will never be answered")
			},
		},
		{
			name: "adapter answers shutdown but never exits", mode: "orphan-linger",
			shutdown: func(t *testing.T, x *harness.External, err error) {
				if err != nil {
					t.Errorf("shutdown: %v", err)
				}
			},
		},
		{
			name: "adapter exits after shutdown leaving its child", mode: "orphan-exit",
			shutdown: func(t *testing.T, x *harness.External, err error) {
				if err != nil {
					t.Errorf("shutdown: %v", err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pidFile := t.TempDir() + "/sleep.pid"
			callTimeout := tc.callTimeout
			if callTimeout == 0 {
				callTimeout = hangTimeout
			}
			x := newFake(t, tc.mode, harness.ExternalOptions{
				CallTimeout: callTimeout, InitializeTimeout: notATimeout,
				ShutdownTimeout: hangTimeout, ExitTimeout: 200 * time.Millisecond,
			}, fakePIDFileEnv+"="+pidFile)
			ctx := context.Background()
			if _, err := x.Initialize(ctx, initParams()); err != nil {
				t.Fatalf("initialize: %v", err)
			}
			raw, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatalf("the fake adapter did not report its child: %v", err)
			}
			sleepPID, err := strconv.Atoi(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			adapterPID := x.PID()
			if !alive(sleepPID) {
				t.Fatalf("the adapter's child %d is not running", sleepPID)
			}
			if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
				t.Fatalf("createVat: %v", err)
			}
			if tc.run != nil {
				tc.run(t, x)
			}
			err = shutdownWithin(t, x, settleBound).err
			if tc.shutdown != nil {
				tc.shutdown(t, x, err)
			}
			waitGone(t, "the adapter", adapterPID, settleBound)
			waitGone(t, "the adapter's child `sleep 30`", sleepPID, settleBound)
		})
	}
}

// escapeeScript starts the fake adapter ($0) from sh after leaving a `sleep 1000` behind
// in a session of its own (setsid): outside the adapter's process group, so the harness
// cannot kill it, and holding the adapter's stdout and stderr open. The sleeper writes its
// pid to $CONFORM_FAKE_PIDFILE, and the adapter starts once it has.
const escapeeScript = `setsid sh -c 'echo $$ > "$` + fakePIDFileEnv + `.tmp"; mv "$` + fakePIDFileEnv + `.tmp" "$` + fakePIDFileEnv + `"; exec sleep 1000' &
until [ -s "$` + fakePIDFileEnv + `" ]; do sleep 0.01; done
exec "$0"`

// newFakeWithEscapee is newFake with the fake adapter started by escapeeScript; it returns
// the sleeper's pid, and kills the sleeper when the test ends.
func newFakeWithEscapee(t *testing.T, mode string, opts harness.ExternalOptions) (*harness.External, func() int) {
	t.Helper()
	pidFile := t.TempDir() + "/escapee.pid"
	x := newFakeArgv(t, []string{"sh", "-c", escapeeScript, os.Args[0]}, mode, opts, fakePIDFileEnv+"="+pidFile)
	sleeperPID := func() int {
		t.Helper()
		raw, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatalf("the wrapper did not start its sleeper: %v", err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	t.Cleanup(func() {
		if raw, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return x, sleeperPID
}

// TestExternalOutputHeldOutsideTheGroup: an adapter that leaves a process outside its
// process group holding its stdout and stderr must not keep Shutdown, or the report of a
// crash, waiting: the harness stops reading OutputGrace after the adapter has exited.
func TestExternalOutputHeldOutsideTheGroup(t *testing.T) {
	const grace = harness.DefaultOutputGrace
	// Generous: what is checked is that the wait ends, not how fast a loaded machine is.
	const bound = 10 * (grace + harness.DefaultExitTimeout)
	opts := harness.ExternalOptions{
		CallTimeout: notATimeout, InitializeTimeout: notATimeout, ShutdownTimeout: notATimeout,
		ExitTimeout: harness.DefaultExitTimeout, OutputGrace: grace,
	}

	t.Run("shutdown", func(t *testing.T) {
		x, sleeperPID := newFakeWithEscapee(t, "good", opts)
		ctx := context.Background()
		if _, err := x.Initialize(ctx, initParams()); err != nil {
			t.Fatalf("initialize: %v", err)
		}
		if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
			t.Fatalf("createVat: %v", err)
		}
		if !alive(sleeperPID()) {
			t.Fatal("the sleeper outside the group is not running")
		}
		took := shutdownWithin(t, x, bound)
		if err := took.err; err != nil {
			t.Errorf("shutdown of an adapter that answered and exited: %v", err)
		}
		if w := x.Warnings(); len(w) != 1 || !strings.Contains(w[0], "held open") || !strings.Contains(w[0], "outside its process group") {
			t.Errorf("warnings = %q; want one saying that a process outside the group held the output open", w)
		}
		t.Logf("shutdown took %s with a process outside the group holding the adapter's output", took.d.Round(time.Millisecond))
	})

	t.Run("crash mid-call", func(t *testing.T) {
		x, sleeperPID := newFakeWithEscapee(t, "crash", opts)
		ctx := context.Background()
		if _, err := x.Initialize(ctx, initParams()); err != nil {
			t.Fatalf("initialize: %v", err)
		}
		if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
			t.Fatalf("createVat: %v", err)
		}
		if !alive(sleeperPID()) {
			t.Fatal("the sleeper outside the group is not running")
		}
		done := make(chan error, 1)
		go func() {
			_, err := x.Evaluate(ctx, "v1", "return 1")
			done <- err
		}()
		select {
		case err := <-done:
			// The crash is reported as a crash (not as the one-minute call timeout), with
			// the adapter's last words.
			checkAdapterError(t, err, x, harness.MethodEvaluate, "the adapter exited before shutdown (exit status 1)", "boom")
		case <-time.After(bound):
			t.Fatalf("evaluate still waiting %s after the adapter crashed", bound)
		}
		if took := shutdownWithin(t, x, bound); took.err != nil {
			t.Logf("shutdown after the crash: %v", took.err)
		}
	})
}

type shutdownTook struct {
	d   time.Duration
	err error
}

// shutdownWithin calls Shutdown and fails the test if it has not returned within bound.
func shutdownWithin(t *testing.T, x *harness.External, bound time.Duration) shutdownTook {
	t.Helper()
	done := make(chan shutdownTook, 1)
	began := time.Now()
	go func() {
		err := x.Shutdown(context.Background())
		done <- shutdownTook{time.Since(began), err}
	}()
	select {
	case took := <-done:
		return took
	case <-time.After(bound):
		t.Fatalf("Shutdown still running %s after it was called", bound)
		return shutdownTook{}
	}
}

// TestExternalWarnings: protocol violations that do not stop the adapter are kept as
// warnings that say what arrived and what to change, so that a run can report them and
// `conform adapter check` can fail on them.
func TestExternalWarnings(t *testing.T) {
	cases := []struct {
		mode string
		want []string // each must appear in some warning
	}{
		{"good", nil},
		{"settle-twice", []string{`a second taskSettled for task "t1" of vat "v1"`}},
		{"strays", []string{
			`a notify notification for vat "ghost", which no createVat of this adapter process created`,
			`a log notification for vat "ghost"`,
			`taskSettled for task "never-started" of vat "v1", which no start request began`,
		}},
		{"linger", []string{"answered shutdown but had not exited"}},
		{"exit-1-after-shutdown", []string{"exited after shutdown with exit status 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			// Long enough that a busy machine never makes a clean exit look late; short
			// where the adapter is meant never to exit.
			exitTimeout := 10 * time.Second
			if tc.mode == "linger" {
				exitTimeout = 300 * time.Millisecond
			}
			x := newFake(t, tc.mode, harness.ExternalOptions{
				CallTimeout: notATimeout, InitializeTimeout: notATimeout,
				ShutdownTimeout: notATimeout, ExitTimeout: exitTimeout,
			})
			ctx := context.Background()
			if _, err := x.Initialize(ctx, initParams()); err != nil {
				t.Fatalf("initialize: %v", err)
			}
			if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
				t.Fatalf("createVat: %v", err)
			}
			if err := x.Start(ctx, "v1", "t1", "return 1"); err != nil {
				t.Fatalf("start: %v", err)
			}
			// Answered after every notification the adapter wrote before it, so those have
			// all been read when it returns.
			if _, err := x.Evaluate(ctx, "v1", "return 1+1"); err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			if err := x.Shutdown(ctx); err != nil {
				t.Errorf("shutdown: %v", err)
			}
			warnings := x.Warnings()
			t.Logf("warnings: %q", warnings)
			if tc.want == nil && len(warnings) > 0 {
				t.Errorf("a well-behaved adapter got warnings: %q", warnings)
			}
			for _, want := range tc.want {
				if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, want) }) {
					t.Errorf("no warning says %q; got %q", want, warnings)
				}
			}
			for _, w := range warnings {
				if !strings.Contains(w, "PROTOCOL.md") {
					t.Errorf("warning %q does not point at the rule to follow", w)
				}
			}
		})
	}
}

// TestExternalWarningsAreBounded: an adapter that sends a flood of stray notifications
// leaves a bounded list, which says how many more there were.
func TestExternalWarningsAreBounded(t *testing.T) {
	x := newFake(t, "many-strays", harness.ExternalOptions{CallTimeout: notATimeout, InitializeTimeout: notATimeout})
	ctx := context.Background()
	if _, err := x.Initialize(ctx, initParams()); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
		t.Fatalf("createVat: %v", err)
	}
	if _, err := x.Evaluate(ctx, "v1", "return 1"); err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	warnings := x.Warnings()
	if len(warnings) != harness.MaxWarnings+1 {
		t.Fatalf("%d warnings kept, want %d and a count of the rest", len(warnings), harness.MaxWarnings+1)
	}
	if first := warnings[0]; !strings.Contains(first, `vat "ghost-0"`) || !strings.HasSuffix(first, "[2 times]") {
		t.Errorf("a repeated warning is not counted: %q", first)
	}
	if last := warnings[len(warnings)-1]; !strings.HasPrefix(last, fmt.Sprintf("%d more warnings were not kept", 2*harness.MaxWarnings)) {
		t.Errorf("the last line does not count the warnings dropped: %q", last)
	}
}

// TestExternalIgnoresUnknownMembers: PROTOCOL.md §4 says unknown members in results are
// ignored, so later minor additions stay compatible; they are neither a fault nor a warning.
func TestExternalIgnoresUnknownMembers(t *testing.T) {
	x := newFake(t, "extra-members", harness.ExternalOptions{CallTimeout: notATimeout, InitializeTimeout: notATimeout})
	ctx := context.Background()
	if _, err := x.Initialize(ctx, initParams()); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
		t.Fatalf("createVat answered {\"realm\": …}: %v", err)
	}
	ev, err := x.Evaluate(ctx, "v1", "return 1+1")
	if err != nil {
		t.Fatalf("evaluate answered {\"value\": 2, \"elapsedMs\": 1}: %v", err)
	}
	if string(ev.Value) != "2" || ev.Error != nil {
		t.Errorf("evaluate = %s / %v, want 2", ev.Value, ev.Error)
	}
	if w := x.Warnings(); len(w) > 0 {
		t.Errorf("unknown members gave warnings: %q", w)
	}
}

// A version-1 adapter (no teardownVat in its features) is never sent teardownVat: the call
// fails at once with method-not-found, and the adapter goes on working.
func TestExternalTeardownNeedsTheFeature(t *testing.T) {
	x := newFake(t, "extra-members", harness.ExternalOptions{CallTimeout: notATimeout, InitializeTimeout: notATimeout})
	ctx := context.Background()
	res, err := x.Initialize(ctx, initParams())
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if harness.OffersTeardown(res) {
		t.Fatalf("the fake adapter speaks protocol 1 only, yet initialize = %+v", res)
	}
	var rpcErr *harness.RPCError
	if err := x.TeardownVat(ctx, "v1"); !errors.As(err, &rpcErr) || rpcErr.Code != harness.CodeMethodNotFound {
		t.Fatalf("teardownVat on a version-1 adapter = %v, want method-not-found without a call", err)
	}
	if err := x.CreateVat(ctx, vatParams("v1")); err != nil {
		t.Fatalf("createVat after the refused teardownVat: %v", err)
	}
}
