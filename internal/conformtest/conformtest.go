package conformtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build compiles ./cmd/conform of the module at repoRoot into a temporary directory and
// returns the binary's path and a function that removes it.
func Build(repoRoot string) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "conform-test")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "conform")
	build := exec.Command("go", "build", "-o", bin, "./cmd/conform")
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
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), string(out), nil
	}
	if err != nil {
		return 0, string(out), fmt.Errorf("run %s %v: %w", bin, args, err)
	}
	return 0, string(out), nil
}
