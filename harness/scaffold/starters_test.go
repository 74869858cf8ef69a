package scaffold

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness/check"
	"github.com/conform-suite/conform/internal/conformtest"
	"github.com/conform-suite/conform/internal/kitpack"
)

const repoRoot = "../.."

// chromiumPath is the browser the browser starter drives, as the starter finds it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestStartersPassTheAdapterCheck writes each runtime's starter, installs it with npm (the
// kit from the local tarball, npm pack's for three of them and the one init writes for the
// node starter; the runtime's packages from npm, pinned as the project's adapters pin them)
// and runs `conform adapter check` against it: every check must pass as generated. The
// browser starter needs Chromium: it is checked where /usr/bin/chromium (or $CHROMIUM) is
// installed, as scripts/test installs it, and skipped elsewhere.
func TestStartersPassTheAdapterCheck(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatalf("npm is not on PATH: the starters need Node 20 and npm")
	}
	ctx := t.Context()
	tmp := t.TempDir()
	packed, err := kitpack.Pack(ctx, filepath.Join(repoRoot, "adapters", "lib"), filepath.Join(tmp, "kit"))
	if err != nil {
		t.Fatal(err)
	}
	for _, runtime := range Runtimes() {
		t.Run(runtime, func(t *testing.T) {
			if runtime == RuntimeBrowser {
				if _, err := os.Stat(chromiumPath()); err != nil {
					t.Skipf("no Chromium at %s (set CHROMIUM, or install Debian's chromium as scripts/test does): the browser starter is not checked here", chromiumPath())
				}
			}
			dir := filepath.Join(tmp, runtime)
			opts := Options{Dir: dir, Runtime: runtime, Name: "starter-" + runtime, ConformVersion: "test"}
			if runtime != RuntimeNode {
				opts.Kit = "file:" + packed.Tarball
			}
			if _, err := Init(opts); err != nil {
				t.Fatal(err)
			}
			if _, err := kitpack.NPM(ctx, dir, "install", "--prefer-offline"); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			res, err := check.Run(ctx, check.Options{Argv: []string{"node", filepath.Join(dir, "adapter.mjs")}, Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed > 0 || !res.Initialized {
				t.Fatalf("conform adapter check of the %s starter as generated: %d passed, %d failed\n%s", runtime, res.Passed, res.Failed, out.String())
			}
			t.Logf("%s starter: %d checks passed", runtime, res.Passed)
		})
	}
}

// TestStarterRunsTheSuite runs three specs against the node starter as generated: what the
// stand-in endowment does passes (a fetch of an allowed host, a status), and what it leaves
// to fill in fails with the suite's message and the starter's own note in the report.
func TestStarterRunsTheSuite(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatalf("npm is not on PATH: the starters need Node 20 and npm")
	}
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "starter")
	if _, err := Init(Options{Dir: dir, Runtime: RuntimeNode, ConformVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := kitpack.NPM(ctx, dir, "install", "--prefer-offline"); err != nil {
		t.Fatal(err)
	}
	bin, cleanup, err := conformtest.Build(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	reportDir := filepath.Join(dir, "conform-reports")
	code, out, err := conformtest.Run(dir, bin, "run", "--adapter", "node adapter.mjs", "-p", "1",
		"--focus", "^(ALLOW-001|FETCH-001|TEAR-001):", "--report-dir", reportDir)
	if err != nil {
		t.Fatal(err)
	}
	if code != 1 || !strings.Contains(out, "PASS ALLOW-001") || !strings.Contains(out, "PASS FETCH-001") || !strings.Contains(out, "FAIL TEAR-001") {
		t.Fatalf("conform run against the node starter: exit %d, want 1 with ALLOW-001 and FETCH-001 passing and TEAR-001 failing\n%s", code, out)
	}
	if !strings.Contains(out, "still open on mocknet") {
		t.Errorf("TEAR-001's failure does not say what mocknet saw:\n%s", out)
	}
	junit, err := os.ReadFile(filepath.Join(reportDir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(junit), "teardown is not implemented yet (fill in teardown() in adapter.mjs)") {
		t.Errorf("the report of TEAR-001 does not carry the starter's note on its teardown:\n%s", junit)
	}
}
