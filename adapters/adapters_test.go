package adapters_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/internal/conformtest"
)

var update = flag.Bool("update", false, "write the reports of each adapter's run to results/<adapter>/")

// repoRoot is where adapters' command lines are run from, as the README documents them.
const repoRoot = ".."

var conformBin string

func TestMain(m *testing.M) {
	flag.Parse()
	bin, cleanup, err := conformtest.Build(repoRoot)
	if err != nil {
		panic(err)
	}
	conformBin = bin
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func conform(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, err := conformtest.RunLogged(progressLog(t), repoRoot, conformBin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return code, out
}

func requireInstalled(t *testing.T, adapter string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH: the adapters need Node 20 (bash .ci/run expects it installed)")
	}
	if _, err := os.Stat(filepath.Join(adapter, "node_modules")); err != nil {
		t.Fatalf("adapters/%s has no node_modules: run `npm ci` in adapters/%s (bash .ci/run does)", adapter, adapter)
	}
	if adapter == "chromium" {
		if _, err := exec.LookPath("chromium"); err != nil {
			t.Fatalf("chromium is not on PATH: adapters/chromium drives Debian's chromium package (apt-get install chromium; bash .ci/run does, from adapters/chromium/apt-packages)")
		}
	}
}

// TestExpectationsMatchTheImplementations runs the whole suite against each adapter with
// its expectations file: every listed spec must fail and every other spec must pass. With
// -update it also writes the embedded reference's reports to results/reference/.
func TestExpectationsMatchTheImplementations(t *testing.T) {
	// snaps-node-ocap-kernel is snaps-node granting only what ocap-kernel grants a vat (the
	// design ocap-kernel ships: Snaps' factory with its host caveat), so ocap-kernel's
	// engineers see their kernel's column; it keeps snaps-node's expectations.
	targets := []string{"snaps-node", "snaps-node-ocap-kernel", "node-plain", "deno", "chromium"}
	if *update {
		targets = append(targets, "reference")
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			// One adapter at a time: a run already spreads over every CPU, and a browser
			// sharing a loaded 2-core machine with other adapters' runs had its kernel page
			// crash. The browser gets two workers, not the default: six browsers on two cores
			// crashed a kernel page too (in TEAR-013's twenty vats).
			reportDir := t.TempDir()
			committed := filepath.Join(repoRoot, "results", target, "report.json")
			if *update {
				reportDir = filepath.Join(repoRoot, "results", target)
			}
			abs, err := filepath.Abs(reportDir)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"run", "--report-dir", abs}
			if target == "chromium" {
				// Two browsers starting beside four CPU burners on two cores took 20 to 35 s,
				// and initialize's default bound is 30 s (adapters/chromium/README.md).
				args = append(args, "-p", "2", "--initialize-timeout", "2m")
			}
			// The committed report's durations deal the specs to the workers (-update reads
			// it from --report-dir before overwriting it).
			if _, err := os.Stat(committed); err == nil && !*update {
				args = append(args, "--durations", filepath.Join("results", target, "report.json"))
			}
			if target != "reference" {
				adapter, grant, granted := strings.Cut(target, "-ocap-")
				requireInstalled(t, adapter)
				args = append(args,
					"--adapter", fmt.Sprintf("node adapters/%s/adapter.mjs", adapter),
					"--expect", fmt.Sprintf("adapters/%s/expectations.yaml", adapter),
					"--strict-expectations")
				if granted {
					args = append(args, "--grant", "ocap-"+grant)
				}
			}
			code, out := conform(t, args...)
			if code != 0 {
				t.Fatalf("conform run against %s with its expectations: exit %d (1: a spec failed that is not listed, or a listed one passed; update adapters/%s/expectations.yaml only if the implementation changed)\n%s",
					target, code, target, tail(out, 6000))
			}
		})
	}
}

func TestSnapsAdapterSpeaksTheProtocol(t *testing.T) {
	requireInstalled(t, "snaps-node")
	code, out := conform(t, "adapter", "check", "--adapter", "node adapters/snaps-node/adapter.mjs")
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Fatalf("conform adapter check: exit %d\n%s", code, out)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// progressLog streams a run's progress lines into the test log under go test -v.
func progressLog(t *testing.T) func(string, ...any) {
	if !testing.Verbose() {
		return nil
	}
	return t.Logf
}
