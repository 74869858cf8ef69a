package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdapterInitAndKit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-adapter")
	r := conform(t, "adapter", "init", dir, "--runtime", "ses")
	if r.code != exitOK || !strings.Contains(r.stdout, `wrote adapter "my-adapter" (ses)`) {
		t.Fatalf("adapter init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "adapter.mjs")); err != nil {
		t.Errorf("adapter init wrote no adapter.mjs: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"adapter", "init", filepath.Join(t.TempDir(), "a")}, "--runtime is required: one of node, ses, deno, browser"},
		{[]string{"adapter", "init", "--runtime", "node"}, "name one directory"},
		{[]string{"adapter", "init", dir, "--runtime", "node"}, "is not empty"},
		{[]string{"adapter", "init", filepath.Join(t.TempDir(), "a"), "--runtime", "bun"}, `unknown runtime family "bun"`},
	} {
		r := conform(t, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("conform %v: exit %d, stderr %q; want exit %d saying %q", c.args, r.code, r.stderr, exitUsage, c.want)
		}
	}

	out := t.TempDir()
	r = conform(t, "adapter", "kit", "--out", out)
	path := strings.TrimSpace(r.stdout)
	if r.code != exitOK || filepath.Dir(path) != out || !strings.HasSuffix(path, ".tgz") {
		t.Fatalf("adapter kit: exit %d, printed %q", r.code, r.stdout)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("adapter kit printed %s, which is not there: %v", path, err)
	}
}
