package fuzz

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

//go:embed prelude.js
var prelude string

// Run is what one implementation did with one program.
type Run struct {
	Impl string `json:"implementation"`
	// Config is "" when the vat was created, else why createVat refused it.
	Config     string       `json:"config,omitempty"`
	Steps      []StepResult `json:"steps"`
	Violations []Violation  `json:"violations,omitempty"`
	// Broken says how the implementation failed (crashed, hung, broke the protocol); the
	// program stopped there and the instance is replaced.
	Broken string `json:"broken,omitempty"`
	// Exchanges are what mocknet saw of the program, in its final state.
	Exchanges []mocknet.Observation `json:"-"`
}

// StepResult is a step's outcome: a value summary, an error name, or a status.
type StepResult struct {
	Value json.RawMessage `json:"value,omitempty"`
	Error string          `json:"error,omitempty"`
	// Status is "pending" (an await that did not settle in time), "not run" (the program
	// had stopped), or "refused (CODE)" (the harness's call was answered with an error).
	Status string `json:"status,omitempty"`
}

// Violation is a property an implementation broke in a program.
type Violation struct {
	Class  string `json:"class"`
	Step   int    `json:"step"` // 1-based; 0 for the configuration
	Detail string `json:"detail"`
}

// runner runs one program in one instance.
type runner struct {
	in       *instance
	p        Program
	run      *Run
	vat      string
	siblings []string
	start    uint64
	watchers map[string]string // bind → task
	tags     map[string]string // bind → tag of the held request behind it
	starts   []time.Time
	fetched  int
	stopped  bool
	ended    bool
	notified map[string]bool // notify classes already reported in this run
}

// runProgram runs p in a fresh vat of in and checks the properties on what it did.
func runProgram(ctx context.Context, in *instance, p Program) *Run {
	r := &runner{in: in, p: p, run: &Run{Impl: in.name()}, vat: in.nextVat(), start: in.net.LastSeq(),
		watchers: map[string]string{}, tags: map[string]string{}, notified: map[string]bool{}}
	in.events.track(r.vat)
	defer in.events.forget(r.vat)
	r.exec(ctx)
	for _, s := range r.siblings {
		in.terminate(s)
	}
	if !r.ended && !r.stopped {
		in.terminate(r.vat)
	}
	r.run.Exchanges = in.net.Since(r.start)
	in.release.now()
	r.checkAllowlist()
	return r.run
}

func (r *runner) violate(class string, step int, format string, args ...any) {
	r.run.Violations = append(r.run.Violations, Violation{Class: class, Step: step, Detail: fmt.Sprintf(format, args...)})
}

// fail records that the implementation broke (crash or hang) and stops the program.
func (r *runner) fail(step int, op string, err error) {
	r.stopped = true
	class := "crash"
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "considered hung") {
		class = "hang/" + opFamily(op)
	}
	r.run.Broken = err.Error()
	r.violate(class, step, "%s: %v", op, err)
}

func (r *runner) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.in.timing.Call)
}

func (r *runner) exec(ctx context.Context) {
	in := r.in
	cctx, cancel := r.call(ctx)
	err := in.impl.CreateVat(cctx, harness.CreateVatParams{VatID: r.vat, Globals: r.p.Globals,
		Network: &harness.VatNetwork{AllowedHosts: append([]string{}, r.p.AllowedHosts...)}})
	cancel()
	var rpc *harness.RPCError
	switch {
	case errors.As(err, &rpc):
		r.run.Config = fmt.Sprintf("refused (%d)", rpc.Code)
		r.ended = true // nothing to terminate
		return
	case err != nil:
		r.ended = true
		r.fail(0, "createVat", err)
		return
	}
	cctx, cancel = r.call(ctx)
	res, err := in.impl.Evaluate(cctx, r.vat, prelude)
	cancel()
	if err == nil && res.Error != nil {
		err = fmt.Errorf("the harness's prelude failed: %s", res.Error.Error())
	}
	if err != nil {
		r.fail(0, "prelude", err)
		return
	}
	for i, s := range r.p.Steps {
		r.starts = append(r.starts, time.Now())
		if r.stopped || r.ended {
			r.run.Steps = append(r.run.Steps, StepResult{Status: "not run"})
			continue
		}
		r.run.Steps = append(r.run.Steps, r.step(ctx, i+1, s))
	}
}

func (r *runner) step(ctx context.Context, n int, s Step) StepResult {
	switch s.Kind {
	case StepEval:
		return r.eval(ctx, n, s)
	case StepSpawn:
		return r.spawn(ctx, n, s)
	case StepAwait:
		task, ok := r.watchers[s.Bind]
		if !ok {
			return StepResult{Status: "nothing to await"}
		}
		actx, cancel := context.WithTimeout(ctx, r.in.timing.Await)
		defer cancel()
		ev, ok := r.in.events.waitSettled(actx, r.vat, task)
		if !ok {
			return StepResult{Status: "pending"}
		}
		return settledResult(ev)
	case StepTeardown:
		if !r.in.teardown {
			return StepResult{Status: "not offered"}
		}
		return r.stop(ctx, n, false, s.Holds)
	case StepTerminate:
		r.ended = true
		return r.stop(ctx, n, true, s.Holds)
	case StepSibling:
		id := r.in.nextVat()
		cctx, cancel := r.call(ctx)
		defer cancel()
		err := r.in.impl.CreateVat(cctx, harness.CreateVatParams{VatID: id, Globals: r.p.Globals,
			Network: &harness.VatNetwork{AllowedHosts: append([]string{}, s.Hosts...)}})
		var rpc *harness.RPCError
		switch {
		case errors.As(err, &rpc):
			return StepResult{Status: fmt.Sprintf("refused (%d)", rpc.Code)}
		case err != nil:
			r.fail(n, "sibling", err)
			return StepResult{Status: "broken"}
		}
		r.siblings = append(r.siblings, id)
		return StepResult{Value: json.RawMessage(`"created"`)}
	}
	return StepResult{Status: "unknown step"}
}

func (r *runner) evaluate(ctx context.Context, n int, op, src string) (harness.EvalResult, bool) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	res, err := r.in.impl.Evaluate(cctx, r.vat, src)
	if err != nil {
		var rpc *harness.RPCError
		if errors.As(err, &rpc) {
			r.stopped = true
			r.violate("crash/vat-lost", n, "evaluate in the vat was refused: %v", err)
			return harness.EvalResult{}, false
		}
		r.fail(n, op, err)
		return harness.EvalResult{}, false
	}
	return res, true
}

func (r *runner) eval(ctx context.Context, n int, s Step) StepResult {
	view := "sum"
	if s.View == "chunk" {
		view = "chunk"
	}
	src := "const __v = (" + s.Code + ");\n"
	if s.Bind != "" {
		src += "globalThis." + s.Bind + " = __v;\n"
	}
	src += "return __fz." + view + "(__v);"
	res, ok := r.evaluate(ctx, n, s.Op, src)
	if !ok {
		return StepResult{Status: "broken"}
	}
	out := evalResult(res)
	if s.Live && !strings.HasPrefix(string(out.Value), `{"Response"`) {
		r.violate("liveness/fetch", n, "a fetch of a plain URL of an allowed host, without init, must resolve; it gave %s", out.String())
	}
	if r.in.notifies && strings.HasPrefix(s.Op, "fetch:") && strings.HasPrefix(string(out.Value), `{"Response"`) {
		r.fetched++
		r.checkNotify(n)
	}
	return out
}

func (r *runner) spawn(ctx context.Context, n int, s Step) StepResult {
	res, ok := r.evaluate(ctx, n, s.Op, "globalThis."+s.Bind+" = ("+s.Code+");\nreturn null;")
	if !ok {
		return StepResult{Status: "broken"}
	}
	if res.Error != nil {
		return StepResult{Error: res.Error.Name}
	}
	task := r.vat + "-" + s.Bind
	cctx, cancel := r.call(ctx)
	err := r.in.impl.Start(cctx, r.vat, task, "return __fz.sum(await "+s.Bind+");")
	cancel()
	if err != nil {
		r.fail(n, "start", err)
		return StepResult{Status: "broken"}
	}
	r.watchers[s.Bind] = task
	// start answers before the task first runs (the vat gets to it in turn): an evaluate
	// answers only after what was queued before it, so once it has, a promise that had
	// already settled is known as settled, and a teardown that follows is not blamed for it.
	if _, ok := r.evaluate(ctx, n, s.Op, "return null;"); !ok {
		return StepResult{Status: "broken"}
	}
	if s.Tag != "" {
		r.tags[s.Bind] = s.Tag
		r.waitHeld(ctx, s.Tag, task)
	}
	return StepResult{Value: json.RawMessage(`"spawned"`)}
}

// heldPaths are the routes a spawned request is held open on.
var heldPaths = map[string]bool{"/fz/hang": true, "/fz/drip": true, "/fz/upload": true}

// waitHeld waits until mocknet sees the held request tagged tag, or its watcher settles (the
// fetch was refused), so that what follows acts on a request in flight.
func (r *runner) waitHeld(ctx context.Context, tag, task string) {
	deadline := time.Now().Add(r.in.timing.Held)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if _, ok := r.in.events.settlement(r.vat, task); ok {
			return
		}
		for _, o := range r.in.net.Since(r.start) {
			if heldPaths[o.Path] && strings.Contains("&"+o.RawQuery+"&", "&fz="+tag+"&") {
				return
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// checkNotify: every fetch that resolved must have notified its request and response by
// the time its evaluate answered, and no response may come before its request.
func (r *runner) checkNotify(n int) {
	requests, responses, unpaired := r.in.events.notifyCounts(r.vat)
	if (requests < r.fetched || responses < r.fetched) && !r.notified["missing"] {
		r.notified["missing"] = true
		r.violate("notify/missing", n, "%d fetches resolved, but notify saw %d OutboundRequest and %d OutboundResponse", r.fetched, requests, responses)
	}
	if unpaired && !r.notified["unpaired"] {
		r.notified["unpaired"] = true
		r.violate("notify/unpaired", n, "an OutboundResponse was notified before its OutboundRequest")
	}
}

// evalResult turns an evaluate answer into a step result with a canonical value.
func evalResult(res harness.EvalResult) StepResult {
	if res.Error != nil {
		return StepResult{Error: res.Error.Name}
	}
	return StepResult{Value: canonical(res.Value)}
}

func settledResult(ev harness.TaskSettledEvent) StepResult {
	if ev.Error != nil {
		return StepResult{Error: ev.Error.Name}
	}
	return StepResult{Value: canonical(ev.Value)}
}

// canonical re-encodes a JSON value with sorted keys; an absent value is null.
func canonical(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}

// opFamily is an op without its input form: "fetch:url" → "fetch".
func opFamily(op string) string {
	family, _, _ := strings.Cut(op, ":")
	return family
}
