package fuzz

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/conform-suite/conform/mocknet"
)

// Trace is a run normalised for comparison across implementations: the configuration's
// fate, each step's outcome, and what mocknet saw (host, method, path, the program's
// headers, request body, how the exchange ended), in a canonical order. What honest engines
// differ on (error messages, timing, the engine's own headers, CORS preflights, how a proxy
// refusal is reported) is left out.
type Trace struct {
	Config    string   `json:"config,omitempty"`
	Steps     []string `json:"steps"`
	Exchanges []string `json:"exchanges"`
}

// traceOf normalises a run of p.
func traceOf(p Program, run *Run) Trace {
	t := Trace{Config: run.Config, Steps: []string{}, Exchanges: []string{}}
	for _, s := range run.Steps {
		t.Steps = append(t.Steps, s.String())
	}
	chosen := []string{"content-type"}
	for _, h := range p.Headers {
		if !engineHeaders[h] && !strings.HasPrefix(h, "sec-") && !strings.HasPrefix(h, "proxy-") {
			chosen = append(chosen, h)
		}
	}
	for _, o := range run.Exchanges {
		// A preflight is a browser's; a refusal by the in-process guard (an https:// URL: the
		// mock network serves http only) has no counterpart in an adapter, whose attempt
		// reaches the proxy as a CONNECT.
		if o.Preflight || o.Via == "guard" {
			continue
		}
		t.Exchanges = append(t.Exchanges, exchangeLine(o, chosen))
	}
	sort.Strings(t.Exchanges)
	return t
}

func (s StepResult) String() string {
	switch {
	case s.Status != "":
		return "status " + s.Status
	case s.Error != "":
		return "error " + s.Error
	}
	return "value " + string(s.Value)
}

// exchangeLine is one exchange as the trace keeps it, fields separated by " | ".
func exchangeLine(o mocknet.Observation, headers []string) string {
	if o.Escape {
		host := o.Target
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		return "escape | " + strings.ToLower(strings.TrimPrefix(host, "http://"))
	}
	var hs []string
	for _, name := range headers {
		if v := o.Header.Values(name); len(v) > 0 {
			hs = append(hs, name+": "+strings.Join(v, ", "))
		}
	}
	body := "none"
	if o.BodyBytes > 0 {
		sum := sha256.Sum256(o.BodyPrefix)
		body = fmt.Sprintf("%d bytes %s", o.BodyBytes, hex.EncodeToString(sum[:4]))
	}
	outcome := map[mocknet.Outcome]string{mocknet.OutcomeCompleted: "completed", mocknet.OutcomeClientClosed: "closed",
		mocknet.OutcomeServerReset: "reset", mocknet.OutcomeInFlight: "open"}[o.Outcome]
	return strings.Join([]string{o.Host, o.Method, o.Path + query(o.RawQuery), "{" + strings.Join(hs, "; ") + "}", body, outcome}, " | ")
}

// engineHeaders are request headers an HTTP client sets or removes by itself (connection
// management, defaults): what mocknet sees of them is the engine's, not the endowment's.
var engineHeaders = map[string]bool{"connection": true, "keep-alive": true, "transfer-encoding": true, "content-length": true,
	"host": true, "user-agent": true, "accept": true, "accept-language": true, "accept-encoding": true, "origin": true,
	"referer": true, "te": true, "upgrade": true, "range": true}

var exchangeFields = []string{"host", "method", "path", "headers", "body", "outcome"}

// elements are the parts of a trace compared one by one: the configuration, each step,
// and what mocknet saw (as one element).
func (t Trace) elements(steps int) []string {
	out := []string{"config " + orCreated(t.Config)}
	for i := 0; i < steps; i++ {
		v := "status not run"
		if i < len(t.Steps) {
			v = t.Steps[i]
		}
		out = append(out, v)
	}
	return append(out, strings.Join(t.Exchanges, "\n"))
}

// elementClass names what differs between two values of element e, as a class suffix:
// "config", "<op>/<field>" for a step, "net/<aspect>" for what mocknet saw.
func elementClass(p Program, e int, a, b string) string {
	steps := len(p.Steps)
	switch {
	case e == 0:
		return "config"
	case e <= steps:
		return opFamily(p.Steps[e-1].Op) + "/" + stepField(a, b)
	}
	la, lb := splitLines(a), splitLines(b)
	if len(la) != len(lb) {
		return "net/count"
	}
	for i := range la {
		if la[i] == lb[i] {
			continue
		}
		fa, fb := strings.Split(la[i], " | "), strings.Split(lb[i], " | ")
		if len(fa) != len(fb) {
			return "net/escape"
		}
		for j := range fa {
			if fa[j] != fb[j] && j < len(exchangeFields) {
				return "net/" + exchangeFields[j]
			}
		}
	}
	return "net"
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// describeElement says how two values of element e differ.
func describeElement(p Program, e int, na, a, nb, b string) string {
	switch {
	case e == 0:
		return fmt.Sprintf("createVat: %s %s; %s %s", na, strings.TrimPrefix(a, "config "), nb, strings.TrimPrefix(b, "config "))
	case e <= len(p.Steps):
		return fmt.Sprintf("step %d: %s gave %s; %s gave %s", e, na, a, nb, b)
	}
	return fmt.Sprintf("mocknet saw, for %s: %s; for %s: %s", na, orNothing(a), nb, orNothing(b))
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return strings.ReplaceAll(s, "\n", " ‖ ")
}

// stepField says what differs between two step outcomes: "outcome" (a value against an
// error or a status), "error" (two error names), "status", or the path of the first field
// the two values differ on ("Response.type").
func stepField(a, b string) string {
	ka, va, _ := strings.Cut(a, " ")
	kb, vb, _ := strings.Cut(b, " ")
	switch {
	case ka != kb:
		return "outcome"
	case ka == "error":
		return "error"
	case ka == "status":
		return "status"
	}
	var x, y any
	if json.Unmarshal([]byte(va), &x) != nil || json.Unmarshal([]byte(vb), &y) != nil {
		return "value"
	}
	if path := jsonDiff(x, y, nil); len(path) > 0 {
		return strings.Join(path, ".")
	}
	return "value"
}

// jsonDiff returns the path to the first place x and y differ, at most three deep, without
// array indices.
func jsonDiff(x, y any, path []string) []string {
	if len(path) == 3 {
		return path
	}
	mx, okx := x.(map[string]any)
	my, oky := y.(map[string]any)
	if okx && oky {
		keys := map[string]bool{}
		for k := range mx {
			keys[k] = true
		}
		for k := range my {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if !jsonEqual(mx[k], my[k]) {
				return jsonDiff(mx[k], my[k], append(path, k))
			}
		}
		return path
	}
	ax, okx := x.([]any)
	ay, oky := y.([]any)
	if okx && oky && len(ax) == len(ay) {
		for i := range ax {
			if !jsonEqual(ax[i], ay[i]) {
				return jsonDiff(ax[i], ay[i], path)
			}
		}
	}
	if len(path) == 0 {
		return []string{"value"}
	}
	return path
}

func jsonEqual(x, y any) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return string(a) == string(b)
}

// Finding is something an implementation did wrong, or two did differently.
type Finding struct {
	// Class is the finding's stable ID: "<property>/…" for a property one implementation
	// broke, "diff/…" for a difference between implementations.
	Class string `json:"class"`
	// Impls are the implementations concerned: the one that broke the property, the ones
	// the majority decided deviate, or every implementation compared when there is no
	// majority.
	Impls []string `json:"implementations"`
	// Majority names the implementations that agreed, when a majority decided.
	Majority []string `json:"majority,omitempty"`
	Detail   string   `json:"detail"`
	Step     int      `json:"step,omitempty"`
	// Code is the vat code of the step concerned (the allowlist, for the configuration): a
	// known divergence may be scoped to findings whose code contains a given text.
	Code string `json:"code,omitempty"`
}

// ID is the finding's key in a run: its class and whom it concerns.
func (f Finding) ID() string { return f.Class + "@" + strings.Join(f.Impls, "+") }

// judge turns the runs of one program into findings: every property violation, then the
// differences between the implementations that kept every property.
func judge(p Program, runs []*Run) []Finding {
	var out []Finding
	var clean []*Run
	for _, r := range runs {
		for _, v := range r.Violations {
			out = append(out, Finding{Class: v.Class, Impls: []string{r.Impl}, Detail: v.Detail, Step: v.Step, Code: codeOf(p, v.Step)})
		}
		if len(r.Violations) == 0 {
			clean = append(clean, r)
		}
	}
	return append(out, differences(p, clean)...)
}

// differences compares the traces of runs that kept every property, element by element
// (configuration, steps, network). At the first element the implementations still in
// agreement differ on, with three or more compared, those outside a strict majority
// deviate: each is a finding, and drops out of the comparison of later elements (which
// would mostly show consequences). Without a majority (two implementations, or a split),
// one finding names every implementation still in agreement, and the comparison stops.
func differences(p Program, runs []*Run) []Finding {
	n := len(runs)
	if n < 2 {
		return nil
	}
	elems := make([][]string, n)
	for i, r := range runs {
		elems[i] = traceOf(p, r).elements(len(p.Steps))
	}
	consistent := allIndices(n)
	var out []Finding
	// The majority is of the implementations still compared: those that kept every property
	// and agreed on every earlier element.
	for e := range elems[0] {
		groups := map[string][]int{}
		var order []string
		for _, i := range consistent {
			v := elems[i][e]
			if _, ok := groups[v]; !ok {
				order = append(order, v)
			}
			groups[v] = append(groups[v], i)
		}
		if len(groups) < 2 {
			continue
		}
		major := ""
		for _, v := range order {
			if len(consistent) >= 3 && 2*len(groups[v]) > len(consistent) {
				major = v
			}
		}
		if major == "" {
			a, b := order[0], order[1]
			ia, ib := groups[a][0], groups[b][0]
			return append(out, Finding{Class: "diff/" + elementClass(p, e, a, b), Impls: names(runs, consistent), Step: stepOf(p, e), Code: codeOf(p, e),
				Detail: describeElement(p, e, runs[ia].Impl, a, runs[ib].Impl, b)})
		}
		agree := names(runs, groups[major])
		for _, v := range order {
			if v == major {
				continue
			}
			for _, i := range groups[v] {
				out = append(out, Finding{Class: "diff/" + elementClass(p, e, major, v), Impls: []string{runs[i].Impl}, Majority: agree,
					Step: stepOf(p, e), Code: codeOf(p, e), Detail: describeElement(p, e, runs[i].Impl, v, strings.Join(agree, ", "), major)})
			}
		}
		consistent = groups[major]
	}
	return out
}

// codeOf is the vat code of element e: the allowlist for the configuration, a step's code,
// nothing for the network.
func codeOf(p Program, e int) string {
	switch {
	case e == 0:
		return jsLiteral(p.AllowedHosts)
	case e <= len(p.Steps):
		return p.Steps[e-1].Code
	}
	return ""
}

func stepOf(p Program, e int) int {
	if e >= 1 && e <= len(p.Steps) {
		return e
	}
	return 0
}

func names(runs []*Run, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, runs[i].Impl)
	}
	return out
}

func allIndices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func orCreated(s string) string {
	if s == "" {
		return "created"
	}
	return s
}
