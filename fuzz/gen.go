package fuzz

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"pgregory.net/rapid"
)

// GrammarVersion changes whenever the same seed would give a different program: a corpus
// of seeds written by another version is not replayed.
const GrammarVersion = 1

// Env is what the grammar needs to know of the implementations a run compares: a program is
// a pure function of its seed and its Env.
type Env struct {
	// Globals are the globals every implementation offers; each vat is given all of them.
	Globals []string `json:"globals"`
	// Teardown: every implementation offers teardownVat (protocol 1.1), so programs may
	// tear their endowment down and go on.
	Teardown bool `json:"teardown"`
	// VaryAllowlist draws each vat's allowlist from the grammar (spellings, invalid
	// entries); without it every vat allows exactly allowed.test.
	VaryAllowlist bool `json:"varyAllowlist"`
}

func (e Env) has(globals ...string) bool {
	for _, g := range globals {
		if !slices.Contains(e.Globals, g) {
			return false
		}
	}
	return true
}

// maxSteps bounds the vat code of a program (the harness's steps come on top).
const maxSteps = 8

// Generator returns the rapid generator of programs for env. Every choice shrinks towards
// the simplest form: fewer steps, canonical spellings, GET, no init.
func Generator(env Env) *rapid.Generator[Program] {
	return rapid.Custom(func(t *rapid.T) Program {
		g := &gen{t: t, env: env, headers: map[string]bool{}}
		return g.program()
	})
}

// Generate returns the program of a seed: what rapid.Check generates first for the same
// seed, so that a program found by the loop is the one the shrinker starts from.
func Generate(env Env, seed uint64) Program {
	p := Generator(env).Example(int(seed))
	p.Seed = seed
	return p
}

// kind is what a bound value is, as far as the grammar knows.
type kind int

const (
	kResponse kind = iota
	kRequest
	kHeaders
	kController
	kReader
	kBranches
	kPromise
)

// slot is a value a step bound to a global, with what the grammar knows of it.
type slot struct {
	name string
	kind kind
	// fetched: a response from the network (not constructed in the vat).
	fetched bool
	// det: reading the body gives the same bytes in every engine.
	det bool
	// held: the body (or the request, for a promise) never ends by itself: it is only ever
	// read by a spawned step, never awaited.
	held bool
	// settles: a spawned promise expected to settle (its request aborted, or never held),
	// which an await step may wait for.
	settles bool
	// signal: the controller whose signal the request carries ("" for none).
	signal string
	// torn: created before a teardown: its network work was torn down, so it is only read
	// by spawned steps.
	torn bool
}

type gen struct {
	t         *rapid.T
	env       Env
	p         Program
	slots     []*slot
	headers   map[string]bool
	teardowns int
}

func (g *gen) program() Program {
	g.p.Globals = slices.Clone(g.env.Globals)
	g.p.AllowedHosts = g.allowlist()
	g.repeat("step", 1, maxSteps, g.step)
	g.p.Steps = append(g.p.Steps, Step{Kind: StepTerminate, Op: "terminate"})
	for h := range g.headers {
		g.p.Headers = append(g.p.Headers, h)
	}
	sort.Strings(g.p.Headers)
	return g.p
}

// repeat calls body between least and most times. Each call is one group of draws opened
// by its own "go on" draw, as rapid's slices are: the shrinker removes an element by
// removing its group, and the elements after it are read unchanged.
func (g *gen) repeat(label string, least, most int, body func()) {
	n := 0
	elem := rapid.Custom(func(t *rapid.T) bool {
		more := rapid.IntRange(0, 4).Draw(t, "more") != 0
		if !more && n >= least {
			return false
		}
		outer := g.t
		g.t = t
		body()
		g.t = outer
		return true
	})
	for n < most && elem.Draw(g.t, label) {
		n++
	}
}

// pick draws an index below n; it shrinks towards 0.
func (g *gen) pick(label string, n int) int {
	if n <= 1 {
		return 0
	}
	return rapid.IntRange(0, n-1).Draw(g.t, label)
}

// pickW draws an index by weight; it shrinks towards 0.
func (g *gen) pickW(label string, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := rapid.IntRange(0, total-1).Draw(g.t, label)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// chance is true with probability 1/n; it shrinks towards false.
func (g *gen) chance(label string, n int) bool { return g.pick(label, n) == n-1 }

func oneOf[S ~[]E, E any](g *gen, label string, options S) E {
	return options[g.pick(label, len(options))]
}

// name returns a fresh binding name with a prefix saying what it holds.
func (g *gen) name(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, len(g.p.Steps)+1)
}

func (g *gen) bind(s *slot) *slot {
	g.slots = append(g.slots, s)
	return s
}

// slotsWhere lists the bound slots satisfying keep.
func (g *gen) slotsWhere(keep func(*slot) bool) []*slot {
	var out []*slot
	for _, s := range g.slots {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

func (g *gen) add(s Step) { g.p.Steps = append(g.p.Steps, s) }

// eval adds a step that evaluates code and records its value.
func (g *gen) eval(op, code, bind string) {
	g.add(Step{Kind: StepEval, Op: op, Code: code, Bind: bind})
}

// step draws one step among the operations applicable now.
func (g *gen) step() {
	var ops []op
	for _, o := range operations() {
		if o.when == nil || o.when(g) {
			for i := 0; i < o.weight; i++ {
				ops = append(ops, o)
			}
		}
	}
	o := ops[g.pick("op", len(ops))]
	o.emit(g)
}

// op is one production of the grammar.
type op struct {
	name   string
	weight int
	when   func(*gen) bool
	emit   func(*gen)
}

// str is a JavaScript string literal.
func str(s string) string { return jsLiteral(s) }

// header records a request header name the program sets, for the trace.
func (g *gen) header(name string) {
	if validToken(name) {
		g.headers[strings.ToLower(name)] = true
	}
}

// validToken reports whether s is an HTTP token (a header name mocknet could see).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c > 0x7e || c <= 0x20 || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", c) {
			return false
		}
	}
	return true
}
