package main

import (
	"slices"
	"testing"
)

func tokenTexts(t *testing.T, src string) []string {
	t.Helper()
	tokens, err := lexJS(src)
	if err != nil {
		t.Fatalf("lexJS(%q): %v", src, err)
	}
	var texts []string
	for _, tok := range tokens {
		texts = append(texts, tok.text)
	}
	return texts
}

func TestLexerKeepsLiteralsAndSkipsComments(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"strings hide operators", `a = "x < y && z" + 'it\'s <= 1';`, []string{"a", "=", `"x < y && z"`, "+", `'it\'s <= 1'`, ";"}},
		{"line comment", "a < b // c && d\n;", []string{"a", "<", "b", ";"}},
		{"block comment", "a /* < && || */ >= b", []string{"a", ">=", "b"}},
		{"template with nested substitution", "x = `a<${ b ? `c${d}}` : '}' }>` && e", []string{"x", "=", "`a<${ b ? `c${d}}` : '}' }>`", "&&", "e"}},
		{"template substitution with object literal", "`${ {a: 1}.a }` === s", []string{"`${ {a: 1}.a }`", "===", "s"}},
		{"regex after assignment", `re = /[/<]+\/&&/g; a < b`, []string{"re", "=", `/[/<]+\/&&/g`, ";", "a", "<", "b"}},
		{"regex after return", "return /a|b/.test(x)", []string{"return", "/a|b/", ".", "test", "(", "x", ")"}},
		{"regex as argument", "s.replace(/^\\s+|\\s+$/g, '')", []string{"s", ".", "replace", "(", `/^\s+|\s+$/g`, ",", "''", ")"}},
		{"division after name", "a / b / c", []string{"a", "/", "b", "/", "c"}},
		{"division after call", "f(x) / 2", []string{"f", "(", "x", ")", "/", "2"}},
		{"longest punctuator", "a !== b >>>= c ?. d ?? e", []string{"a", "!==", "b", ">>>=", "c", "?.", "d", "??", "e"}},
		{"numbers", "0x1F + 1e-3 + .5 + 10n + 1_000", []string{"0x1F", "+", "1e-3", "+", ".5", "+", "10n", "+", "1_000"}},
		{"private names", "this.#state = $x", []string{"this", ".", "#state", "=", "$x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tokenTexts(t, tc.src); !slices.Equal(got, tc.want) {
				t.Errorf("tokens of %q:\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestLexerRecordsLineBreaks(t *testing.T) {
	tokens, err := lexJS("return\nx /* a\nb */ y z")
	if err != nil {
		t.Fatal(err)
	}
	var breaks []bool
	for _, tok := range tokens {
		breaks = append(breaks, tok.newlineBefore)
	}
	if want := []bool{false, true, true, false}; !slices.Equal(breaks, want) {
		t.Errorf("line breaks before tokens: got %v, want %v", breaks, want)
	}
}

func TestLexerRejectsUnterminatedLiterals(t *testing.T) {
	for _, src := range []string{`"abc`, "`abc", "`${a`", "x = /abc", "/* abc", "'a\nb'"} {
		if _, err := lexJS(src); err == nil {
			t.Errorf("lexJS(%q) succeeded; want an error", src)
		}
	}
}
