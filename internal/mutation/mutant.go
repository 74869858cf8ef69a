package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Operator names, as they appear in keys, reports and the equivalents file.
const (
	opCmpSwap      = "cmp-swap"      // < <=, > >=, == !=, === !==
	opLogicSwap    = "logic-swap"    // && ||
	opNegateCond   = "negate-cond"   // if (x) → if (!(x))
	opDeleteCall   = "delete-call"   // a statement that is only a call is removed
	opFlipBool     = "flip-bool"     // true false
	opNumBoundary  = "num-boundary"  // small integer literal n → n+1
	opRemoveReturn = "remove-return" // return x → return (JS), return err → return nil (Go)
)

// operators lists every operator, in the order reports show them.
var operators = []string{opCmpSwap, opLogicSwap, opNegateCond, opDeleteCall, opFlipBool, opNumBoundary, opRemoveReturn}

// edit is one mutation as found by an operator: replace src[start:end] with text.
type edit struct {
	operator   string
	start, end int
	text       string
}

// Mutant is one single-point change of one source file.
type Mutant struct {
	File        string // slash-separated path relative to the module root
	Line        int    // 1-based line of Start
	Column      int    // 1-based byte column of Start
	Operator    string
	Start, End  int    // byte range of the original replaced
	Original    string // src[Start:End]
	Replacement string
	// LineHash is a short hash of the trimmed text of the line the mutant starts on, and
	// Ordinal numbers the mutants with the same file, line hash and operator in source order:
	// together they name the mutant stably while lines move around it.
	LineHash string
	Ordinal  int
}

// Key names the mutant in reports and in the equivalents file.
func (m Mutant) Key() string {
	return fmt.Sprintf("%s:%s:%s:%d", m.File, m.LineHash, m.Operator, m.Ordinal)
}

// Apply returns src with the mutant applied; src must be the file the mutant was found in.
func (m Mutant) Apply(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(m.Replacement))
	out = append(out, src[:m.Start]...)
	out = append(out, m.Replacement...)
	return append(out, src[m.End:]...)
}

// Diff is a one-line description of the change: the mutated line before and after, cut to
// a window around the change when the line is long.
func (m Mutant) Diff(src []byte) string {
	before, column := lineWithColumn(src, m.Start)
	after, _ := lineWithColumn(m.Apply(src), m.Start)
	return fmt.Sprintf("%s  →  %s", window(before, column), window(after, column))
}

// lineAt is the trimmed text of the line holding offset.
func lineAt(src []byte, offset int) string {
	line, _ := lineWithColumn(src, offset)
	return strings.TrimSpace(line)
}

// lineWithColumn is the trimmed text of the line holding offset and offset's index in it.
func lineWithColumn(src []byte, offset int) (string, int) {
	offset = min(offset, len(src))
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := bytes.IndexByte(src[offset:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += offset
	}
	line := string(src[start:end])
	trimmed := strings.TrimLeft(line, " \t")
	column := offset - start - (len(line) - len(trimmed))
	return strings.TrimRight(trimmed, " \t\r"), max(column, 0)
}

// window cuts a long line to the part around column.
func window(line string, column int) string {
	const limit, lead = 100, 40
	if len(line) <= limit {
		return line
	}
	from := max(0, min(column-lead, len(line)-limit))
	cut := line[from:min(len(line), from+limit)]
	if from > 0 {
		cut = "…" + cut
	}
	if from+limit < len(line) {
		cut += "…"
	}
	return cut
}

func clip(s string) string {
	const limit = 110
	if len(s) > limit {
		return s[:limit] + "…"
	}
	return s
}

func lineHash(line string) string {
	sum := sha256.Sum256([]byte(line))
	return hex.EncodeToString(sum[:4])
}

// mutantsOf turns the edits found in one file into mutants with positions and stable keys.
func mutantsOf(file string, src []byte, edits []edit) []Mutant {
	sortEdits(edits)
	ordinals := map[string]int{}
	mutants := make([]Mutant, 0, len(edits))
	for _, e := range edits {
		line := 1 + bytes.Count(src[:e.start], []byte{'\n'})
		column := e.start - (bytes.LastIndexByte(src[:e.start], '\n') + 1) + 1
		hash := lineHash(lineAt(src, e.start))
		slot := hash + "/" + e.operator
		m := Mutant{
			File: file, Line: line, Column: column, Operator: e.operator,
			Start: e.start, End: e.end, Original: string(src[e.start:e.end]), Replacement: e.text,
			LineHash: hash, Ordinal: ordinals[slot],
		}
		ordinals[slot]++
		mutants = append(mutants, m)
	}
	return mutants
}

// sortEdits orders edits by position, then operator, so ordinals follow source order.
func sortEdits(edits []edit) {
	slices.SortFunc(edits, func(a, b edit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.operator, b.operator), cmp.Compare(a.end, b.end))
	})
}
