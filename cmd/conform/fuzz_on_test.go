//go:build conformfaults

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A broken variant without an allowlist is found by the properties alone, and the finding is
// written shrunk, and replays.
func TestFuzzFindsABrokenVariant(t *testing.T) {
	out := t.TempDir()
	r := conform(t, "fuzz", "--mutant", "no-allowlist", "--runs", "150", "--seed", "5", "--out", out, "--shrink-time", "3s")
	if r.code != exitFailures || !strings.Contains(r.stdout, "allowlist/") {
		t.Fatalf("exit %d, want %d with an allowlist finding\n%s\n%s", r.code, exitFailures, r.stdout, r.stderr)
	}
	found, _ := filepath.Glob(filepath.Join(out, "findings", "allowlist_*.json"))
	if len(found) == 0 {
		t.Fatalf("no allowlist finding written in %s", out)
	}
	if _, err := os.Stat(strings.TrimSuffix(found[0], ".json") + ".js"); err != nil {
		t.Errorf("the finding's program was not written: %v", err)
	}
	r = conform(t, "fuzz", "--mutant", "no-allowlist", "--replay", found[0])
	if r.code != exitFailures || !strings.Contains(r.stdout, "reproduced:") {
		t.Fatalf("replay: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
