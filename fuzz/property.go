package fuzz

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reference/allowlist"
)

// The properties every endowment must keep, whatever the program: no contact with a host
// outside the vat's allowlist (redirect hops included); after teardown (teardownVat) or
// termination (terminateVat) nothing stays open, nothing that was pending settles or
// notifies, and no request follows; notify in pairs (run.go, checkNotify); no crash or hang
// (run.go, fail). The allowlist is read as ocap-kernel's VatConfig.network.allowedHosts: an
// exact match on the WHATWG host, entries canonicalised by the URL Standard's host parser
// (reference/allowlist.CanonicalHost), an entry that is no host matching nothing.

// stop tears the vat's endowment down (teardownVat) or terminates the vat, and checks what
// follows.
func (r *runner) stop(ctx context.Context, n int, terminate bool) StepResult {
	in := r.in
	what := "teardown"
	if terminate {
		what = "terminate"
	}
	pending := map[string]string{} // task → bind
	for bind, task := range r.watchers {
		if _, ok := in.events.settlement(r.vat, task); !ok {
			pending[task] = bind
		}
	}
	cctx, cancel := r.call(ctx)
	var err error
	if terminate {
		err = in.impl.TerminateVat(cctx, r.vat)
	} else {
		err = in.impl.(interface {
			TeardownVat(context.Context, string) error
		}).TeardownVat(cctx, r.vat)
	}
	cancel()
	if broken(err) {
		r.fail(n, what, err)
		return StepResult{Status: "broken"}
	}
	if err != nil {
		return StepResult{Status: "refused: " + err.Error()}
	}
	mark := in.events.mark(r.vat)
	answered := in.net.LastSeq()
	inflight := false
	for _, o := range in.net.Since(r.start) {
		if o.Outcome == mocknet.OutcomeInFlight {
			inflight = true
		}
	}
	open := r.awaitClosed(ctx, answered)
	if len(pending) > 0 || inflight {
		select {
		case <-time.After(in.timing.Settle):
		case <-ctx.Done():
		}
	}
	for _, o := range open {
		part := "request"
		if !o.ResponseStarted.IsZero() {
			part = "body"
		}
		r.violate(what+"/open/"+part, n, "still open %s after %s answered: %s %s%s", in.timing.Close, what, o.Host, o.Path, query(o.RawQuery))
	}
	seen := map[string]bool{}
	for _, ev := range in.events.since(r.vat, mark) {
		var class, detail string
		switch {
		case ev.kind == evSettled && (terminate || pending[ev.taskID] != ""):
			class, detail = what+"/settled", fmt.Sprintf("%s settled (%s) after %s answered", pending[ev.taskID], ev.settled.Status, what)
		case ev.kind == evNotify:
			class, detail = what+"/notify", fmt.Sprintf("notify %s after %s answered", ev.method, what)
		case ev.kind == evLog && terminate:
			class, detail = what+"/log", "a log of the vat after terminateVat answered"
		}
		if class != "" && !seen[class] {
			seen[class] = true
			r.violate(class, n, "%s", detail)
		}
	}
	if terminate {
		return StepResult{Value: []byte(`"terminated"`)}
	}
	return StepResult{Value: []byte(`"torn down"`)}
}

// awaitClosed waits until every exchange of the program up to seq is no longer in flight,
// and returns those still open at the deadline.
func (r *runner) awaitClosed(ctx context.Context, seq uint64) []mocknet.Observation {
	bound := r.in.timing.Close
	if r.in.lazyCloses {
		bound = min(bound, 50*time.Millisecond)
	}
	deadline := time.Now().Add(bound)
	for {
		var open []mocknet.Observation
		for _, o := range r.in.net.Since(r.start) {
			if o.Seq <= seq && o.Outcome == mocknet.OutcomeInFlight {
				open = append(open, o)
			}
		}
		if len(open) == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.in.lazyCloses = true
			return open
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// checkAllowlist: every host the program contacted (through redirects too) must be on the
// vat's allowlist.
func (r *runner) checkAllowlist() {
	if r.run.Config != "" {
		return
	}
	allowed := map[string]bool{}
	for _, e := range r.p.AllowedHosts {
		if c, err := allowlist.CanonicalHost(e); err == nil {
			allowed[c] = true
		}
	}
	reported := map[string]bool{}
	for i, o := range r.run.Exchanges {
		host := contacted(o)
		if allowed[host] {
			continue
		}
		step := r.stepAt(o.Received)
		op := "config"
		if step > 0 {
			op = r.p.Steps[step-1].Op
		}
		class := "allowlist/" + escapeRoute(op, r.afterRedirect(i, step))
		if reported[class] {
			continue
		}
		reported[class] = true
		r.violate(class, step, "contacted %s, which allowedHosts %s does not allow: %s", host, jsLiteral(r.p.AllowedHosts), describe(o))
	}
}

// escapeRoute says how a contact outside the allowlist came about: through a redirect, an
// input that shows the check one URL and the request another, or the URL as given.
func escapeRoute(op string, redirected bool) string {
	switch {
	case redirected:
		return "redirect"
	case op == "fetch:changing" || op == "fetch:lying-request":
		return "input-" + strings.TrimPrefix(op, "fetch:")
	case op == "sibling" || op == "teardown" || op == "terminate" || op == "config":
		return "after-" + op
	}
	return "direct"
}

// contacted is the canonical host an exchange reached or tried to reach.
func contacted(o mocknet.Observation) string {
	host := o.Host
	if o.Escape {
		host = o.Target
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		} else if u, ok := strings.CutPrefix(host, "http://"); ok {
			host, _, _ = strings.Cut(u, "/")
		}
		if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
			host = "[" + host + "]"
		}
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if c, err := allowlist.CanonicalHost(host); err == nil {
		return c
	}
	return strings.ToLower(host)
}

// stepAt is the 1-based step running when t came (0 before the first).
func (r *runner) stepAt(t time.Time) int {
	step := 0
	for i, s := range r.starts {
		if !s.After(t) {
			step = i + 1
		}
	}
	return step
}

// afterRedirect reports whether exchange i followed a redirect answered in the same step.
func (r *runner) afterRedirect(i, step int) bool {
	for _, o := range r.run.Exchanges[:i] {
		if r.stepAt(o.Received) == step && o.Status >= 300 && o.Status < 400 {
			return true
		}
	}
	return false
}

func describe(o mocknet.Observation) string {
	if o.Escape {
		return fmt.Sprintf("%s to %s (refused by mocknet)", o.Method, o.Target)
	}
	return fmt.Sprintf("%s %s%s via %s: %s", o.Method, o.Path, query(o.RawQuery), o.Via, o.Outcome)
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}
