package inprocess_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
)

type recorder struct {
	mu      sync.Mutex
	logs    []harness.LogEvent
	settled []harness.TaskSettledEvent
}

func (r *recorder) Notify(harness.NotifyEvent) {}
func (r *recorder) Log(ev harness.LogEvent) {
	r.mu.Lock()
	r.logs = append(r.logs, ev)
	r.mu.Unlock()
}
func (r *recorder) TaskSettled(ev harness.TaskSettledEvent) {
	r.mu.Lock()
	r.settled = append(r.settled, ev)
	r.mu.Unlock()
}

// newImpl initialises an implementation whose proxy is never contacted: these tests do not
// fetch.
func newImpl(t *testing.T) (*inprocess.Implementation, *recorder) {
	t.Helper()
	impl := inprocess.New(inprocess.Options{})
	rec := &recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := impl.Initialize(ctx, harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
		Network: harness.NetworkConfig{Proxy: "http://127.0.0.1:1"}, Listener: rec}); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return impl, rec
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestProgramOutcomesFollowTheProtocol(t *testing.T) {
	impl, rec := newImpl(t)
	defer impl.Shutdown(ctxFor(t))
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "v", Globals: []string{"Headers"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		source, value, errName, errMessage string
	}{
		{source: "return 1 + 1;", value: "2"},
		{source: "return await Promise.resolve({a: [1]});", value: `{"a":[1]}`},
		{source: "const x = 1;"},
		{source: "return () => 1;"},
		{source: `throw new RangeError("r");`, errName: "RangeError", errMessage: "r"},
		{source: `throw "plain";`, errName: "Error", errMessage: "plain"},
		{source: "return {", errName: "SyntaxError"},
		// goja's parser panics on this literal; the vat gets a SyntaxError instead.
		{source: `return '\u{10FFFF}'.length;`, errName: "SyntaxError"},
		{source: "const o = {}; o.o = o; return o;", errName: "TypeError"},
		{source: "return typeof fetch + typeof require + typeof process + typeof setTimeout;", value: `"undefinedundefinedundefinedundefined"`},
	}
	for _, c := range cases {
		res, err := impl.Evaluate(ctxFor(t), "v", c.source)
		if err != nil {
			t.Errorf("%s: %v", c.source, err)
			continue
		}
		switch {
		case c.errName != "":
			if res.Error == nil || res.Error.Name != c.errName || (c.errMessage != "" && res.Error.Message != c.errMessage) {
				t.Errorf("%s: got %+v / %s, want error %s: %s", c.source, res.Error, res.Value, c.errName, c.errMessage)
			}
		case res.Error != nil || string(res.Value) != c.value:
			t.Errorf("%s: got value %q error %+v, want value %q", c.source, res.Value, res.Error, c.value)
		}
	}
	if _, err := impl.Evaluate(ctxFor(t), "v", `console.warn("w", 1, {a: 1}); return 0;`); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.logs) != 1 || rec.logs[0].Level != "warn" || rec.logs[0].VatID != "v" {
		t.Errorf("console.warn: got %+v", rec.logs)
	}
}

func TestRefusalsCarryProtocolCodes(t *testing.T) {
	impl, _ := newImpl(t)
	defer impl.Shutdown(ctxFor(t))
	code := func(err error) int {
		var rpc *harness.RPCError
		if errors.As(err, &rpc) {
			return rpc.Code
		}
		return 0
	}
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "f", Globals: []string{"fetch"}}); code(err) != harness.CodeVatConfigDenied {
		t.Errorf("fetch without allowedHosts: %v", err)
	}
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "g", Globals: []string{"XMLHttpRequest"}}); code(err) != harness.CodeVatConfigDenied {
		t.Errorf("unknown global: %v", err)
	}
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "v", Globals: []string{"Headers"}}); err != nil {
		t.Fatal(err)
	}
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "v", Globals: []string{"Headers"}}); code(err) != harness.CodeVatExists {
		t.Errorf("duplicate vat: %v", err)
	}
	if _, err := impl.Evaluate(ctxFor(t), "nope", "return 1;"); code(err) != harness.CodeUnknownVat {
		t.Errorf("unknown vat: %v", err)
	}
	if err := impl.TerminateVat(ctxFor(t), "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := impl.Evaluate(ctxFor(t), "v", "return 1;"); code(err) != harness.CodeUnknownVat {
		t.Errorf("terminated vat: %v", err)
	}
}

// A vat stuck in an endless loop must not keep Shutdown from returning.
func TestShutdownStopsARunawayProgram(t *testing.T) {
	impl, _ := newImpl(t)
	if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "v", Globals: []string{"Headers"}}); err != nil {
		t.Fatal(err)
	}
	if err := impl.Start(ctxFor(t), "v", "spin", "for (;;) {}"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- impl.Shutdown(ctxFor(t)) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown did not return while a program was spinning")
	}
}
