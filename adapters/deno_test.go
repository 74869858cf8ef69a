package adapters_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

// ignoreEvents is a harness.Listener for a test that asserts on answers and on mocknet only.
type ignoreEvents struct{}

func (ignoreEvents) Notify(harness.NotifyEvent)           {}
func (ignoreEvents) Log(harness.LogEvent)                 {}
func (ignoreEvents) TaskSettled(harness.TaskSettledEvent) {}

// TestDenoAnswersAPendingEvaluateOfATerminatedVat drives the deno adapter directly: a
// program waiting on a request that never ends is answered -32002 when its vat is
// terminated (the adapter kit's rule for remote vats, PROTOCOL.md §4.3), the request's
// connection is closed, and the adapter goes on serving other vats.
func TestDenoAnswersAPendingEvaluateOfATerminatedVat(t *testing.T) {
	requireInstalled(t, "deno")
	network, err := mocknet.New(mocknet.WithHosts("allowed.test"))
	if err != nil {
		t.Fatal(err)
	}
	defer network.Close()
	adapter, err := harness.NewExternal(harness.ExternalOptions{Argv: mustSplit(t, "node adapters/deno/adapter.mjs"), Dir: repoRoot})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := adapter.Initialize(ctx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: network.ProxyURL()},
		Listener:        ignoreEvents{},
	}); err != nil {
		t.Fatalf("initialize: %v\n%s", err, adapter.LogTail())
	}
	defer func() {
		if err := adapter.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	vatNetwork := &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}
	for _, vatID := range []string{"v1", "v2"} {
		if err := adapter.CreateVat(ctx, harness.CreateVatParams{VatID: vatID, Globals: []string{"fetch"}, Network: vatNetwork}); err != nil {
			t.Fatalf("createVat %s: %v\n%s", vatID, err, adapter.LogTail())
		}
	}

	pending := make(chan error, 1)
	go func() {
		result, err := adapter.Evaluate(ctx, "v1", "await fetch('http://allowed.test/hang'); return 'settled';")
		if err == nil {
			t.Errorf("the pending evaluate was answered with %+v, not an error", result)
		}
		pending <- err
	}()
	if _, err := network.WaitFor(ctx, func(o mocknet.Observation) bool { return o.Host == "allowed.test" && o.Path == "/hang" }); err != nil {
		t.Fatalf("the vat's request never reached mocknet: %v\n%s", err, adapter.LogTail())
	}
	if err := adapter.TerminateVat(ctx, "v1"); err != nil {
		t.Fatalf("terminateVat: %v\n%s", err, adapter.LogTail())
	}

	// The kit writes the -32002 answer before the terminateVat answer.
	var rpcErr *harness.RPCError
	if err := <-pending; !errors.As(err, &rpcErr) || rpcErr.Code != harness.CodeUnknownVat {
		t.Errorf("the evaluate pending at termination: got %v, want a JSON-RPC error with code %d\n%s", err, harness.CodeUnknownVat, adapter.LogTail())
	}
	// Deno's worker.terminate() returns before the Worker's runtime has dropped its sockets,
	// and nothing tells the host when it has: the connection closes shortly after the
	// answer, not before it (the suite's teardown specs allow suite.CloseDeadline for that).
	closeCtx, cancel := context.WithTimeout(ctx, harness.DefaultCallTimeout)
	defer cancel()
	if _, err := network.WaitFor(closeCtx, func(o mocknet.Observation) bool {
		return o.Path == "/hang" && o.Outcome == mocknet.OutcomeClientClosed
	}); err != nil {
		t.Errorf("the request of the terminated vat was never closed: %v; mocknet saw %v", err, network.Observations())
	}

	result, err := adapter.Evaluate(ctx, "v2", "const r = await fetch('http://allowed.test/status/204'); return r.status;")
	if err != nil || string(result.Value) != "204" {
		t.Errorf("the other vat after v1's termination: got %s, %v; want 204\n%s", result.Value, err, adapter.LogTail())
	}
}

// TestDenoLooksNamesUpAtMocknet: Deno resolves a proxied fetch's host name itself; run as
// root, the adapter points it at mocknet's DNS (adapters/deno/resolver.mjs), so mocknet
// records the lookup of the allowed host and answers it. That nothing goes to the machine's
// resolver instead is checked by hand with strace (adapters/deno/README.md).
func TestDenoLooksNamesUpAtMocknet(t *testing.T) {
	requireInstalled(t, "deno")
	if os.Geteuid() != 0 {
		t.Skip("the adapter keeps Deno on mocknet's DNS only as root (a relay on port 53 and a private /etc/resolv.conf)")
	}
	network, err := mocknet.New(mocknet.WithHosts("allowed.test"))
	if err != nil {
		t.Fatal(err)
	}
	defer network.Close()
	adapter, err := harness.NewExternal(harness.ExternalOptions{Argv: mustSplit(t, "node adapters/deno/adapter.mjs"), Dir: repoRoot})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := adapter.Initialize(ctx, harness.InitializeParams{
		ProtocolVersion: harness.ProtocolVersion,
		Network:         harness.NetworkConfig{Proxy: network.ProxyURL(), DNS: network.DNSAddr()},
		Listener:        ignoreEvents{},
	}); err != nil {
		t.Fatalf("initialize: %v\n%s", err, adapter.LogTail())
	}
	defer func() {
		if err := adapter.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	if err := adapter.CreateVat(ctx, harness.CreateVatParams{VatID: "v1", Globals: []string{"fetch"}, Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test"}}}); err != nil {
		t.Fatalf("createVat: %v\n%s", err, adapter.LogTail())
	}
	result, err := adapter.Evaluate(ctx, "v1", "const r = await fetch('http://allowed.test/status/204'); return r.status;")
	if err != nil || string(result.Value) != "204" {
		t.Fatalf("fetch of allowed.test: got %s, %v; want 204\n%s", result.Value, err, adapter.LogTail())
	}
	var asked []string
	for _, l := range network.Lookups() {
		asked = append(asked, l.String())
		if l.Name == "allowed.test" && l.Type == "A" && l.Answer == "127.0.0.1" {
			return
		}
	}
	t.Errorf("mocknet's DNS was never asked for allowed.test (it was asked %q): Deno resolved it elsewhere\n%s", asked, adapter.LogTail())
}

func mustSplit(t *testing.T, commandLine string) []string {
	t.Helper()
	argv, err := harness.SplitCommand(commandLine)
	if err != nil {
		t.Fatal(err)
	}
	return argv
}
