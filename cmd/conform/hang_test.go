//go:build conformfaults && linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the deadlocking variant (its streamed body read leaves a mutex locked, so
// the calls of a spec that reads a body through a reader never return) with a call timeout
// longer than any test, so that only the process bounds under test can end its workers.

const (
	deadlocking = "body-read-deadlocks"
	// markEnv marks the processes a test starts, so that it finds them (and only them) in
	// /proc: children inherit it.
	markEnv = "CONFORM_TEST_MARK"
	// patience is how long a test waits for what must happen in a few seconds: generous, for
	// a loaded machine, and still far less than the call timeout that keeps the workers stuck.
	patience = 90 * time.Second
	stuckFor = "30m"
)

// marked lists the live processes whose environment holds mark.
func marked(t *testing.T, mark string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(env, []byte(markEnv+"="+mark+"\x00")) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && zombie(stat) {
			continue // dead, not yet reaped by its parent
		}
		pids = append(pids, pid)
	}
	return pids
}

// zombie reports whether /proc/PID/stat says the process has exited.
func zombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// waitFor polls until cond holds or d has passed, and says whether it held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
}

func markedCommand(t *testing.T, args ...string) (*exec.Cmd, string) {
	mark := fmt.Sprintf("%s-%d-%d", t.Name(), os.Getpid(), time.Now().UnixNano())
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLI+"=1", markEnv+"="+mark)
	t.Cleanup(func() {
		// Whatever the outcome, leave nothing behind.
		for _, pid := range marked(t, mark) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return cmd, mark
}

// A parallel run's workers die with it: the parent is killed (SIGKILL: nothing of it runs
// afterwards) while a worker is stuck in a call that would not return for half an hour, and
// no worker is left. (Its stdin closes too, but a stuck worker does not read it.)
func TestWorkersDieWithTheRun(t *testing.T) {
	// Two specs for two workers: ABORT-001 passes at once; FETCH-055 reads bodies through a
	// reader, gets stuck and waits 90 s for a task that never settles, writing nothing: a
	// worker that outlived its parent would be stuck that long before a write to its closed
	// stdout or stderr ended it.
	cmd, mark := markedCommand(t, "run", "-p", "2", "--mutant", deadlocking, "--spec", "ABORT-001,FETCH-055",
		"--call-timeout", stuckFor, "--report-dir", t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The workers' stderr reaches the run's: the variant says there when a worker's
	// implementation is stuck.
	stuck := bufio.NewScanner(stderr)
	var seen strings.Builder
	for !strings.Contains(seen.String(), deadlocking+":") {
		if !stuck.Scan() {
			_ = cmd.Process.Kill()
			t.Fatalf("the run ended before its implementation got stuck:\n%s", seen.String())
		}
		seen.WriteString(stuck.Text() + "\n")
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	workers := func() []int {
		var out []int
		for _, pid := range marked(t, mark) {
			if pid != cmd.Process.Pid {
				out = append(out, pid)
			}
		}
		return out
	}
	if len(workers()) == 0 {
		t.Fatal("no worker is running: nothing to show")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	// The kernel kills them at once; a minute is generous, and shorter than the 90 s.
	if !waitFor(time.Minute, func() bool { return len(workers()) == 0 }) {
		t.Fatalf("workers %v still run a minute after their parent was killed", workers())
	}
}

// A worker ends within a bounded time of SIGTERM while its implementation is stuck in a call
// that would not return for half an hour.
func TestStuckWorkerEndsOnSIGTERM(t *testing.T) {
	cmd, _ := markedCommand(t, "run", "--worker", "-p", "1", "--mutant", deadlocking, "--call-timeout", stuckFor)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	send := func(m map[string]any) {
		line, _ := json.Marshal(m)
		if _, err := stdin.Write(append(line, '\n')); err != nil {
			t.Fatalf("write to the worker: %v", err)
		}
	}
	send(map[string]any{"plan": []string{"ABORT-009"}})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		var m map[string]json.RawMessage
		if json.Unmarshal(lines.Bytes(), &m) != nil {
			continue
		}
		if _, next := m["next"]; next {
			send(map[string]any{"run": []string{"ABORT-009"}})
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	// The variant says on stderr when it has left the lock held: from then on the spec's
	// evaluate never settles, and the vat's teardown never returns.
	stderr := &lockedBuffer{}
	stuck := make(chan struct{})
	go func() {
		errLines := bufio.NewScanner(stderrPipe)
		once := false
		for errLines.Scan() {
			stderr.write(errLines.Text() + "\n")
			if !once && strings.HasPrefix(errLines.Text(), deadlocking+":") {
				once = true
				close(stuck)
			}
		}
	}()
	select {
	case <-stuck:
	case <-time.After(patience):
		_ = cmd.Process.Kill()
		t.Fatalf("the worker did not get stuck within %s; stderr:\n%s", patience, stderr.String())
	}
	// Stdin stays open: the signal alone must end it.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The worker gives itself 10 s (parallel.ExitAfterSignal); without that, Ginkgo's own
	// interrupt handling would end it after its 30 s grace period and the cleanup after it.
	const bound = 25 * time.Second
	select {
	case <-done:
		t.Logf("the worker ended %s after SIGTERM (exit %d)", time.Since(began).Round(time.Millisecond), cmd.ProcessState.ExitCode())
	case <-time.After(bound):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the stuck worker still ran %s after SIGTERM; stderr:\n%s", bound, stderr.String())
	}
	_ = stdin.Close()
}

// lockedBuffer is a string builder safe for one writer and one reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) write(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
