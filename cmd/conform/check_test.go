package main

import (
	"os"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness"
)

// A protocol violation that does not stop the adapter still fails the check: here the
// reference adapter's output goes through sed, which prints every taskSettled line twice.
func TestAdapterCheckFailsOnProtocolWarnings(t *testing.T) {
	adapter := harness.JoinCommand([]string{"sh", "-c", `"$0" adapter reference | sed -u '/"method":"taskSettled"/p'`, os.Args[0]})
	r := conform(t, "adapter", "check", "--adapter", adapter)
	if r.code != exitFailures {
		t.Errorf("exit %d, want %d", r.code, exitFailures)
	}
	if !strings.Contains(r.stdout, "FAIL  the adapter keeps the protocol throughout") ||
		!strings.Contains(r.stdout, `a second taskSettled for task "check-task" of vat "check-1"`) {
		t.Errorf("the check must name the repeated taskSettled:\n%s\n%s", r.stdout, r.stderr)
	}
}
