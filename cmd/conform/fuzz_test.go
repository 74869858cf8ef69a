package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFuzzUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"fuzz", "--no-reference"}, "needs at least one --adapter"},
		{[]string{"fuzz", "--runs", "-1"}, "cannot be negative"},
		{[]string{"fuzz", "--known", "no-such-file.yaml", "--runs", "1"}, "known-divergences file"},
		{[]string{"fuzz", "--mutant", "no-allowlist", "--no-reference"}, "cannot be combined"},
		{[]string{"fuzz", "stray"}, "unexpected argument"},
	} {
		r := conform(t, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.says) {
			t.Errorf("conform %s: exit %d, stderr %q; want exit %d saying %q", strings.Join(c.args, " "), r.code, r.stderr, exitUsage, c.says)
		}
	}
}

// The reference alone keeps every property: a short run finds nothing, exits 0 and writes its
// summary and corpus.
func TestFuzzTheReferenceAlone(t *testing.T) {
	out := t.TempDir()
	r := conform(t, "fuzz", "--runs", "40", "--seed", "3", "--out", out, "--quiet")
	if r.code != exitOK || !strings.Contains(r.stdout, "40 programs") || !strings.Contains(r.stdout, "no finding") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range []string{"summary.json", "corpus.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

// A finding's program replays: here one the reference refuses, so it does not reproduce.
func TestFuzzReplay(t *testing.T) {
	finding := filepath.Join(t.TempDir(), "finding.json")
	program := `{"class": "allowlist/direct", "implementations": ["conform-reference"], "detail": "test", "program": {
		"seed": 1, "globals": ["fetch"], "allowedHosts": ["allowed.test"], "steps": [
		{"kind": "eval", "op": "fetch:string", "code": "await fetch(\"http://evil.test/anything\")"}, {"kind": "terminate"}]}}`
	if err := os.WriteFile(finding, []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	r := conform(t, "fuzz", "--replay", finding)
	if r.code != exitOK || !strings.Contains(r.stdout, "did not reproduce: allowlist/direct") || !strings.Contains(r.stdout, "error TypeError") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
