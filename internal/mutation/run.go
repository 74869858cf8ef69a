package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Statuses of a mutant.
const (
	statusKilled     = "killed"     // a test failed
	statusTimeout    = "timeout"    // a test ran past --timeout: the mutant made it hang
	statusSurvived   = "survived"   // every test passed
	statusNotBuilt   = "not-built"  // the mutant is not a program; left out of the score
	statusEquivalent = "equivalent" // triaged as equivalent; not run, left out of the score
)

// Killers of a killed or timed-out mutant.
const (
	killerSuite = "suite"      // conform run against the embedded reference
	killerUnit  = "unit-tests" // go test of the reference packages
)

// Result is what happened to one mutant.
type Result struct {
	Key         string  `json:"key"`
	File        string  `json:"file"`
	Line        int     `json:"line"`
	Column      int     `json:"column"`
	Operator    string  `json:"operator"`
	Original    string  `json:"original"`
	Replacement string  `json:"replacement"`
	Diff        string  `json:"diff"`
	Status      string  `json:"status"`
	KilledBy    string  `json:"killed_by,omitempty"`
	Detail      string  `json:"detail,omitempty"` // the first failure line, or why it did not build, or the equivalence reason
	Seconds     float64 `json:"seconds"`
}

// runner builds and tests mutants of the module at root, each in its own directory under work.
type runner struct {
	root string
	work string
	// timeout bounds each test step of one mutant (the suite run, the unit tests' run);
	// building is not bounded by it, so a loaded machine does not turn into "timeout" kills.
	timeout time.Duration
	// testPackages are the packages whose unit tests run against every mutant.
	testPackages []string
}

// run applies m (found in src) through an overlay, builds conform, and runs the suite, then
// the reference's unit tests; the first failure kills the mutant.
func (r *runner) run(ctx context.Context, id int, m *Mutant, src []byte) Result {
	began := time.Now()
	result := r.resultOf(m, src)
	result.Status, result.KilledBy, result.Detail = r.try(ctx, id, m, src)
	result.Seconds = time.Since(began).Round(100 * time.Millisecond).Seconds()
	return result
}

func (r *runner) resultOf(m *Mutant, src []byte) Result {
	if m == nil {
		return Result{Key: "baseline"}
	}
	return Result{
		Key: m.Key(), File: m.File, Line: m.Line, Column: m.Column, Operator: m.Operator,
		Original: m.Original, Replacement: m.Replacement, Diff: m.Diff(src),
	}
}

// try returns status, killer and detail. A nil m runs the unmutated baseline.
func (r *runner) try(ctx context.Context, id int, m *Mutant, src []byte) (status, killer, detail string) {
	dir := filepath.Join(r.work, fmt.Sprintf("m%04d", id))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return statusNotBuilt, "", err.Error()
	}
	defer os.RemoveAll(dir)

	overlay := filepath.Join(dir, "overlay.json")
	replace := map[string]string{}
	if m != nil {
		mutated := m.Apply(src)
		if strings.HasSuffix(m.File, ".js") {
			if err := jsParses(mutated); err != nil {
				return statusNotBuilt, "", firstLine(err.Error())
			}
		}
		file := filepath.Join(dir, path.Base(m.File))
		if err := os.WriteFile(file, mutated, 0o644); err != nil {
			return statusNotBuilt, "", err.Error()
		}
		replace[filepath.Join(r.root, filepath.FromSlash(m.File))] = file
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err == nil {
		err = os.WriteFile(overlay, data, 0o644)
	}
	if err != nil {
		return statusNotBuilt, "", err.Error()
	}

	bin := filepath.Join(dir, "conform")
	if out, err := r.command(ctx, 0, r.root, "go", "build", "-overlay", overlay, "-o", bin, "./cmd/conform"); err != nil {
		return statusNotBuilt, "", firstMeaningfulLine(out, err)
	}
	suite := []string{"run", "--fail-fast", "--quiet", "--report-dir", filepath.Join(dir, "reports")}
	out, err := r.command(ctx, r.timeout, dir, bin, suite...)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return statusTimeout, killerSuite, fmt.Sprintf("conform run did not finish within %s", r.timeout)
	case err != nil:
		return statusKilled, killerSuite, suiteFailure(out, err)
	}
	// go test's own -timeout ends a hung test with a stack dump; the context's bound, past
	// it, leaves room for compiling the test binaries.
	args := append([]string{"test", "-overlay", overlay, "-timeout", r.timeout.String()}, r.testPackages...)
	out, err = r.command(ctx, 3*r.timeout, r.root, "go", args...)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (err != nil && strings.Contains(out, "test timed out after")):
		return statusTimeout, killerUnit, fmt.Sprintf("go test did not finish within %s", r.timeout)
	case err != nil:
		return statusKilled, killerUnit, unitFailure(out, err)
	}
	return statusSurvived, "", ""
}

// command runs name with args in dir, bounded by timeout when it is not zero, and returns its
// combined output. The whole process group is killed at the bound, test binaries included.
func (r *runner) command(ctx context.Context, timeout time.Duration, dir, name string, args ...string) (string, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	killProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return out.String(), ctx.Err()
	}
	return out.String(), err
}

// suiteFailure picks the line naming the first failed spec out of conform run's output.
func suiteFailure(out string, err error) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "FAIL") || strings.Contains(line, "panic") {
			return clip(strings.TrimSpace(line))
		}
	}
	return firstMeaningfulLine(out, err)
}

// unitFailure picks the first failing test out of go test's output.
func unitFailure(out string, err error) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") || strings.HasPrefix(line, "panic:") {
			return clip(strings.TrimSpace(line))
		}
	}
	return firstMeaningfulLine(out, err)
}

func firstMeaningfulLine(out string, err error) string {
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return clip(line)
		}
	}
	return err.Error()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return clip(line)
}
