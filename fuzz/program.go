package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// StepKind says what the harness does for a step.
type StepKind string

const (
	// StepEval evaluates Code, binds its value to Bind (if any) and records its summary.
	StepEval StepKind = "eval"
	// StepSpawn evaluates Code without awaiting it, binds the promise to Bind and starts a
	// task that awaits it (its watcher). Spawned promises depend on the network and may
	// never settle (a request held open); steps never await them, the harness watches.
	StepSpawn StepKind = "spawn"
	// StepAwait waits, for a bounded time, for the watcher of the spawned promise Bind and
	// records how it settled, or that it had not.
	StepAwait StepKind = "await"
	// StepTeardown calls teardownVat (protocol 1.1): the endowment is torn down, the vat
	// lives on.
	StepTeardown StepKind = "teardown"
	// StepTerminate calls terminateVat; it is always the last step.
	StepTerminate StepKind = "terminate"
	// StepSibling creates another vat with the allowlist Hosts, which does nothing: a vat's
	// behaviour must not depend on another vat's configuration.
	StepSibling StepKind = "sibling"
)

// Step is one step of a program.
type Step struct {
	Kind StepKind `json:"kind"`
	// Op is the grammar's name for what the step does ("fetch:string", "headers.append"):
	// a difference or a violation in this step is classified by it.
	Op   string `json:"op,omitempty"`
	Code string `json:"code,omitempty"`
	Bind string `json:"bind,omitempty"`
	// Tag marks a spawned request held open (/hang, /drip-forever, an upload that never
	// ends): its URL carries fz=Tag, so that the harness can wait until mocknet has seen it
	// before the next step.
	Tag   string   `json:"tag,omitempty"`
	Hosts []string `json:"hosts,omitempty"`
	// View names the summariser of the step's value: "" for __fz.sum, "chunk" for a
	// reader's read() (whose chunk sizes are the network's business).
	View string `json:"view,omitempty"`
}

// Program is one generated vat program: the vat's configuration and its steps. It is a
// pure function of Seed and the Env it was generated for.
type Program struct {
	Seed    uint64   `json:"seed"`
	Globals []string `json:"globals"`
	// AllowedHosts is the vat's allowlist exactly as createVat gets it: entries in any
	// spelling, some of them not hosts at all.
	AllowedHosts []string `json:"allowedHosts"`
	// Headers are the request header names the program sets (lowercase): the trace keeps
	// these, and only these, of what mocknet saw.
	Headers []string `json:"headers,omitempty"`
	Steps   []Step   `json:"steps"`
}

// Statements counts the steps that are vat code (what a reader of the rendered program
// sees as statements), leaving out what the harness does.
func (p Program) Statements() int {
	n := 0
	for _, s := range p.Steps {
		if s.Kind == StepEval || s.Kind == StepSpawn || s.Kind == StepAwait {
			n++
		}
	}
	return n
}

// Render writes the program as a plain JavaScript vat program: the body of an async
// function, as PROTOCOL.md §3 runs it, with what the harness does between steps as
// comments. header is put at the top as comment lines.
func (p Program) Render(header string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		if line != "" {
			fmt.Fprintf(&b, "// %s\n", line)
		}
	}
	fmt.Fprintf(&b, "// createVat: globals %s; network.allowedHosts %s\n", strings.Join(p.Globals, ", "), jsLiteral(p.AllowedHosts))
	for _, s := range p.Steps {
		switch s.Kind {
		case StepEval:
			if s.Bind != "" {
				fmt.Fprintf(&b, "const %s = %s;\n", s.Bind, s.Code)
			} else {
				fmt.Fprintf(&b, "%s;\n", s.Code)
			}
		case StepSpawn:
			fmt.Fprintf(&b, "const %s = %s; // not awaited: the harness watches it\n", s.Bind, s.Code)
		case StepAwait:
			fmt.Fprintf(&b, "await %s; // the harness waits for it a bounded time\n", s.Bind)
		case StepTeardown:
			b.WriteString("// the harness calls teardownVat here (the vat lives on)\n")
		case StepTerminate:
			b.WriteString("// the harness calls terminateVat here\n")
		case StepSibling:
			fmt.Fprintf(&b, "// the harness creates another vat here, with allowedHosts %s\n", jsLiteral(s.Hosts))
		}
	}
	return b.String()
}

// jsLiteral writes v as a JavaScript literal: JSON, without escaping <, > and &.
func jsLiteral(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("fuzz: a grammar value does not encode: %v", err))
	}
	return strings.TrimSuffix(b.String(), "\n")
}
