//go:build conformfaults

package suite_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/conform-suite/conform/internal/conformtest"
	"github.com/conform-suite/conform/reference/mutants"
	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

// These tests run the suite the way users do, through the conform binary: Ginkgo allows one
// spec run per process, and the suite must be run many times (in process, over stdio, once
// per broken variant).

var conformBin string

func TestMain(m *testing.M) {
	bin, cleanup, err := conformtest.Build("..", "-tags", "conformfaults")
	if err != nil {
		panic(err)
	}
	conformBin = bin
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// runConform runs `conform run` with args and returns its exit code and report.
func runConform(t *testing.T, args ...string) (int, *reports.Run, string) {
	t.Helper()
	reportDir := t.TempDir()
	code, out, err := conformtest.RunLogged(progressLog(t), "", conformBin, append([]string{"run", "--report-dir", reportDir}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(reportDir, "report.json"))
	if err != nil {
		t.Fatalf("conform run %v wrote no report.json (exit %d): %v\n%s", args, code, err, out)
	}
	var run reports.Run
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatalf("report.json of conform run %v: %v", args, err)
	}
	return code, &run, out
}

func statuses(run *reports.Run) map[string]reports.Status {
	m := map[string]reports.Status{}
	for _, s := range run.Specs {
		m[s.ID] = s.Status
	}
	return m
}

func failed(run *reports.Run) []string {
	var ids []string
	for _, s := range run.Specs {
		if s.Status == reports.StatusFailed {
			ids = append(ids, s.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func expectAllPassed(t *testing.T, label string, code int, run *reports.Run, out string) {
	t.Helper()
	if want := len(suite.Requirements()); len(run.Specs) != want {
		t.Errorf("%s: report has %d specs, the suite has %d", label, len(run.Specs), want)
	}
	var bad []string
	for _, s := range run.Specs {
		if s.Status != reports.StatusPassed {
			msg := ""
			if s.Failure != nil {
				msg = s.Failure.Message
			}
			bad = append(bad, s.ID+" "+string(s.Status)+": "+msg)
		}
	}
	if code != 0 || len(bad) > 0 {
		t.Fatalf("%s: exit %d, not passed:\n%s\n--- output tail ---\n%s", label, code, strings.Join(bad, "\n"), tail(out, 4000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func TestReferencePassesEverySpec(t *testing.T) {
	code, inProcess, out := runConform(t)
	expectAllPassed(t, "in process", code, inProcess, out)

	code, overStdio, out := runConform(t, "--adapter", conformBin+" adapter reference")
	expectAllPassed(t, "over stdio", code, overStdio, out)

	a, b := statuses(inProcess), statuses(overStdio)
	for id, s := range a {
		if b[id] != s {
			t.Errorf("%s: %s in process but %s over stdio", id, s, b[id])
		}
	}
}

// designatedKillers names, for each broken variant, the spec written to catch it. Other
// specs may catch it too; this one must.
var designatedKillers = map[string]string{
	"no-allowlist":                 "ALLOW-002",
	"redirects-unchecked":          "ALLOW-046",
	"input-stringified-twice":      "ALLOW-045",
	"teardown-leaves-bodies-open":  "TEAR-002",
	"teardown-leaves-clones-open":  "TEAR-005",
	"late-settlements":             "TEAR-018",
	"notify-missing":               "NOTIFY-001",
	"teardown-breaks-reuse":        "TEAR-015",
	"state-shared-between-vats":    "CONF-007",
	"globals-not-frozen":           "AVAIL-002",
	"harden-reaches-intrinsics":    "AVAIL-013",
	"credentials-follow-redirects": "FETCH-041",
	"redirect-limit-off-by-one":    "FETCH-038",
	"certificates-unverified":      "TLS-010",
	"https-refused":                "TLS-009",
}

// TestEveryBrokenVariantIsCaught runs, against each deliberately broken variant of the
// reference, the spec written to catch it, and requires that spec to fail. A variant without
// such a spec is a bug the suite may not see: a missing spec.
func TestEveryBrokenVariantIsCaught(t *testing.T) {
	for _, name := range mutants.Names() {
		if hanging[name] {
			continue // caught as an error, not a failure: TestAHangingVariantIsReportedAsErrors
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, ok := designatedKillers[name]
			if !ok {
				t.Fatalf("variant %q has no designated spec: add the spec written to catch it to designatedKillers", name)
			}
			code, run, out := runConform(t, "--mutant", name, "--spec", want, "-p", "1")
			if killers := failed(run); !slices.Contains(killers, want) {
				t.Fatalf("variant %q was not caught by %s, the spec written for it (exit %d)\n%s", name, want, code, tail(out, 2000))
			}
			if code != 1 {
				t.Errorf("variant %q: exit %d, want 1 (conformance failures)", name, code)
			}
		})
	}
}

// hanging are the broken variants that hang instead of answering wrongly: their specs are
// errors (exit 3), not failures, and each costs a call timeout.
var hanging = map[string]bool{"body-read-deadlocks": true}

// TestAHangingVariantIsReportedAsErrors runs a spec against a variant whose body read never
// returns: the run must end, with the spec an error (an infrastructure failure, exit 3)
// that names the call timeout, as for an adapter that stopped answering.
func TestAHangingVariantIsReportedAsErrors(t *testing.T) {
	for name := range hanging {
		code, run, out := runConform(t, "--mutant", name, "--spec", "FETCH-020", "-p", "1", "--call-timeout", "3s")
		if code != 3 {
			t.Errorf("variant %q: exit %d, want 3 (the implementation failed)\n%s", name, code, tail(out, 2000))
		}
		if len(run.Specs) != 1 {
			t.Fatalf("variant %q: %d specs in the report, want 1", name, len(run.Specs))
		}
		s := run.Specs[0]
		if s.Status != reports.StatusFailed || s.Failure == nil || !s.Failure.Infrastructure {
			t.Fatalf("variant %q: FETCH-020 %s (%+v), want failed as an infrastructure failure", name, s.Status, s.Failure)
		}
		for _, want := range []string{"within 3s", "call timeout", "hung"} {
			if !strings.Contains(s.Failure.Message, want) {
				t.Errorf("variant %q: the error does not say %q: %s", name, want, s.Failure.Message)
			}
		}
	}
}

// progressLog streams a run's progress lines into the test log under go test -v.
func progressLog(t *testing.T) func(string, ...any) {
	if !testing.Verbose() {
		return nil
	}
	return t.Logf
}
