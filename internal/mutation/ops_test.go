package main

import (
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

// mutated lists "operator: mutated source" for every mutant of src.
func mutated(t *testing.T, src string, edits []edit, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range mutantsOf("x", []byte(src), edits) {
		out = append(out, m.Operator+": "+string(m.Apply([]byte(src))))
	}
	return out
}

func TestJSOperators(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"comparisons", "a < b; c === d;", []string{"cmp-swap: a <= b; c === d;", "cmp-swap: a < b; c !== d;"}},
		{"all comparison pairs", "a <= b >= c > d != e == f !== g", []string{
			"cmp-swap: a < b >= c > d != e == f !== g", "cmp-swap: a <= b > c > d != e == f !== g",
			"cmp-swap: a <= b >= c >= d != e == f !== g", "cmp-swap: a <= b >= c > d == e == f !== g",
			"cmp-swap: a <= b >= c > d != e != f !== g", "cmp-swap: a <= b >= c > d != e == f === g",
		}},
		{"logic", "x = a && b || c;", []string{"logic-swap: x = a || b || c;", "logic-swap: x = a && b && c;"}},
		{"booleans, not properties", "f(true, o.false);", []string{"delete-call: ", "flip-bool: f(false, o.false);"}},
		{"if condition", "if (a.b(c)) { return; }", []string{"negate-cond: if (!(a.b(c))) { return; }"}},
		{"else if", "if (a) x = 1; else if (b) y = 2;", []string{
			"negate-cond: if (!(a)) x = 1; else if (b) y = 2;", "num-boundary: if (a) x = 2; else if (b) y = 2;",
			"negate-cond: if (a) x = 1; else if (!(b)) y = 2;", "num-boundary: if (a) x = 1; else if (b) y = 3;",
		}},
		{"call statements", "{ a.b(c).d(e); f(); }", []string{"delete-call: {  f(); }", "delete-call: { a.b(c).d(e);  }"}},
		{"not a call statement", "x = f(); g()[0]; if (a) h(); new K(); await p(); class C { m() { } }", []string{
			"negate-cond: x = f(); g()[0]; if (!(a)) h(); new K(); await p(); class C { m() { } }",
			"num-boundary: x = f(); g()[1]; if (a) h(); new K(); await p(); class C { m() { } }",
		}},
		{"return value", "function f() { return a ? b : { c: [d, e] }; }", []string{"remove-return: function f() { return; }"}},
		{"return value to closing brace", "() => { return g(1) }", []string{"remove-return: () => { return }", "num-boundary: () => { return g(2) }"}},
		{"bare return", "function f() { return; }\nfunction g() { return\n}", nil},
		{"small literals only", "a(0, 1000, 1001, 0x10, 1.5);", []string{"delete-call: ", "num-boundary: a(1, 1000, 1001, 0x10, 1.5);", "num-boundary: a(0, 1001, 1001, 0x10, 1.5);"}},
		{"nothing inside literals", "s = '<' + `${'&&'}` + /true|1/ + \"if (x)\"; // a < b", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			edits, err := jsEdits(tc.src)
			got := mutated(t, tc.src, edits, err)
			if !sameSet(got, tc.want) {
				t.Errorf("mutants of %q:\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestJSMutantsOfTheReferenceParse(t *testing.T) {
	// Every JS mutant the operators make of a realistic snippet is still a program.
	src := `
const limit = 20;
function follow(res, count) {
  if (count > limit && res.status !== 303 || !res.ok) {
    throw new TypeError(` + "`too many redirects: ${count > limit}`" + `);
  }
  signal.addEventListener('abort', () => { reject(signal.reason); }, { once: true });
  return res.headers.get('location') === null ? undefined : /^https?:/.test(res.url);
}`
	edits, err := jsEdits(src)
	if err != nil {
		t.Fatal(err)
	}
	mutants := mutantsOf("x.js", []byte(src), edits)
	if len(mutants) < 10 {
		t.Fatalf("only %d mutants of the snippet", len(mutants))
	}
	for _, m := range mutants {
		if err := jsParses(m.Apply([]byte(src))); err != nil {
			t.Errorf("%s (%s) does not parse: %v", m.Key(), m.Diff([]byte(src)), err)
		}
	}
	if err := jsParses([]byte("if (a { }")); err == nil {
		t.Error("jsParses accepted a syntax error")
	}
}

func TestGoOperators(t *testing.T) {
	const header = "package p\n\nimport \"errors\"\n\n"
	cases := []struct {
		name string
		body string
		want []string
	}{
		{"comparison and logic", "func f(a, b int) bool { return a < b && a != 0 }", []string{
			"cmp-swap: func f(a, b int) bool { return a <= b && a != 0 }",
			"logic-swap: func f(a, b int) bool { return a < b || a != 0 }",
			"cmp-swap: func f(a, b int) bool { return a < b && a == 0 }",
			"num-boundary: func f(a, b int) bool { return a < b && a != 1 }",
		}},
		{"if and call statement", "func f(x bool) { if x { g() } }", []string{
			"negate-cond: func f(x bool) { if !(x) { g() } }", "delete-call: func f(x bool) { if x {  } }",
		}},
		{"panic is not deleted", "func f() { panic(1) }", []string{"num-boundary: func f() { panic(2) }"}},
		{"flip bool", "var v = true", []string{"flip-bool: var v = false"}},
		{"error results become nil", "func f() (int, error) { return 1, errors.New(\"x\") }", []string{
			"num-boundary: func f() (int, error) { return 2, errors.New(\"x\") }",
			"remove-return: func f() (int, error) { return 1, nil }",
		}},
		{"nil stays, literal's returns are its own", "func f() error { g := func() int { return 0 }; _ = g; return nil }", []string{
			"num-boundary: func f() error { g := func() int { return 1 }; _ = g; return nil }",
		}},
		{"large and hex literals stay", "var v = 1001 + 0x10", nil},
		{"array lengths are types", "var v [2]string", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := header + tc.body + "\n"
			edits, err := goEdits("p.go", []byte(src))
			got := mutated(t, src, edits, err)
			for i := range got {
				got[i] = strings.Replace(got[i], header, "", 1)
				got[i] = strings.TrimSuffix(got[i], "\n")
			}
			if !sameSet(got, tc.want) {
				t.Errorf("mutants of %q:\n got %q\nwant %q", tc.body, got, tc.want)
			}
			for _, m := range mutantsOf("p.go", []byte(src), edits) {
				if _, err := parser.ParseFile(token.NewFileSet(), "p.go", m.Apply([]byte(src)), 0); err != nil {
					t.Errorf("%s does not parse: %v", m.Diff([]byte(src)), err)
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestDiffShowsTheChangeOfALongLine(t *testing.T) {
	src := "\t\tif " + strings.Repeat("a == b || ", 20) + "c === d) {}\n"
	edits, err := jsEdits(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mutantsOf("x.js", []byte(src), edits) {
		if m.Original == "===" {
			if diff := m.Diff([]byte(src)); !strings.Contains(diff, "c === d") || !strings.Contains(diff, "c !== d") {
				t.Errorf("diff %q does not show the change", diff)
			}
			return
		}
	}
	t.Fatal("no mutant of ===")
}
