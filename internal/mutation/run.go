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

	"github.com/conform-suite/conform/reports"
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
	Key         string `json:"key"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Operator    string `json:"operator"`
	Original    string `json:"original"`
	Replacement string `json:"replacement"`
	Diff        string `json:"diff"`
	Status      string `json:"status"`
	KilledBy    string `json:"killed_by,omitempty"`
	// Spec is the spec that failed first when the suite killed the mutant: what a new
	// implementation with the same bug would fail.
	Spec    string  `json:"spec,omitempty"`
	Detail  string  `json:"detail,omitempty"` // the first failure, or why it did not build, or the equivalence reason
	Seconds float64 `json:"seconds"`
	// SuiteOnly is set when the suite did not kill the mutant and the unit tests were not run
	// (--suite-only): the mutant counts for the suite-alone score only.
	SuiteOnly bool `json:"suite_only,omitempty"`
	// GoAPI is set for a mutant listed as [go-api] in the equivalents file: it changes only
	// what the reference's Go callers see, so the suite-alone score leaves it out (unless the
	// suite killed it after all).
	GoAPI bool `json:"go_api,omitempty"`
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
	// suiteOnly leaves the unit tests out: a mutant the suite does not kill survives.
	suiteOnly bool
	// focus, when set, narrows the suite to the specs it matches (conform run --focus).
	focus string
}

// run applies m (found in src) through an overlay, builds conform, and runs the suite, then
// (unless suiteOnly) the reference's unit tests; the first failure kills the mutant. The suite
// runs first so that KilledBy says whether the suite alone kills it: the conformance claim.
func (r *runner) run(ctx context.Context, id int, m *Mutant, src []byte) Result {
	began := time.Now()
	result := r.resultOf(m, src)
	o := r.try(ctx, id, m, src)
	result.Status, result.KilledBy, result.Spec, result.Detail = o.status, o.killer, o.spec, o.detail
	result.SuiteOnly = r.suiteOnly && o.status == statusSurvived
	result.Seconds = time.Since(began).Round(100 * time.Millisecond).Seconds()
	return result
}

// outcome is what try found.
type outcome struct {
	status, killer, spec, detail string
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

// try builds and tests one mutant. A nil m runs the unmutated baseline.
func (r *runner) try(ctx context.Context, id int, m *Mutant, src []byte) outcome {
	notBuilt := func(why string) outcome { return outcome{status: statusNotBuilt, detail: why} }
	dir := filepath.Join(r.work, fmt.Sprintf("m%04d", id))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return notBuilt(err.Error())
	}
	defer os.RemoveAll(dir)

	overlay := filepath.Join(dir, "overlay.json")
	replace := map[string]string{}
	if m != nil {
		mutated := m.Apply(src)
		if strings.HasSuffix(m.File, ".js") {
			if err := jsParses(mutated); err != nil {
				return notBuilt(firstLine(err.Error()))
			}
		}
		file := filepath.Join(dir, path.Base(m.File))
		if err := os.WriteFile(file, mutated, 0o644); err != nil {
			return notBuilt(err.Error())
		}
		replace[filepath.Join(r.root, filepath.FromSlash(m.File))] = file
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err == nil {
		err = os.WriteFile(overlay, data, 0o644)
	}
	if err != nil {
		return notBuilt(err.Error())
	}

	bin := filepath.Join(dir, "conform")
	if out, err := r.command(ctx, 0, r.root, "go", "build", "-overlay", overlay, "-o", bin, "./cmd/conform"); err != nil {
		return notBuilt(firstMeaningfulLine(out, err))
	}
	reportDir := filepath.Join(dir, "reports")
	suite := []string{"run", "--fail-fast", "--quiet", "--report-dir", reportDir}
	if r.focus != "" {
		suite = append(suite, "--focus", r.focus)
	}
	out, err := r.command(ctx, r.timeout, dir, bin, suite...)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return outcome{statusTimeout, killerSuite, "", fmt.Sprintf("conform run did not finish within %s", r.timeout)}
	case err != nil:
		spec, detail := suiteFailure(reportDir, out, err)
		return outcome{statusKilled, killerSuite, spec, detail}
	}
	if r.suiteOnly {
		return outcome{status: statusSurvived}
	}
	// go test's own -timeout ends a hung test with a stack dump; the context's bound, past
	// it, leaves room for compiling the test binaries.
	args := append([]string{"test", "-overlay", overlay, "-timeout", r.timeout.String()}, r.testPackages...)
	out, err = r.command(ctx, 3*r.timeout, r.root, "go", args...)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (err != nil && strings.Contains(out, "test timed out after")):
		return outcome{statusTimeout, killerUnit, "", fmt.Sprintf("go test did not finish within %s", r.timeout)}
	case err != nil:
		return outcome{statusKilled, killerUnit, "", unitFailure(out, err)}
	}
	return outcome{status: statusSurvived}
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

// suiteFailure names the first failed spec and its failure, from the report conform run
// wrote; when there is none (the run failed before any spec did), it is the output's first
// meaningful line.
func suiteFailure(reportDir, out string, err error) (spec, detail string) {
	if data, rerr := os.ReadFile(filepath.Join(reportDir, "report.json")); rerr == nil {
		var run reports.Run
		if json.Unmarshal(data, &run) == nil {
			for _, s := range run.Specs {
				if s.Status == reports.StatusFailed && s.Failure != nil {
					return s.ID, clip(s.ID + ": " + firstLine(s.Failure.Summary))
				}
			}
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "panic") {
			return "", clip(strings.TrimSpace(line))
		}
	}
	return "", firstMeaningfulLine(out, err)
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
