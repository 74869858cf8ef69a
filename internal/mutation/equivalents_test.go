package main

import (
	"strings"
	"testing"
)

func TestKeysSurviveMovedLines(t *testing.T) {
	before := "if (a < b) f();\nx = c < d;\nif (a < b) f();\n"
	after := "// a new comment\n\n" + strings.Replace(before, "x = c < d;\n", "x = c < d;\ny = 1;\n", 1)
	keys := func(src string) map[string]string {
		edits, err := jsEdits(src)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range mutantsOf("w.js", []byte(src), edits) {
			if m.Operator == opCmpSwap {
				out[m.Key()] = lineAt([]byte(src), m.Start)
			}
		}
		return out
	}
	b, a := keys(before), keys(after)
	if len(b) != 3 {
		t.Fatalf("want 3 distinct keys for 3 comparisons (two on identical lines), got %v", b)
	}
	for key, line := range b {
		if a[key] != line {
			t.Errorf("key %s named %q before lines moved and %q after", key, line, a[key])
		}
	}
}

func TestParseEquivalents(t *testing.T) {
	entries, err := parseEquivalents([]byte("# comment\n\nreference/a.js:0011aabb:cmp-swap:0 the bound is never reached: the buffer is capped earlier\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := entries["reference/a.js:0011aabb:cmp-swap:0"]
	if !ok || e.Reason != "the bound is never reached: the buffer is capped earlier" || e.Line != 3 || e.GoAPI {
		t.Errorf("entries = %+v", entries)
	}
	entries, err = parseEquivalents([]byte("reference/a.go:0011aabb:flip-bool:0 [go-api] only errors.Is of a Go caller reads it\n"))
	if e := entries["reference/a.go:0011aabb:flip-bool:0"]; err != nil || !e.GoAPI || e.Reason != "only errors.Is of a Go caller reads it" {
		t.Errorf("a [go-api] entry: %+v, %v", e, err)
	}
	for _, bad := range []string{
		"reference/a.js:0011aabb:cmp-swap:0\n",                                         // no reason
		"reference/a.js:0011aabb:cmp-swap:0 [go-api]\n",                                // a tag, no reason
		"reference/a.js:cmp-swap reason\n",                                             // not a key
		"reference/a.js:0011aabb:cmp-swap:0 r\nreference/a.js:0011aabb:cmp-swap:0 r\n", // twice
	} {
		if _, err := parseEquivalents([]byte(bad)); err == nil {
			t.Errorf("parseEquivalents(%q) succeeded; want an error", bad)
		}
	}
}

func TestStaleEquivalents(t *testing.T) {
	src := []byte("x = a < b;\n")
	edits, err := jsEdits(string(src))
	if err != nil {
		t.Fatal(err)
	}
	files := []*sourceFile{{Path: "w.js", Src: src, Mutants: mutantsOf("w.js", src, edits)}}
	live := files[0].Mutants[0].Key()
	entries := map[string]equivalent{
		live:                           {Key: live, Reason: "r", Line: 1},
		"w.js:deadbeef:cmp-swap:0":     {Key: "w.js:deadbeef:cmp-swap:0", Reason: "r", Line: 2},
		"gone.js:00000000:flip-bool:0": {Key: "gone.js:00000000:flip-bool:0", Reason: "r", Line: 3},
	}
	stale := staleEquivalents(entries, files)
	if len(stale) != 2 || stale[0].Line != 2 || stale[1].Line != 3 {
		t.Errorf("stale = %+v, want the entries of lines 2 and 3", stale)
	}
}

func TestSampleIsDeterministicAndSpread(t *testing.T) {
	var files []*sourceFile
	for _, spec := range []struct {
		name string
		n    int
	}{{"big.js", 200}, {"mid.go", 60}, {"small.go", 2}, {"tiny.js", 5}} {
		f := &sourceFile{Path: spec.name}
		for i := range spec.n {
			f.Mutants = append(f.Mutants, Mutant{File: spec.name, Start: i, Operator: opFlipBool, LineHash: "h", Ordinal: i})
		}
		files = append(files, f)
	}
	first, again := sample(files, 50, 7), sample(files, 50, 7)
	if len(first) != 50 {
		t.Fatalf("sampled %d, want 50", len(first))
	}
	perFile := map[string]int{}
	for i := range first {
		if first[i] != again[i] {
			t.Fatalf("the same seed picked %v then %v", first[i], again[i])
		}
		perFile[first[i].File]++
	}
	if perFile["small.go"] != 2 || perFile["tiny.js"] < minPerFile || perFile["big.js"] <= perFile["mid.go"] {
		t.Errorf("spread %v: every file gets its minimum, the rest in proportion", perFile)
	}
	other := sample(files, 50, 8)
	same := 0
	for i := range first {
		if first[i] == other[i] {
			same++
		}
	}
	if same == len(first) {
		t.Error("seeds 7 and 8 picked the same mutants")
	}
	// A file's picks do not depend on the other files.
	var bigPicks []Mutant
	for _, m := range sample(files, 19, 7) {
		if m.File == "big.js" {
			bigPicks = append(bigPicks, m)
		}
	}
	alone := sample(files[:1], len(bigPicks), 7)
	if len(alone) != len(bigPicks) {
		t.Fatalf("big.js got %d alone and %d with others", len(alone), len(bigPicks))
	}
	for i := range alone {
		if alone[i] != bigPicks[i] {
			t.Errorf("big.js picks changed when other files were added: %v vs %v", alone[i], bigPicks[i])
		}
	}
	if all := sample(files, 0, 7); len(all) != 267 {
		t.Errorf("--count 0 sampled %d, want all 267", len(all))
	}
}

func TestFilesGlobs(t *testing.T) {
	for _, tc := range []struct {
		file, globs string
		want        bool
	}{
		{"reference/internal/endowment/webapi/headers.js", "*.js", true},
		{"reference/internal/endowment/webapi/headers.js", "reference/internal/endowment/webapi/*.js", true},
		{"reference/allowlist/allowlist.go", "*.js, reference/allowlist/*.go", true},
		{"reference/allowlist/allowlist.go", "*.js", false},
		{"reference/reference.go", "", true},
	} {
		got, err := matchesAny(tc.file, tc.globs)
		if err != nil || got != tc.want {
			t.Errorf("matchesAny(%q, %q) = %v, %v; want %v", tc.file, tc.globs, got, err, tc.want)
		}
	}
}
