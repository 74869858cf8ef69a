package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
)

// A parallel run reports exactly what a serial run reports, failures included: with specs
// that fail, tampering specs that fail (the worker restarts its implementation before the
// next spec) and a spec that runs alone.
func TestParallelRunMatchesSerial(t *testing.T) {
	needsBrokenVariants(t)
	for _, c := range []struct{ mutant, filter string }{
		{"notify-missing", "notify || config"},
		{"globals-not-frozen", "isolation || availability || TEAR-017"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			statuses := func(p string) (map[string]reports.Status, int) {
				dir := t.TempDir()
				r := conform(t, "run", "-p", p, "--mutant", c.mutant, "--label-filter", c.filter, "--report-dir", dir)
				out := map[string]reports.Status{}
				for _, s := range readReport(t, dir).Specs {
					out[s.ID] = s.Status
				}
				return out, r.code
			}
			serial, serialCode := statuses("1")
			parallel, parallelCode := statuses("3")
			if serialCode != exitFailures || parallelCode != exitFailures {
				t.Errorf("exit codes: serial %d, parallel %d; want %d for both", serialCode, parallelCode, exitFailures)
			}
			if len(serial) == 0 || len(parallel) != len(serial) {
				t.Fatalf("serial ran %d specs, parallel %d", len(serial), len(parallel))
			}
			failed := 0
			for id, s := range serial {
				if parallel[id] != s {
					t.Errorf("%s: %s serially but %s in parallel", id, s, parallel[id])
				}
				if s == reports.StatusFailed {
					failed++
				}
			}
			if failed == 0 {
				t.Error("the broken variant failed nothing, so the comparison shows nothing")
			}
		})
	}
}

// --shard deals by the --durations file: the shards of a selection partition it, `list`
// shows what `run` would select, and the costliest spec goes to the first shard.
func TestShardsFollowTheDurations(t *testing.T) {
	list := func(args ...string) []string {
		r := conform(t, append([]string{"list", "--json", "--label-filter", "teardown"}, args...)...)
		if r.code != exitOK {
			t.Fatalf("list %v: exit %d\n%s", args, r.code, r.stderr)
		}
		var specs []struct{ ID string }
		if err := json.Unmarshal([]byte(r.stdout), &specs); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range specs {
			ids = append(ids, s.ID)
		}
		return ids
	}
	all := list()
	costly := all[len(all)-1]
	run := &reports.Run{SchemaVersion: "1"}
	for _, id := range all {
		took := 10 * time.Millisecond
		if id == costly {
			took = time.Minute
		}
		run.Specs = append(run.Specs, reports.SpecResult{ID: id, Status: reports.StatusPassed, Duration: took})
	}
	raw, err := json.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	durations := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(durations, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	one := list("--shard", "1/3", "--durations", durations)
	two := list("--shard", "2/3", "--durations", durations)
	three := list("--shard", "3/3", "--durations", durations)
	union := slices.Sorted(slices.Values(slices.Concat(one, two, three)))
	if !slices.Equal(union, all) {
		t.Errorf("shards %v + %v + %v do not partition %v", one, two, three, all)
	}
	if !slices.Contains(one, costly) || len(one) > 2 {
		t.Errorf("shard 1/3 %v: want %s, which takes a minute, and little else", one, costly)
	}
	if r := conform(t, "list", "--shard", "1/2", "--durations", "/nonexistent/report.json"); r.code != exitUsage || !strings.Contains(r.stderr, "--durations") {
		t.Errorf("an unreadable --durations file: exit %d\n%s", r.code, r.stderr)
	}
}
