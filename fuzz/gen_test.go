package fuzz

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func testEnv() Env {
	return Env{Globals: []string{"fetch", "Request", "Headers", "Response", "AbortController", "AbortSignal", "DOMException",
		"ReadableStream", "TextEncoder", "TextDecoder", "URL", "URLSearchParams"}, Teardown: true, VaryAllowlist: true}
}

// The same seed gives the same program, whatever ran before.
func TestGenerateIsAFunctionOfTheSeed(t *testing.T) {
	env := testEnv()
	for i := 0; i < 50; i++ {
		seed := ProgramSeed(7, i)
		a, b := Generate(env, seed), Generate(env, seed)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d gave two programs:\n%s\n%s", seed, a.Render(""), b.Render(""))
		}
	}
	if reflect.DeepEqual(Generate(env, ProgramSeed(7, 0)), Generate(env, ProgramSeed(7, 1))) {
		t.Fatal("two seeds gave the same program")
	}
}

// The shrinker starts from the program the loop found: rapid.Check with the program's seed
// generates it first.
func TestCheckStartsFromTheProgramOfTheSeed(t *testing.T) {
	env := testEnv()
	for i := 0; i < 5; i++ {
		seed := ProgramSeed(11, i)
		want := Generate(env, seed)
		var first *Program
		err := checkRapid(seed, time.Nanosecond, func(rt *rapid.T) {
			p := Generator(env).Draw(rt, "program")
			if first == nil {
				first = &p
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			t.Fatal("rapid.Check ran no program")
		}
		first.Seed = seed
		if !reflect.DeepEqual(*first, want) {
			t.Fatalf("seed %d: rapid.Check began with\n%s\nbut the loop generated\n%s", seed, first.Render(""), want.Render(""))
		}
	}
}

// Every program ends with terminateVat, binds each name once, and stays within the grammar's
// bounds; the globals it uses are the Env's.
func TestProgramsAreWellFormed(t *testing.T) {
	env := testEnv()
	env.Globals = []string{"fetch", "Headers"}
	env.Teardown = false
	for i := 0; i < 300; i++ {
		p := Generate(env, ProgramSeed(3, i))
		if len(p.Steps) < 2 || p.Steps[len(p.Steps)-1].Kind != StepTerminate {
			t.Fatalf("program %d does not end with terminateVat:\n%s", i, p.Render(""))
		}
		if p.Statements() > maxSteps {
			t.Fatalf("program %d has %d statements, more than %d", i, p.Statements(), maxSteps)
		}
		bound := map[string]bool{}
		for _, s := range p.Steps {
			if s.Kind == StepTeardown {
				t.Fatalf("program %d tears down, which the Env does not offer", i)
			}
			for _, g := range []string{"new Request", "new Response", "AbortController", "new URL(", "ReadableStream"} {
				if strings.Contains(s.Code, g) {
					t.Fatalf("program %d uses %s, which the Env does not offer: %s", i, g, s.Code)
				}
			}
			if s.Bind != "" && s.Kind != StepAwait {
				if bound[s.Bind] {
					t.Fatalf("program %d binds %s twice", i, s.Bind)
				}
				bound[s.Bind] = true
			}
		}
	}
}

func TestRenderIsAPlainProgram(t *testing.T) {
	p := Program{Globals: []string{"fetch"}, AllowedHosts: []string{"allowed.test"}, Steps: []Step{
		{Kind: StepEval, Op: "fetch:string", Code: `await fetch("http://evil.test/")`, Bind: "r1"},
		{Kind: StepTeardown},
		{Kind: StepEval, Code: "await r1.text()"},
		{Kind: StepTerminate},
	}}
	got := p.Render("a finding\nsecond line")
	want := `// a finding
// second line
// createVat: globals fetch; network.allowedHosts ["allowed.test"]
const r1 = await fetch("http://evil.test/");
// the harness calls teardownVat here (the vat lives on)
await r1.text();
// the harness calls terminateVat here
`
	if got != want {
		t.Fatalf("rendered\n%s\nwant\n%s", got, want)
	}
	if p.Statements() != 2 {
		t.Fatalf("Statements() = %d, want 2", p.Statements())
	}
}
