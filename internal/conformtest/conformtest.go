package conformtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Build compiles ./cmd/conform of the module at repoRoot into a temporary directory and
// returns the binary's path and a function that removes it. buildFlags go to go build
// before the package (the self-test passes -tags conformfaults for the broken variants).
func Build(repoRoot string, buildFlags ...string) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "conform-test")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "conform")
	args := append(append([]string{"build"}, buildFlags...), "-o", bin, "./cmd/conform")
	build := exec.Command("go", args...)
	build.Dir = repoRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build conform in %s: %w", repoRoot, err)
	}
	return bin, cleanup, nil
}

// Run runs bin with args in dir and returns its exit code and combined output. A non-zero
// exit is a result, not an error; err is for a binary that could not be run at all.
func Run(dir, bin string, args ...string) (code int, output string, err error) {
	return RunLogged(nil, dir, bin, args...)
}

// RunLogged is Run that also hands each line of output to logf as it arrives (tests pass
// t.Logf under go test -v, so a long run shows its progress), unless logf is nil.
func RunLogged(logf func(format string, args ...any), dir, bin string, args ...string) (code int, output string, err error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out lockedBuffer
	if logf == nil {
		cmd.Stdout, cmd.Stderr = &out, &out
	} else {
		lines := &lineLogger{logf: logf}
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, lines), io.MultiWriter(&out, lines)
	}
	err = cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), out.String(), nil
	}
	if err != nil {
		return 0, out.String(), fmt.Errorf("run %s %v: %w", bin, args, err)
	}
	return 0, out.String(), nil
}

// lockedBuffer is a bytes.Buffer two pipes may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lineLogger hands complete lines to logf.
type lineLogger struct {
	mu      sync.Mutex
	logf    func(format string, args ...any)
	pending []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = append(l.pending, p...)
	for {
		i := bytes.IndexByte(l.pending, '\n')
		if i < 0 {
			break
		}
		l.logf("%s", l.pending[:i])
		l.pending = l.pending[i+1:]
	}
	return len(p), nil
}
