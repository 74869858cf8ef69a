package harness

// An adapter process: starting it in its own process group, watching it exit, stopping it
// within bounded time, and keeping the tail of its stderr.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/conform-suite/conform/internal/childproc"
)

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

func (x *External) start() (*proc, error) {
	cmd := exec.Command(x.argv[0], x.argv[1:]...)
	cmd.Dir = x.opts.Dir
	cmd.Env = append(os.Environ(), x.opts.Env...)
	// Its own process group, so that stopping the adapter also stops whatever it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// And killed if this process dies without stopping it (on Linux; elsewhere its stdin
	// closes, and PROTOCOL.md §2 asks it to exit then).
	childproc.DieWithParent(cmd)
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
