package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
)

// writeShard writes the reports of shard index (e.g. "1/2") of a run of impl, holding the
// given spec IDs, and returns its directory.
func writeShard(t *testing.T, impl, index string, ids ...string) string {
	t.Helper()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := &reports.Run{SchemaVersion: "1", Implementation: reports.Implementation{Name: impl, Version: "1.0.0"},
		Profiles: []string{"core"}, Shard: index, StartedAt: start, FinishedAt: start.Add(time.Second)}
	for _, id := range ids {
		run.Specs = append(run.Specs, reports.SpecResult{ID: id, Title: id, Profile: "core", Area: "allowlist", Status: reports.StatusPassed})
	}
	dir := filepath.Join(t.TempDir(), "shard-"+strings.ReplaceAll(index, "/", "-of-"))
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportMergeRefusesIncompleteOrMixedShards(t *testing.T) {
	one := writeShard(t, "snaps-node", "1/2", "ALLOW-001", "ALLOW-003")
	two := writeShard(t, "snaps-node", "2/2", "ALLOW-002")
	oneOfThree := writeShard(t, "snaps-node", "1/3", "ALLOW-004")
	otherImpl := writeShard(t, "node-plain", "2/2", "ALLOW-002")

	t.Run("complete", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "merged")
		r := conform(t, "report", "merge", "--out", out, two, one)
		if r.code != exitOK {
			t.Fatalf("exit %d, want %d\n%s", r.code, exitOK, r.stderr)
		}
		merged := readReport(t, out)
		if len(merged.Specs) != 3 || merged.Partial || merged.Shard != "" {
			t.Errorf("merged report: %d specs, partial %v, shard %q; want 3 specs, complete", len(merged.Specs), merged.Partial, merged.Shard)
		}
	})

	for name, tc := range map[string]struct {
		dirs []string
		want []string // in stderr
	}{
		"a shard missing":           {[]string{one}, []string{"shard 2/2 missing", "--allow-partial"}},
		"shards of different runs":  {[]string{one, two, oneOfThree}, []string{"different totals"}},
		"different implementations": {[]string{one, otherImpl}, []string{"different implementations", "snaps-node", "node-plain"}},
		"a shard twice":             {[]string{one, two, two}, []string{"shard 2/2 is given twice"}},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged")
			r := conform(t, append([]string{"report", "merge", "--out", out}, tc.dirs...)...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, exitUsage, r.stdout, r.stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a refused merge wrote %s (%v)", out, err)
			}
		})
	}

	t.Run("--allow-partial", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "merged")
		r := conform(t, "report", "merge", "--allow-partial", "--out", out, one)
		if r.code != exitOK {
			t.Fatalf("exit %d, want %d\n%s", r.code, exitOK, r.stderr)
		}
		if !strings.Contains(r.stdout, "partial: shard 2/2 missing") {
			t.Errorf("stdout does not say the merged report is partial:\n%s", r.stdout)
		}
		merged := readReport(t, out)
		if !merged.Partial || merged.PartialReason != "shard 2/2 missing" || len(merged.Specs) != 2 {
			t.Errorf("merged report: partial %v %q, %d specs; want partial, \"shard 2/2 missing\", 2 specs", merged.Partial, merged.PartialReason, len(merged.Specs))
		}
		junit, err := os.ReadFile(filepath.Join(out, reports.JUnitFile))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(junit), `<property name="partialReason" value="shard 2/2 missing">`) {
			t.Errorf("junit.xml does not say the report is partial:\n%s", junit)
		}
		// Mixed sets stay refused: --allow-partial accepts missing shards, nothing else.
		if r := conform(t, "report", "merge", "--allow-partial", "--out", out, one, otherImpl); r.code != exitUsage {
			t.Errorf("--allow-partial merged reports of different implementations: exit %d", r.code)
		}
	})
}
