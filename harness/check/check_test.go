package check_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/check"
	"github.com/conform-suite/conform/harness/inprocess"
)

// The test binary doubles as an adapter: with serveReference set in its environment it
// serves the embedded reference over stdio, as 'conform adapter reference' does.
const serveReference = "CONFORM_CHECK_TEST_SERVE_REFERENCE"

func TestMain(m *testing.M) {
	if os.Getenv(serveReference) == "1" {
		if err := harness.Serve(context.Background(), inprocess.New(inprocess.Options{}), os.Stdin, os.Stdout, os.Stderr); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runCheck checks the adapter argv, with the test binary serving the reference to any
// adapter command that starts it, and returns the result and what the check printed.
func runCheck(t *testing.T, argv ...string) (check.Result, string) {
	t.Helper()
	t.Setenv(serveReference, "1") // inherited by the adapter's process, not read by this one
	var out strings.Builder
	res, err := check.Run(context.Background(), check.Options{Argv: argv, Out: &out})
	if err != nil {
		t.Fatalf("check.Run: %v", err)
	}
	return res, out.String()
}

func TestTheReferencePasses(t *testing.T) {
	res, out := runCheck(t, os.Args[0])
	if !res.Initialized || res.Failed != 0 || res.Passed == 0 || !strings.Contains(out, "0 failed") {
		t.Fatalf("result %+v\n%s", res, out)
	}
}

// An adapter that never answers initialize: the check stops there and says what to do.
func TestABrokenAdapterIsExplained(t *testing.T) {
	res, out := runCheck(t, "cat")
	if res.Initialized || res.Failed == 0 {
		t.Errorf("result %+v, want not initialized and a failure", res)
	}
	if !strings.Contains(out, "FAIL  initialize is answered") || !strings.Contains(out, "fix:") {
		t.Errorf("the check must say what failed and how to fix it:\n%s", out)
	}
}

// A protocol violation that does not stop the adapter still fails the check: here the
// reference adapter's output goes through sed, which prints every taskSettled line twice.
func TestProtocolWarningsFail(t *testing.T) {
	res, out := runCheck(t, "sh", "-c", `"$0" | sed -u '/"method":"taskSettled"/p'`, os.Args[0])
	if !res.Initialized || res.Failed == 0 {
		t.Errorf("result %+v, want initialized and a failure", res)
	}
	if !strings.Contains(out, "FAIL  the adapter keeps the protocol throughout") ||
		!strings.Contains(out, `a second taskSettled for task "check-task" of vat "check-1"`) {
		t.Errorf("the check must name the repeated taskSettled:\n%s", out)
	}
}

// A program that cannot be run fails the first check; no program at all is an error.
func TestAnAdapterThatCannotStart(t *testing.T) {
	res, out := runCheck(t, "/nonexistent/conform-adapter")
	if res.Initialized || !strings.Contains(out, "FAIL  initialize is answered") {
		t.Errorf("result %+v, want initialize to fail\n%s", res, out)
	}
	if _, err := check.Run(context.Background(), check.Options{}); err == nil || !strings.Contains(err.Error(), "start adapter") {
		t.Errorf("no argv: err = %v, want one saying the adapter could not start", err)
	}
}
