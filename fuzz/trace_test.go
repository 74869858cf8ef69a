package fuzz

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/mocknet"
)

func run(impl string, steps ...string) *Run {
	r := &Run{Impl: impl}
	for _, s := range steps {
		switch {
		case strings.HasPrefix(s, "error "):
			r.Steps = append(r.Steps, StepResult{Error: strings.TrimPrefix(s, "error ")})
		default:
			r.Steps = append(r.Steps, StepResult{Value: json.RawMessage(s)})
		}
	}
	return r
}

var twoSteps = Program{Steps: []Step{{Kind: StepEval, Op: "fetch:string"}, {Kind: StepEval, Op: "body.text"}}}

func TestTheMajorityDecidesWhoDeviates(t *testing.T) {
	runs := []*Run{
		run("a", `{"Response":{"status":200,"type":"basic"}}`, `"x"`),
		run("b", `{"Response":{"status":200,"type":"basic"}}`, `"x"`),
		run("c", `{"Response":{"status":0,"type":"opaqueredirect"}}`, `"y"`),
	}
	got := judge(twoSteps, runs)
	if len(got) != 1 {
		t.Fatalf("want one finding, got %+v", got)
	}
	f := got[0]
	if f.Class != "diff/fetch/Response.status" || strings.Join(f.Impls, ",") != "c" || strings.Join(f.Majority, ",") != "a,b" || f.Step != 1 {
		t.Fatalf("want c to deviate from a, b on fetch/Response.status at step 1 (its step 2 is a consequence), got %+v", f)
	}
}

func TestTwoImplementationsHaveNoMajority(t *testing.T) {
	runs := []*Run{run("a", `1`, `"x"`), run("b", `1`, "error TypeError")}
	got := judge(twoSteps, runs)
	if len(got) != 1 || got[0].Class != "diff/body.text/outcome" || strings.Join(got[0].Impls, ",") != "a,b" || len(got[0].Majority) != 0 {
		t.Fatalf("want one finding naming both, body.text/outcome, got %+v", got)
	}
}

// An implementation that broke a property is a finding of its own and is left out of the
// comparison (its outcome differs because of what it did wrong).
func TestAViolationKeepsAnImplementationOutOfTheComparison(t *testing.T) {
	bad := run("b", `2`, `"y"`)
	bad.Violations = []Violation{{Class: "allowlist/direct", Step: 1}}
	got := judge(twoSteps, []*Run{run("a", `1`, `"x"`), bad})
	if len(got) != 1 || got[0].ID() != "allowlist/direct@b" {
		t.Fatalf("want only b's violation, got %+v", got)
	}
}

func TestTracesKeepOnlyWhatTheEndowmentDecides(t *testing.T) {
	h := map[string][]string{"Authorization": {"Basic x"}, "User-Agent": {"node"}, "Connection": {"keep-alive"}}
	p := Program{Headers: []string{"authorization", "connection"}}
	r := &Run{Exchanges: []mocknet.Observation{
		{Host: "allowed.test", Method: "GET", Path: "/fz/res", RawQuery: "b=1", Header: h, Outcome: mocknet.OutcomeCompleted},
		{Host: "allowed.test", Method: "OPTIONS", Preflight: true},
		{Escape: true, Target: "evil.test:80", Method: "CONNECT"},
	}}
	got := traceOf(p, r).Exchanges
	want := []string{"allowed.test | GET | /fz/res?b=1 | {authorization: Basic x} | none | completed", "escape | evil.test"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("exchanges:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestKnownDivergences(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "known.yaml")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	k, err := LoadKnown(write(`divergences:
  - id: allowlist/*
    implementation: node-plain
    reason: no allowlist
    evidence: contacted evil.test
  - id: diff/fetch/Response.type
    implementation: chromium
    reason: CORS
    evidence: opaque
  - id: diff/fetch/outcome
    implementation: node-plain
    code: 'priority: "bogus"'
    reason: undici ignores RequestInit.priority
    evidence: a fetch with priority "bogus" resolved
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    Finding
		want bool
	}{
		{Finding{Class: "allowlist/redirect", Impls: []string{"node-plain"}}, true},
		{Finding{Class: "allowlist/redirect", Impls: []string{"deno"}}, false},
		{Finding{Class: "diff/fetch/Response.type", Impls: []string{"conform-reference", "chromium"}}, true},
		{Finding{Class: "diff/fetch/Response.status", Impls: []string{"chromium"}}, false},
		{Finding{Class: "diff/fetch/outcome", Impls: []string{"node-plain"}, Code: `await fetch("http://allowed.test/", { priority: "bogus" })`}, true},
		{Finding{Class: "diff/fetch/outcome", Impls: []string{"node-plain"}, Code: `await fetch("http://allowed.test/redirect/21")`}, false},
		{Finding{Class: "allowlist/direct", Impls: []string{"node-plain-mutant-x"}}, true},
	} {
		if _, ok := k.Match(c.f); ok != c.want {
			t.Errorf("Match(%s) = %v, want %v", c.f.ID(), ok, c.want)
		}
	}
	for _, bad := range []struct{ file, says string }{
		{"divergences:\n  - id: allowlist/x\n    implementation: a\n    reason: r\n", "no evidence"},
		{"divergences:\n  - id: bogus/x\n    implementation: a\n    reason: r\n    evidence: e\n", "not a finding class"},
		{"divergences:\n  - id: hang/x\n    reason: r\n    evidence: e\n", "no implementation"},
		{"divergences:\n  - id: hang/x\n    implementation: a\n    evidence: e\n", "no reason"},
		{"divergences:\n  - id: hang/x\n    implementation: a\n    reason: r\n    evidence: e\n  - id: hang/x\n    implementation: a\n    reason: r\n    evidence: e\n", "twice"},
		{"divergence:\n  - id: hang/x\n", "format"},
	} {
		if _, err := LoadKnown(write(bad.file)); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("LoadKnown(%q) = %v, want an error saying %q", bad.file, err, bad.says)
		}
	}
}

// The committed known-divergences file is valid.
func TestTheCommittedKnownDivergencesFileLoads(t *testing.T) {
	if _, err := LoadKnown("known-divergences.yaml"); err != nil {
		t.Fatal(err)
	}
}
