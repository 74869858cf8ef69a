package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

// The test binary doubles as the conform binary: Ginkgo runs one suite per process, so every
// `conform run` here is a child process.
const asCLI = "CONFORM_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(runWithSignals(os.Args[1:]))
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
}

func conform(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("conform %v: %v", args, err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func readReport(t *testing.T, dir string) *reports.Run {
	t.Helper()
	run, err := reports.ReadJSON(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("read report: %v", err)
	}
	for _, name := range []string{"junit.xml", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	return run
}

func TestUsageErrorsExitTwoAndSayWhatToDo(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--profile", "bogus"}, `unknown profile "bogus": valid profiles are core, strict, fetch-api, snaps-compat`},
		{[]string{"run", "--spec", "NOPE-001"}, `unknown spec ID "NOPE-001"`},
		{[]string{"run", "--no-such-flag"}, "unknown flag -no-such-flag"},
		{[]string{"run", "--shard", "3/2"}, "shard"},
		{[]string{"run", "--expect", "/nonexistent/expect.yaml"}, "/nonexistent/expect.yaml"},
		{[]string{"run", "--label-filter", "core &&"}, "label"},
		{[]string{"list", "--profile", "bogus"}, `unknown profile "bogus"`},
		{[]string{"adapter", "check"}, "--adapter is required"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := conform(t, c.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, r.stderr)
			}
		})
	}
}

func TestHelpTeaches(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"list", "--help"}, {"adapter", "check", "--help"}, {"mocknet", "serve", "--help"}, {"report", "merge", "--help"}} {
		r := conform(t, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("conform %v: exit %d, stdout:\n%s", args, r.code, r.stdout)
		}
	}
	if r := conform(t, "run", "--help"); !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "Exit codes") {
		t.Errorf("run --help shows no examples or exit codes:\n%s", r.stdout)
	}
}

func TestRunPassesAgainstTheReference(t *testing.T) {
	dir := t.TempDir()
	r := conform(t, "run", "--spec", "ALLOW-001", "--spec", "HDR-001", "--report-dir", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	run := readReport(t, dir)
	if len(run.Specs) != 2 || run.Count()[reports.StatusPassed] != 2 {
		t.Errorf("report: %+v", run.Count())
	}
	if !strings.Contains(r.stdout, "PASS ALLOW-001") {
		t.Errorf("no progress line for ALLOW-001:\n%s", r.stdout)
	}
}

func TestConformanceFailureExitsOneAndExpectationsTurnItGreen(t *testing.T) {
	needsBrokenVariants(t)
	dir := t.TempDir()
	r := conform(t, "run", "--mutant", "no-allowlist", "--spec", "ALLOW-002", "--spec", "ALLOW-001", "--report-dir", dir)
	if r.code != exitFailures {
		t.Fatalf("exit %d, want %d\n%s\n%s", r.code, exitFailures, r.stdout, r.stderr)
	}
	run := readReport(t, dir)
	var failure *reports.Failure
	for _, s := range run.Specs {
		if s.ID == "ALLOW-002" && s.Status == reports.StatusFailed {
			failure = s.Failure
		}
	}
	if failure == nil || !strings.Contains(failure.Evidence, "evil.test") {
		t.Fatalf("ALLOW-002's failure must show that mocknet saw evil.test: %+v", failure)
	}

	expect := filepath.Join(t.TempDir(), "expect.yaml")
	if err := os.WriteFile(expect, []byte("expectations:\n  - id: ALLOW-002\n    reason: this variant has no allowlist\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = conform(t, "run", "--mutant", "no-allowlist", "--spec", "ALLOW-002", "--expect", expect, "--report-dir", t.TempDir())
	if r.code != exitOK {
		t.Errorf("with the failure expected: exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Against the reference the expected failure passes: reported, and fatal when strict.
	dir = t.TempDir()
	r = conform(t, "run", "--spec", "ALLOW-002", "--expect", expect, "--strict-expectations", "--report-dir", dir)
	if r.code != exitFailures {
		t.Errorf("unexpected pass with --strict-expectations: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if got := readReport(t, dir).Count()[reports.StatusUnexpectedPass]; got != 1 {
		t.Errorf("unexpected passes = %d, want 1", got)
	}
}

func TestExpectationsWithUnknownIDAreAUsageError(t *testing.T) {
	expect := filepath.Join(t.TempDir(), "expect.yaml")
	if err := os.WriteFile(expect, []byte("expectations:\n  - id: ALLOW-999\n    reason: no such spec\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := conform(t, "run", "--expect", expect, "--report-dir", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, "ALLOW-999") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestAdapterThatCannotStartExitsThree(t *testing.T) {
	dir := t.TempDir()
	r := conform(t, "run", "--adapter", "/nonexistent/adapter --flag", "--spec", "ALLOW-001", "--report-dir", dir)
	if r.code != exitInfra {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitInfra, r.stderr)
	}
	if !strings.Contains(r.stderr, "/nonexistent/adapter") || !strings.Contains(r.stderr, "initialize") {
		t.Errorf("stderr must name the adapter and the call:\n%s", r.stderr)
	}
	if run := readReport(t, dir); !run.Interrupted {
		t.Errorf("the report must be written and marked interrupted")
	}
}

// An adapter's text is printed through reports.TerminalText: no escape sequence, NUL or
// backspace of an adapter reaches the user's terminal, and the reports show the specs
// the adapter kept from running as errors.
func TestAdapterTextReachesTheTerminalWithoutControlCharacters(t *testing.T) {
	dir := t.TempDir()
	adapter := filepath.Join(dir, "noisy.sh")
	script := "#!/bin/sh\nread -r request\nprintf 'starting\\033[2J\\033]0;title\\007 back\\bspace\\000nul\\n' >&2\nprintf 'not json \\033[31mred\\n'\nexit 1\n"
	if err := os.WriteFile(adapter, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := conform(t, "run", "--adapter", adapter, "--spec", "ALLOW-001", "--report-dir", filepath.Join(dir, "reports"))
	if r.code != exitInfra {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitInfra, r.stderr)
	}
	if !strings.Contains(r.stderr, "not json") || !strings.Contains(r.stderr, "backspacenul") {
		t.Errorf("stderr does not show the adapter's text (without its control characters):\n%q", r.stderr)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x00\b\a") {
		t.Errorf("the adapter's control characters reached the terminal:\nstdout %q\nstderr %q", r.stdout, r.stderr)
	}
	junit, err := os.ReadFile(filepath.Join(dir, "reports", reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(junit), `<error message="not run: `) {
		t.Errorf("junit.xml does not show the spec the adapter kept from running as an <error>:\n%s", junit)
	}
}

func TestInterruptWritesReports(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "run", "--label-filter", "teardown", "--report-dir", dir)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the second spec has been reported.
	buf := make([]byte, 4096)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "[ 2/") {
		n, err := stdout.Read(buf)
		if err != nil {
			t.Fatalf("run ended before its second spec: %v\n%s", err, seen.String())
		}
		seen.Write(buf[:n])
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		_, _ = drain(stdout)
		done <- cmd.Wait()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("conform run did not stop within 30s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInfra {
		t.Errorf("exit %d after SIGTERM, want %d", code, exitInfra)
	}
	run := readReport(t, dir)
	if !run.Interrupted {
		t.Errorf("report not marked interrupted")
	}
	if run.Count()[reports.StatusPassed] == 0 {
		t.Errorf("the specs that ran before the interrupt are lost: %+v", run.Count())
	}
}

func drain(r interface{ Read([]byte) (int, error) }) (int, error) {
	buf := make([]byte, 4096)
	total := 0
	for {
		n, err := r.Read(buf)
		total += n
		if err != nil {
			return total, err
		}
	}
}

func TestListJSON(t *testing.T) {
	r := conform(t, "list", "--json", "--profile", "strict")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var specs []struct {
		ID, Title, Requirement string
		Labels                 []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &specs); err != nil {
		t.Fatalf("list --json is not a JSON array: %v", err)
	}
	if len(specs) == 0 {
		t.Fatal("no strict specs listed")
	}
	for _, s := range specs {
		if s.ID == "" || s.Title == "" || s.Requirement == "" || !contains(s.Labels, "strict") {
			t.Errorf("incomplete or mislabelled entry: %+v", s)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAdapterCheckPassesForTheReference(t *testing.T) {
	self := os.Args[0]
	r := conform(t, "adapter", "check", "--adapter", self+" adapter reference")
	// The child adapter inherits asCLI from the check process's environment.
	if r.code != exitOK || !strings.Contains(r.stdout, "0 failed") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestAdapterCheckExplainsABrokenAdapter(t *testing.T) {
	r := conform(t, "adapter", "check", "--adapter", "cat")
	if r.code != exitInfra {
		t.Errorf("exit %d, want %d", r.code, exitInfra)
	}
	if !strings.Contains(r.stdout, "FAIL  initialize is answered") || !strings.Contains(r.stdout, "fix:") {
		t.Errorf("the check must say what failed and how to fix it:\n%s", r.stdout)
	}
}

// A mistyped flag gets one line naming it and the flag it resembles, on stderr, not the manual.
func TestMistypedFlagSuggestsTheNearestOne(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--adaptr", "x"}, "did you mean --adapter?"},
		{[]string{"run", "--fcous", "x"}, "did you mean --focus?"},
		{[]string{"list", "--jsn"}, "did you mean --json?"},
	} {
		r := conform(t, c.args...)
		if r.code != exitUsage {
			t.Errorf("conform %v: exit %d, want %d", c.args, r.code, exitUsage)
		}
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("conform %v: stderr does not say %q:\n%s", c.args, c.want, r.stderr)
		}
		if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; lines > 3 {
			t.Errorf("conform %v: %d lines on stderr, want at most 3:\n%s", c.args, lines, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("conform %v: a flag error printed on stdout:\n%s", c.args, r.stdout)
		}
	}
}

// --focus and --skip select by regular expression over "ID: title", in run and in list.
func TestFocusAndSkipSelect(t *testing.T) {
	dir := t.TempDir()
	r := conform(t, "run", "--focus", "ALLOW-00[1-3]", "--report-dir", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var ids []string
	for _, s := range readReport(t, dir).Specs {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, " ") != "ALLOW-001 ALLOW-002 ALLOW-003" {
		t.Errorf("--focus 'ALLOW-00[1-3]' ran %v", ids)
	}
	r = conform(t, "list", "--json", "--focus", "^ALLOW-", "--skip", "redirect")
	var listed []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	if len(listed) < 40 {
		t.Errorf("list --focus ^ALLOW- listed %d specs", len(listed))
	}
	for _, l := range listed {
		if !strings.HasPrefix(l.ID, "ALLOW-") || strings.Contains(l.Title, "redirect") {
			t.Errorf("list --focus ^ALLOW- --skip redirect listed %s: %s", l.ID, l.Title)
		}
	}
	if r := conform(t, "run", "--focus", "("); r.code != exitUsage || !strings.Contains(r.stderr, "--focus") {
		t.Errorf("an invalid --focus: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestVersionNamesTheCatalogue(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := conform(t, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "spec catalogue "+suite.Version()) {
			t.Errorf("conform %v: exit %d:\n%s", args, r.code, r.stdout)
		}
	}
}
