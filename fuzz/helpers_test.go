package fuzz

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
)

// referenceTarget is the embedded reference, as cmd/conform builds it.
func referenceTarget() Target {
	return Target{Name: "conform-reference", InProcess: true, New: func(net *mocknet.Network) (harness.Implementation, error) {
		return inprocess.New(inprocess.Options{PrepareClient: func(c *http.Client) error {
			_, err := net.GuardClient(c)
			return err
		}}), nil
	}}
}

// nodePlainTarget is adapters/node-plain, as `--adapter "node adapters/node-plain/adapter.mjs"`
// starts it from the repository's root. It needs Node and the adapter's node_modules, which
// scripts/test installs.
func nodePlainTarget(tb testing.TB) Target {
	tb.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		tb.Fatal("node is not on PATH: the adapters need Node 20 (scripts/test expects it installed)")
	}
	if _, err := os.Stat(filepath.Join("..", "adapters", "node-plain", "node_modules")); err != nil {
		tb.Fatal("adapters/node-plain has no node_modules: run `npm ci` in adapters/node-plain (scripts/test does)")
	}
	return Target{Name: "node adapters/node-plain/adapter.mjs", New: func(*mocknet.Network) (harness.Implementation, error) {
		return harness.NewExternal(harness.ExternalOptions{Argv: []string{"node", "adapters/node-plain/adapter.mjs"}, Dir: "..",
			CallTimeout: 5 * time.Second})
	}}
}
