package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reports"
)

var update = flag.Bool("update", false, "rewrite results/matrix.html and README.md's implementation table from the committed reports")

// repoRoot is the repository, seen from this package's directory.
const repoRoot = "../.."

// committedMatrixInputs are the committed reports (results/*/report.json), each with its
// adapter's expectations file (adapters/NAME/expectations.yaml) when there is one and its
// bench.json when there is one, in the order the README shows them: the embedded
// reference first, then the most passes first.
// expectationsOf finds the expectations file of a committed report: its adapter's, named by
// the folder (results/deno → adapters/deno) or, for a run of an adapter under a grant
// (results/snaps-node-ocap-kernel), by the adapter command the report names.
func expectationsOf(t *testing.T, dir string) string {
	t.Helper()
	if exp := filepath.Join(repoRoot, "adapters", filepath.Base(dir), "expectations.yaml"); fileExists(exp) {
		return exp
	}
	data, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var run reports.Run
	if err := json.Unmarshal(data, &run); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	for _, word := range strings.Fields(run.Implementation.Adapter) {
		if rest, ok := strings.CutPrefix(word, "adapters/"); ok {
			if exp := filepath.Join(repoRoot, "adapters", strings.SplitN(rest, "/", 2)[0], "expectations.yaml"); fileExists(exp) {
				return exp
			}
		}
	}
	return ""
}

func committedMatrixInputs(t *testing.T, page string) []reports.MatrixInput {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(repoRoot, "results", "*", reports.JSONFile))
	if err != nil || len(found) == 0 {
		t.Fatalf("no committed reports under results/: %v", err)
	}
	var dirs []string
	expect := map[string]string{}
	for _, f := range found {
		dir := filepath.Dir(f)
		dirs = append(dirs, dir)
		if exp := expectationsOf(t, dir); exp != "" {
			expect[dir] = exp
		}
	}
	inputs, err := reports.ReadMatrixInputs(dirs, page, expect, nil, knownIDs())
	if err != nil {
		t.Fatal(err)
	}
	passed := func(in reports.MatrixInput) int {
		n := 0
		for _, s := range in.Run.Specs {
			if s.Status == reports.StatusPassed || s.Status == reports.StatusUnexpectedPass {
				n++
			}
		}
		return n
	}
	sort.SliceStable(inputs, func(i, j int) bool {
		a, b := inputs[i], inputs[j]
		if (a.Run.Implementation.Adapter == "") != (b.Run.Implementation.Adapter == "") {
			return a.Run.Implementation.Adapter == ""
		}
		if passed(a) != passed(b) {
			return passed(a) > passed(b)
		}
		return a.Run.Implementation.Name < b.Run.Implementation.Name
	})
	return inputs
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestCommittedMatrixIsCurrent checks that results/matrix.html and the implementation
// table in README.md are what the committed reports give; with -update it rewrites them.
// Run it with -update after regenerating the reports (go test ./adapters -update) or
// adding an adapter's reports.
func TestCommittedMatrixIsCurrent(t *testing.T) {
	pagePath := filepath.Join(repoRoot, "results", "matrix.html")
	readmePath := filepath.Join(repoRoot, "README.md")
	page, table, err := renderMatrix(committedMatrixInputs(t, pagePath))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	wantReadme, err := reports.ReplaceMarked(string(readme), matrixBeginMarker, matrixEndMarker, table)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if *update {
		if err := os.WriteFile(pagePath, page, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(readmePath, []byte(wantReadme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	committed, err := os.ReadFile(pagePath)
	if err != nil || string(committed) != string(page) {
		t.Errorf("results/matrix.html is not what the committed reports give (%v); run: go test ./cmd/conform -run TestCommittedMatrixIsCurrent -update", err)
	}
	if string(readme) != wantReadme {
		t.Errorf("README.md's implementation table is not what the committed reports give; run: go test ./cmd/conform -run TestCommittedMatrixIsCurrent -update\nwant:\n%s", table)
	}
}

func TestReportMatrixCommand(t *testing.T) {
	dir := t.TempDir()
	one := writeShard(t, "impl-a", "", "ALLOW-001", "ALLOW-002")
	two := writeShard(t, "impl-b", "", "ALLOW-001")
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte("# x\n"+matrixBeginMarker+"\nold table\n"+matrixEndMarker+"\nrest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	figures := &reports.Throughput{SchemaVersion: reports.ThroughputSchemaVersion, Implementation: reports.Implementation{Name: "impl-b"}, Runs: 1, BodyBytes: 1024, Loads: []reports.Load{
		{Name: "sequential", Requests: 10, Concurrency: 1, Hosts: 1, Implementation: reports.LoadFigures{RequestsPerSecond: 321}, Baseline: reports.LoadFigures{RequestsPerSecond: 642}, CostRatio: 2},
	}}
	if err := reports.WriteThroughput(filepath.Join(two, reports.ThroughputFile), figures); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out", "matrix.html")
	r := conform(t, "report", "matrix", "--out", out, "--readme", readme, one, two)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<div class="iname">impl-a</div>`, `<div class="iname">impl-b</div>`, "<b>321</b>/s one at a time", `/report.html">full report</a>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !strings.Contains(r.stdout, "| `impl-a` 1.0.0: embedded, in process | 2 | 0 | 2 / 0 | — | — |") {
		t.Errorf("the printed table lacks impl-a's row:\n%s", r.stdout)
	}
	doc, _ := os.ReadFile(readme)
	if strings.Contains(string(doc), "old table") || !strings.Contains(string(doc), "| `impl-b` 1.0.0: embedded, in process | 1 | 0 | 1 / 0 | 321 (2.0×) | — |") || !strings.HasSuffix(string(doc), matrixEndMarker+"\nrest\n") {
		t.Errorf("--readme did not replace the table between the markers:\n%s", doc)
	}

	t.Run("a stale summary is refused", func(t *testing.T) {
		exp := filepath.Join(dir, "expectations.yaml")
		if err := os.WriteFile(exp, []byte("implementation: impl-a\nsummary:\n  teardown: bodies stay open\nexpectations: []\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := conform(t, "report", "matrix", "--out", out, "--expect", one+"="+exp, one, two)
		if r.code != exitUsage || !strings.Contains(r.stderr, "teardown") {
			t.Errorf("exit %d, want %d naming the stale area\n%s", r.code, exitUsage, r.stderr)
		}
	})
	t.Run("figures of another implementation are refused", func(t *testing.T) {
		if err := reports.WriteThroughput(filepath.Join(one, reports.ThroughputFile), figures); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(filepath.Join(one, reports.ThroughputFile))
		r := conform(t, "report", "matrix", "--out", out, one, two)
		if r.code != exitUsage || !strings.Contains(r.stderr, "measures impl-b, but the report") {
			t.Errorf("exit %d, want %d naming the mismatch\n%s", r.code, exitUsage, r.stderr)
		}
	})
	t.Run("--expect for a directory not given", func(t *testing.T) {
		r := conform(t, "report", "matrix", "--out", out, "--expect", dir+"=x.yaml", one)
		if r.code != exitUsage || !strings.Contains(r.stderr, "not one of the report directories") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
}
