package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of ExternalOptions, as PROTOCOL.md §7 states them.
const (
	DefaultCallTimeout       = 10 * time.Second
	DefaultInitializeTimeout = 30 * time.Second
	DefaultShutdownTimeout   = 5 * time.Second
	DefaultExitTimeout       = 2 * time.Second
	DefaultOutputGrace       = time.Second
	DefaultStderrTail        = 8 << 10
	MaxLineBytes             = 16 << 20
)

// ExternalOptions configure an adapter process.
type ExternalOptions struct {
	// Argv is the adapter's program and arguments, run without a shell. A command line
	// given by a user ("node adapter.mjs --flag") is split with SplitCommand, once, by
	// whoever reads it, so that a malformed one is a usage error there.
	Argv []string
	Dir  string
	Env  []string // added to this process's environment
	// CallTimeout bounds every call but initialize (default 10 s, DefaultCallTimeout).
	CallTimeout time.Duration
	// InitializeTimeout bounds initialize, which includes the adapter's start-up (default
	// 30 s, DefaultInitializeTimeout, as PROTOCOL.md §7 promises); it is not cut to
	// CallTimeout, since adapters that start a runtime or a browser take longer to be ready
	// than to answer a call. A context deadline that comes earlier wins, so a caller that
	// bounds Initialize with a context gives it at least this much.
	InitializeTimeout time.Duration
	// ShutdownTimeout bounds the shutdown answer (default 5 s); ExitTimeout how long the
	// adapter may take to exit after it (default 2 s). Then its process group is killed.
	ShutdownTimeout, ExitTimeout time.Duration
	// OutputGrace is how long, once the adapter has exited and its process group was
	// killed, the harness goes on reading stdout and stderr that a process outside the
	// group may still hold open (default 1 s). Then it stops reading: nothing the adapter
	// leaves behind can keep the harness waiting.
	OutputGrace time.Duration
	// StderrTail is how many bytes of the adapter's stderr are kept for error messages
	// (default 8 KiB).
	StderrTail int
	// MaxLine is the longest protocol line accepted (default 16 MiB).
	MaxLine int
}

// AdapterError is a fault of the adapter or of its transport: it crashed, exited, hung,
// broke the protocol. It names the call, the command and the end of the adapter's stderr.
// It is never a *RPCError: an RPCError is the implementation's answer, this is a failure
// to get one.
type AdapterError struct {
	Method     string
	Command    string
	Cause      error
	StderrTail string
}

func (e *AdapterError) Error() string {
	msg := fmt.Sprintf("adapter %q failed during %s: %v", e.Command, e.Method, e.Cause)
	if e.StderrTail != "" {
		msg += "\n--- adapter stderr (tail) ---\n" + e.StderrTail + "\n--- end of adapter stderr ---"
	} else {
		msg += " (the adapter wrote nothing to stderr)"
	}
	return msg
}

func (e *AdapterError) Unwrap() error { return e.Cause }

// Infrastructure reports that the failure is the adapter's or the transport's, not a
// verdict on the implementation: the CLI maps it to exit code 3.
func (e *AdapterError) Infrastructure() bool { return true }

// IsInfrastructure reports whether err (or an error it wraps) is a fault of an adapter or
// of the harness rather than an answer of the implementation.
func IsInfrastructure(err error) bool {
	var inf interface{ Infrastructure() bool }
	return errors.As(err, &inf) && inf.Infrastructure()
}

// External is an implementation in a child process speaking the protocol on its stdin and
// stdout. After a fault every call fails at once with that fault until Initialize is called
// again, which starts a fresh process.
type External struct {
	opts    ExternalOptions
	argv    []string
	command string // argv as one line, for messages

	mu       sync.Mutex
	cur      *proc
	listener Listener
	// teardown is set when the adapter listed teardownVat in initialize (protocol 1.1).
	teardown bool

	warnings warningLog
}

func (x *External) warn(text string) { x.warnings.add(text) }

// Warnings lists the protocol violations seen so far, across every adapter process of x,
// that did not stop the adapter: a notification for a vat or task the adapter never had,
// a second taskSettled for one task, shutdown unanswered or not followed by a clean exit,
// output held open after the exit. Each says what arrived and what to change. At most
// MaxWarnings distinct ones are kept, repeats counted, plus a line counting the rest.
func (x *External) Warnings() []string { return x.warnings.list() }

var (
	_ Implementation = (*External)(nil)
	_ LogTailer      = (*External)(nil)
	_ WarningSource  = (*External)(nil)
	_ VatTeardown    = (*External)(nil)
)

// NewExternal prepares an adapter; the process starts on Initialize.
func NewExternal(opts ExternalOptions) (*External, error) {
	if len(opts.Argv) == 0 || opts.Argv[0] == "" {
		return nil, errors.New("adapter command: no program given (ExternalOptions.Argv is empty)")
	}
	argv := append([]string(nil), opts.Argv...)
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.InitializeTimeout <= 0 {
		opts.InitializeTimeout = DefaultInitializeTimeout
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	if opts.ExitTimeout <= 0 {
		opts.ExitTimeout = DefaultExitTimeout
	}
	if opts.OutputGrace <= 0 {
		opts.OutputGrace = DefaultOutputGrace
	}
	if opts.StderrTail <= 0 {
		opts.StderrTail = DefaultStderrTail
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = MaxLineBytes
	}
	return &External{opts: opts, argv: argv, command: JoinCommand(argv)}, nil
}

// Command is the adapter's command line, as SplitCommand reads it back.
func (x *External) Command() string { return x.command }

// LogTail returns the end of the current (or last) adapter process's stderr.
func (x *External) LogTail() string {
	x.mu.Lock()
	p := x.cur
	x.mu.Unlock()
	if p == nil {
		return ""
	}
	return p.stderr.String()
}

// PID is the current adapter process's id (0 before Initialize); its process group has
// the same id.
func (x *External) PID() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cur == nil || x.cur.cmd.Process == nil {
		return 0
	}
	return x.cur.cmd.Process.Pid
}

// Initialize starts the adapter and performs the handshake. Called again after a fault
// (or after Shutdown), it starts a fresh process: that is the restart path.
func (x *External) Initialize(ctx context.Context, params InitializeParams) (InitializeResult, error) {
	x.mu.Lock()
	x.listener = params.Listener
	old := x.cur
	x.mu.Unlock()
	if old != nil {
		old.stop(ctx)
	}
	p, err := x.start()
	if err != nil {
		return InitializeResult{}, &AdapterError{Method: MethodInitialize, Command: x.command, Cause: err}
	}
	x.mu.Lock()
	x.cur = p
	x.mu.Unlock()
	var res InitializeResult
	if err := p.call(ctx, MethodInitialize, params, &res, x.opts.InitializeTimeout); err != nil {
		return res, err
	}
	if res.ProtocolVersion == "" || !SpeaksVersion(res.ProtocolVersion) {
		p.fail(fmt.Errorf("the adapter speaks protocol version %q; this harness speaks %q and %q", res.ProtocolVersion, ProtocolVersion, ProtocolVersionTeardown))
		return res, p.fault(MethodInitialize)
	}
	x.mu.Lock()
	x.teardown = OffersTeardown(res)
	x.mu.Unlock()
	return res, nil
}

func (x *External) CreateVat(ctx context.Context, params CreateVatParams) error {
	p, err := x.current(MethodCreateVat)
	if err != nil {
		return err
	}
	return p.call(ctx, MethodCreateVat, params, nil, x.opts.CallTimeout)
}

func (x *External) Evaluate(ctx context.Context, vatID, source string) (EvalResult, error) {
	p, err := x.current(MethodEvaluate)
	if err != nil {
		return EvalResult{}, err
	}
	var res EvalResult
	err = p.call(ctx, MethodEvaluate, EvaluateParams{VatID: vatID, Source: source}, &res, x.opts.CallTimeout)
	return res, err
}

func (x *External) Start(ctx context.Context, vatID, taskID, source string) error {
	p, err := x.current(MethodStart)
	if err != nil {
		return err
	}
	return p.call(ctx, MethodStart, StartParams{VatID: vatID, TaskID: taskID, Source: source}, nil, x.opts.CallTimeout)
}

func (x *External) TerminateVat(ctx context.Context, vatID string) error {
	p, err := x.current(MethodTerminateVat)
	if err != nil {
		return err
	}
	return p.call(ctx, MethodTerminateVat, TerminateVatParams{VatID: vatID}, nil, x.opts.CallTimeout)
}

// Shutdown asks the adapter to exit, waits for it briefly, then ends its process group. It
// returns the shutdown call's error, if any; the process is gone either way. Calling it
// again, or on an adapter that already died, is harmless.
func (x *External) Shutdown(ctx context.Context) error {
	x.mu.Lock()
	p := x.cur
	x.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.stop(ctx)
}
