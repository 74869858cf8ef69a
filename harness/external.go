package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/conform-suite/conform/harness/schema"
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

	warnings warningLog
}

// MaxWarnings is how many distinct warnings an External keeps; later ones are counted.
const MaxWarnings = 50

// warningLog keeps distinct warnings in arrival order, counting repeats, up to
// MaxWarnings.
type warningLog struct {
	mu      sync.Mutex
	texts   []string
	counts  map[string]int
	dropped int
}

func (w *warningLog) add(text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counts == nil {
		w.counts = map[string]int{}
	}
	switch {
	case w.counts[text] > 0:
		w.counts[text]++
	case len(w.texts) < MaxWarnings:
		w.texts = append(w.texts, text)
		w.counts[text] = 1
	default:
		w.dropped++
	}
}

func (w *warningLog) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.texts)+1)
	for _, text := range w.texts {
		if n := w.counts[text]; n > 1 {
			text = fmt.Sprintf("%s [%d times]", text, n)
		}
		out = append(out, text)
	}
	if w.dropped > 0 {
		out = append(out, fmt.Sprintf("%d more warnings were not kept (at most %d distinct ones are)", w.dropped, MaxWarnings))
	}
	return out
}

func (x *External) warn(text string) { x.warnings.add(text) }

// Warnings lists the protocol violations seen so far, across every adapter process of x,
// that did not stop the adapter: a notification for a vat or task the adapter never had,
// a second taskSettled for one task, shutdown unanswered or not followed by a clean exit,
// output held open after the exit. Each says what arrived and what to change. At most
// MaxWarnings distinct ones are kept, repeats counted, plus a line counting the rest.
func (x *External) Warnings() []string { return x.warnings.list() }

// proc is one adapter process and its protocol state.
type proc struct {
	x      *External
	cmd    *exec.Cmd
	stderr *tailBuffer

	writeMu sync.Mutex
	stdin   *os.File

	// exited is closed once the adapter process itself has exited (exitErr is set then);
	// dead once, in addition, its group was killed and its output was drained (or
	// abandoned after OutputGrace); fatal then says why (the first fault wins).
	exited, dead chan struct{}

	mu        sync.Mutex
	fatal     error
	nextID    int64
	pending   map[int64]*pendingCall
	abandoned map[int64]*pendingCall // calls whose caller gave up; their late answers are dropped
	stopping  bool                   // shutdown was sent: exiting is expected
	exitErr   error                  // what cmd.Wait said, once exited is closed

	// What this process was asked to do, to tell a notification that belongs to nothing
	// from one that belongs to a vat or task of this process.
	vats  map[string]bool  // vats created by a createVat answered with success
	tasks map[taskKey]bool // tasks of start requests sent; true once settled
}

type pendingCall struct {
	method string
	vatID  string // the vat a createVat creates
	ch     chan message
}

type taskKey struct{ vatID, taskID string }

var (
	_ Implementation = (*External)(nil)
	_ LogTailer      = (*External)(nil)
	_ WarningSource  = (*External)(nil)
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

func (x *External) start() (*proc, error) {
	cmd := exec.Command(x.argv[0], x.argv[1:]...)
	cmd.Dir = x.opts.Dir
	cmd.Env = append(os.Environ(), x.opts.Env...)
	// Its own process group, so that stopping the adapter also stops whatever it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Pipes are made here rather than by exec so that nothing waits on them in cmd.Wait:
	// a grandchild holding stderr open must not keep the harness from seeing the exit.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll(inR, inW, outR, outW, errR, errW)
		return nil, fmt.Errorf("start %q: %w", x.argv[0], err)
	}
	closeAll(inR, outW, errW)
	p := &proc{
		x: x, cmd: cmd, stdin: inW, stderr: newTailBuffer(x.opts.StderrTail),
		exited: make(chan struct{}), dead: make(chan struct{}), pending: map[int64]*pendingCall{}, abandoned: map[int64]*pendingCall{},
		vats: map[string]bool{}, tasks: map[taskKey]bool{},
	}
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		_, _ = io.Copy(p.stderr, errR)
	}()
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		p.readLoop(outR)
	}()
	go p.watch(outR, errR, readDone, stderrDone)
	return p, nil
}

// watch waits for the adapter to exit, ends what it left in its process group, reads the
// rest of its output for at most OutputGrace, and then declares the process dead.
//
// The pipes are the harness's own (not exec's), so cmd.Wait returns as soon as the adapter
// itself has exited, whoever still holds its stdout or stderr. Killing the group then
// closes the copies its group members held; only a process that left the group (setsid,
// a daemon) can keep them open, and the harness stops reading after the grace period
// instead of waiting for it for ever.
func (p *proc) watch(outR, errR *os.File, readDone, stderrDone chan struct{}) {
	err := p.cmd.Wait()
	p.mu.Lock()
	p.exitErr = err
	p.mu.Unlock()
	close(p.exited)
	p.killGroup()
	drained := awaitAll(p.x.opts.OutputGrace, readDone, stderrDone)
	// Closing the read ends makes pending reads return, so the readers finish now.
	closeAll(outR, errR)
	<-readDone
	<-stderrDone
	if !drained {
		p.x.warn(fmt.Sprintf("the adapter exited, but its stdout or stderr was still held open %s later by a process outside its process group (started with setsid, or as a daemon), which the harness cannot stop; it stopped reading. Stop every process the adapter starts before it exits, or leave them in its process group, which the harness ends (PROTOCOL.md §4.6)", p.x.opts.OutputGrace))
	}
	p.mu.Lock()
	if p.fatal == nil {
		switch {
		case p.stopping && err == nil:
			p.fatal = errors.New("the adapter exited after shutdown")
		case p.stopping:
			p.fatal = fmt.Errorf("the adapter exited after shutdown: %v", err)
		default:
			p.fatal = fmt.Errorf("the adapter exited before shutdown (%s)", describeExit(p.cmd.ProcessState, err))
		}
	}
	p.mu.Unlock()
	_ = p.stdin.Close() // also unblocks a write stuck on a full pipe
	close(p.dead)
}

// awaitAll waits until every channel is closed, or timeout has passed; it reports whether
// all were closed in time.
func awaitAll(timeout time.Duration, chans ...chan struct{}) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for _, ch := range chans {
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
	return true
}

func describeExit(st *os.ProcessState, err error) string {
	if st == nil {
		return err.Error()
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(st.ExitCode())
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}

// readLoop reads protocol lines until stdout closes or the protocol breaks.
func (p *proc) readLoop(stdout io.Reader) {
	r := bufio.NewReaderSize(stdout, 64<<10)
	for {
		line, err := readLine(r, p.x.opts.MaxLine)
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				p.fail(fmt.Errorf("the adapter printed a line longer than %d bytes on stdout (the protocol's limit; send large values in pieces or log them to stderr)", p.x.opts.MaxLine))
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				p.fail(fmt.Errorf("read the adapter's stdout: %w", err))
			}
			return
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := p.handleLine(line); err != nil {
			p.fail(err)
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its terminator, or errLineTooLong once more than
// max bytes arrived without one (it does not buffer beyond that).
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > max+2 { // +2: the terminator, possibly \r\n
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if len(line) > max {
				return nil, errLineTooLong
			}
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil // a last line without a newline still counts
		default:
			return nil, err
		}
	}
}

// handleLine routes one line; an error is a protocol violation that ends the adapter.
func (p *proc) handleLine(line []byte) error {
	var m message
	if err := json.Unmarshal(line, &m); err != nil || m.JSONRPC != "2.0" {
		return fmt.Errorf("the adapter printed a line on stdout that is not a JSON-RPC 2.0 message (stdout is for protocol messages only; log to stderr): %q", truncate(string(line), 200))
	}
	if m.ID == nil || string(*m.ID) == "null" {
		if m.Method == "" {
			if m.Error != nil {
				return fmt.Errorf("the adapter answered with an error that belongs to no request (id null): %s", m.Error.Error())
			}
			return fmt.Errorf("the adapter sent a message with neither a method nor an id: %q", truncate(string(line), 200))
		}
		return p.dispatch(m, line)
	}
	if m.Method != "" {
		return fmt.Errorf("the adapter sent a request (%q with id %s); adapters only answer and notify", m.Method, string(*m.ID))
	}
	id, err := strconv.ParseInt(string(*m.ID), 10, 64)
	p.mu.Lock()
	pc, ok := p.pending[id]
	delete(p.pending, id)
	late, dropped := p.abandoned[id]
	delete(p.abandoned, id)
	outstanding := make([]int64, 0, len(p.pending))
	for other := range p.pending {
		outstanding = append(outstanding, other)
	}
	p.mu.Unlock()
	if dropped {
		// Its caller gave up, but a vat it created exists all the same.
		p.answered(late, m)
		return nil
	}
	if err != nil || !ok {
		return fmt.Errorf("the adapter answered with id %s, but no request with that id is outstanding (outstanding ids: %v); a response must carry its request's id exactly", string(*m.ID), outstanding)
	}
	name := schema.Response(pc.method)
	if m.Error != nil || m.Result == nil {
		name = schema.ErrorResponse
	}
	if problems := schema.Validate(name, line); len(problems) > 0 {
		return fmt.Errorf("the adapter's answer to %s does not match %s: %s; the answer was %q", pc.method, name, joinProblems(problems), truncate(string(line), 300))
	}
	// Recorded here, in the reader, so that a notification read next already knows the vat.
	p.answered(pc, m)
	pc.ch <- m
	return nil
}

// answered records what a successful answer created.
func (p *proc) answered(pc *pendingCall, m message) {
	if pc.method != MethodCreateVat || m.Error != nil || m.Result == nil {
		return
	}
	p.mu.Lock()
	p.vats[pc.vatID] = true
	p.mu.Unlock()
}

// checkNotification warns of a notification that belongs to no vat or task of this
// process, or settles a task a second time. It still reaches the listener: the suite
// judges what the implementation does; these warnings are about the adapter.
func (p *proc) checkNotification(method string, params json.RawMessage) {
	var ids struct {
		VatID  string `json:"vatId"`
		TaskID string `json:"taskId"`
	}
	if json.Unmarshal(params, &ids) != nil {
		return // the schema check already passed; decoding reports anything else
	}
	p.mu.Lock()
	known := p.vats[ids.VatID]
	key := taskKey{ids.VatID, ids.TaskID}
	settled, started := p.tasks[key]
	if known && started && !settled && method == NotificationTaskSettled {
		p.tasks[key] = true
	}
	p.mu.Unlock()
	switch {
	case !known:
		p.x.warn(fmt.Sprintf("the adapter sent a %s notification for vat %q, which no createVat of this adapter process created; send notifications only for vats created by createVat, and only after its answer (PROTOCOL.md §5, ordering 4)", method, ids.VatID))
	case method != NotificationTaskSettled:
	case !started:
		p.x.warn(fmt.Sprintf("the adapter sent taskSettled for task %q of vat %q, which no start request began; send taskSettled only for the taskId of a start request (PROTOCOL.md §4.4)", ids.TaskID, ids.VatID))
	case settled:
		p.x.warn(fmt.Sprintf("the adapter sent a second taskSettled for task %q of vat %q; a task settles once: send exactly one taskSettled per task (PROTOCOL.md §5)", ids.TaskID, ids.VatID))
	}
}

func (p *proc) dispatch(m message, line []byte) error {
	switch m.Method {
	case NotificationNotify, NotificationLog, NotificationTaskSettled:
	default:
		return fmt.Errorf("the adapter sent an unknown notification %q (known: notify, log, taskSettled)", m.Method)
	}
	if problems := schema.Validate(schema.Notification(m.Method), line); len(problems) > 0 {
		return fmt.Errorf("the adapter's %s notification does not match %s: %s; it was %q", m.Method, schema.Notification(m.Method), joinProblems(problems), truncate(string(line), 300))
	}
	p.checkNotification(m.Method, m.Params)
	p.x.mu.Lock()
	l := p.x.listener
	p.x.mu.Unlock()
	if l == nil {
		return nil
	}
	var err error
	switch m.Method {
	case NotificationNotify:
		var ev NotifyEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.Notify(ev)
		}
	case NotificationLog:
		var ev LogEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.Log(ev)
		}
	case NotificationTaskSettled:
		var ev TaskSettledEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.TaskSettled(ev)
		}
	}
	if err != nil {
		return fmt.Errorf("decode the adapter's %s notification: %w", m.Method, err)
	}
	return nil
}

func joinProblems(problems []schema.Problem) string {
	var b bytes.Buffer
	for i, pr := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(pr.String())
	}
	return b.String()
}

// fail records a fault and ends the process group; waiters learn of it through dead.
func (p *proc) fail(err error) {
	p.mu.Lock()
	if p.fatal == nil {
		p.fatal = err
	}
	p.mu.Unlock()
	p.killGroup()
}

// killGroup ends the adapter's whole process group.
func (p *proc) killGroup() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// fault builds the error callers see, once the process is gone and its stderr drained (or
// a short while has passed), so that the tail includes the adapter's last words.
func (p *proc) fault(method string) error {
	awaitAll(p.x.opts.OutputGrace+killedExitBound, p.dead)
	p.mu.Lock()
	cause := p.fatal
	p.mu.Unlock()
	if cause == nil {
		cause = errors.New("the adapter stopped")
	}
	return &AdapterError{Method: method, Command: p.x.command, Cause: cause, StderrTail: p.stderr.String()}
}

// call sends a request and waits for its answer, the adapter's death or the timeout.
func (p *proc) call(ctx context.Context, method string, params, result any, timeout time.Duration) error {
	select {
	case <-p.dead:
		return p.fault(method)
	default:
	}
	p.mu.Lock()
	if p.fatal != nil {
		p.mu.Unlock()
		return p.fault(method)
	}
	p.nextID++
	id := p.nextID
	pc := &pendingCall{method: method, ch: make(chan message, 1)}
	switch params := params.(type) {
	case CreateVatParams:
		pc.vatID = params.VatID
	case StartParams:
		// Before the request is written: its taskSettled may come before its answer.
		key := taskKey{params.VatID, params.TaskID}
		if _, ok := p.tasks[key]; !ok {
			p.tasks[key] = false
		}
	}
	p.pending[id] = pc
	p.mu.Unlock()
	forget := func() {
		p.mu.Lock()
		delete(p.pending, id)
		p.mu.Unlock()
	}

	raw, err := json.Marshal(params)
	if err != nil {
		forget()
		return fmt.Errorf("encode %s params: %w", method, err)
	}
	idRaw := json.RawMessage(strconv.FormatInt(id, 10))
	line, err := json.Marshal(message{JSONRPC: "2.0", ID: &idRaw, Method: method, Params: raw})
	if err != nil {
		forget()
		return fmt.Errorf("encode %s request: %w", method, err)
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, timeout = d, time.Until(d)
	}
	p.writeMu.Lock()
	// An adapter that stops reading its stdin must not block the harness past the call's
	// deadline.
	_ = p.stdin.SetWriteDeadline(deadline)
	_, werr := p.stdin.Write(append(line, '\n'))
	p.writeMu.Unlock()
	if werr != nil {
		if errors.Is(werr, os.ErrDeadlineExceeded) {
			p.fail(fmt.Errorf("the adapter did not read its stdin for %s (the %s request could not be written); it is considered hung and was stopped", timeout.Round(time.Millisecond), method))
		} else {
			p.fail(fmt.Errorf("write the %s request to the adapter's stdin: %w", method, werr))
		}
		return p.fault(method)
	}

	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case m := <-pc.ch:
		return p.deliver(method, m, result)
	case <-p.dead:
		// An answer read just before the adapter exited (as after shutdown) still counts.
		select {
		case m := <-pc.ch:
			return p.deliver(method, m, result)
		default:
			return p.fault(method)
		}
	case <-timer.C:
		p.fail(fmt.Errorf("no answer to %s within %s; the adapter is considered hung and was stopped", method, timeout.Round(time.Millisecond)))
		return p.fault(method)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			p.fail(fmt.Errorf("no answer to %s within %s; the adapter is considered hung and was stopped", method, timeout.Round(time.Millisecond)))
			return p.fault(method)
		}
		// The caller gave up; the adapter is not at fault, and its answer will be dropped.
		p.mu.Lock()
		if _, still := p.pending[id]; still {
			delete(p.pending, id)
			p.abandoned[id] = pc
		}
		p.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// deliver hands an answer to the caller: its error, or its result decoded into result.
func (p *proc) deliver(method string, m message, result any) error {
	if m.Error != nil {
		return m.Error
	}
	if result != nil {
		if err := json.Unmarshal(m.Result, result); err != nil {
			p.fail(fmt.Errorf("the adapter's %s result does not decode: %v; it was %q", method, err, truncate(string(m.Result), 200)))
			return p.fault(method)
		}
	}
	return nil
}

func (x *External) current(method string) (*proc, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cur == nil {
		return nil, &AdapterError{Method: method, Command: x.command, Cause: errors.New("the adapter is not running: call initialize first")}
	}
	return x.cur, nil
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
	if res.ProtocolVersion != ProtocolVersion {
		p.fail(fmt.Errorf("the adapter speaks protocol version %q; this harness speaks %q", res.ProtocolVersion, ProtocolVersion))
		return res, p.fault(MethodInitialize)
	}
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

func (p *proc) stop(ctx context.Context) error {
	var err error
	select {
	case <-p.dead:
	default:
		p.mu.Lock()
		alive := p.fatal == nil
		p.stopping = alive
		p.mu.Unlock()
		if alive {
			err = p.call(ctx, MethodShutdown, struct{}{}, nil, p.x.opts.ShutdownTimeout)
		}
		// Closing stdin is the other half of the request: an adapter that reads until EOF
		// exits now.
		_ = p.stdin.Close()
		exited := awaitAll(p.x.opts.ExitTimeout, p.exited)
		var ae *AdapterError
		switch {
		case !alive:
		case errors.As(err, &ae):
			p.x.warn(fmt.Sprintf("shutdown failed: %v; answer shutdown with {} and exit with status 0 (PROTOCOL.md §4.6)", ae.Cause))
		case err != nil:
			// The caller gave up (an interrupted run): nothing to say about the adapter.
		case !exited:
			p.x.warn(fmt.Sprintf("the adapter answered shutdown but had not exited %s later, so its process group was killed; exit with status 0 soon after answering shutdown (PROTOCOL.md §4.6)", p.x.opts.ExitTimeout))
		default:
			p.mu.Lock()
			exitErr, st := p.exitErr, p.cmd.ProcessState
			p.mu.Unlock()
			if exitErr != nil {
				p.x.warn(fmt.Sprintf("the adapter exited after shutdown with %s; exit with status 0 after answering shutdown (PROTOCOL.md §4.6)", describeExit(st, exitErr)))
			}
		}
	}
	// Whatever the adapter left running in its group goes too.
	p.killGroup()
	// After the kill, dead follows within OutputGrace; the bound below only guards against
	// a process the kernel cannot end (stuck in uninterruptible sleep).
	if !awaitAll(p.x.opts.OutputGrace+killedExitBound, p.dead) {
		p.mu.Lock()
		if p.fatal == nil {
			p.fatal = errors.New("the adapter was killed but had not ended")
		}
		p.mu.Unlock()
		return errors.Join(err, &AdapterError{Method: MethodShutdown, Command: p.x.command,
			Cause:      fmt.Errorf("the adapter's process group was killed, but the adapter had not ended %s later; the harness stopped waiting for it", (p.x.opts.OutputGrace + killedExitBound).Round(time.Millisecond)),
			StderrTail: p.stderr.String()})
	}
	return err
}

// killedExitBound is how long a SIGKILLed process may take to be reaped on a loaded machine
// before the harness stops waiting for it.
const killedExitBound = 5 * time.Second

// tailBuffer keeps the last n bytes written to it; it never blocks the writer.
type tailBuffer struct {
	mu      sync.Mutex
	n       int
	buf     []byte
	dropped int64
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(p) >= t.n {
		t.dropped += int64(len(t.buf) + len(p) - t.n)
		t.buf = append(t.buf[:0], p[len(p)-t.n:]...)
		return len(p), nil
	}
	if over := len(t.buf) + len(p) - t.n; over > 0 {
		t.dropped += int64(over)
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(bytes.TrimRight(t.buf, "\n"))
	if t.dropped > 0 {
		s = fmt.Sprintf("[%d earlier bytes omitted]\n%s", t.dropped, s)
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
