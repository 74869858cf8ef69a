package inprocess_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
)

// Given network.ca, the reference reaches the virtual hosts over https and refuses a
// certificate the authority did not sign; without it, it trusts no certificate of the run.
func TestHTTPSTrustsTheRunsAuthorityOnly(t *testing.T) {
	n, err := mocknet.New(mocknet.WithHosts("allowed.test", mocknet.HostUnknownCA))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	fetch := func(ca string) (ok, refused string) {
		impl := inprocess.New(inprocess.Options{})
		defer impl.Shutdown(ctxFor(t))
		if _, err := impl.Initialize(ctxFor(t), harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
			Network: harness.NetworkConfig{Proxy: n.ProxyURL(), CA: ca}, Listener: &recorder{}}); err != nil {
			t.Fatalf("initialize: %v", err)
		}
		if err := impl.CreateVat(ctxFor(t), harness.CreateVatParams{VatID: "v", Globals: []string{"fetch"},
			Network: &harness.VatNetwork{AllowedHosts: []string{"allowed.test", mocknet.HostUnknownCA}}}); err != nil {
			t.Fatal(err)
		}
		run := func(url string) string {
			res, err := impl.Evaluate(ctxFor(t), "v", `try { return String((await fetch("`+url+`")).status); } catch (e) { return e.name + ": " + e.message; }`)
			if err != nil {
				t.Fatal(err)
			}
			return string(res.Value)
		}
		return run("https://allowed.test/status/200"), run("https://" + mocknet.HostUnknownCA + "/status/200")
	}
	ok, refused := fetch(string(n.CertificateAuthority()))
	if ok != `"200"` || !strings.Contains(refused, "TypeError") || !strings.Contains(refused, "certificate") {
		t.Errorf("with the run's CA: allowed.test %s, %s %s; want 200 and a TypeError about the certificate", ok, mocknet.HostUnknownCA, refused)
	}
	if ok, _ := fetch(""); !strings.Contains(ok, "TypeError") {
		t.Errorf("without the run's CA: allowed.test %s, want a TypeError (the system's roots do not know the run's CA)", ok)
	}
	for _, o := range n.Observations() {
		if o.Host == mocknet.HostUnknownCA {
			t.Errorf("a request reached %s: %v", mocknet.HostUnknownCA, o)
		}
	}
}

func TestInitializeRefusesACAThatIsNotPEM(t *testing.T) {
	impl := inprocess.New(inprocess.Options{})
	_, err := impl.Initialize(ctxFor(t), harness.InitializeParams{ProtocolVersion: harness.ProtocolVersion,
		Network: harness.NetworkConfig{Proxy: "http://127.0.0.1:1", CA: "not a certificate"}, Listener: &recorder{}})
	var rpc *harness.RPCError
	if !errors.As(err, &rpc) || rpc.Code != harness.CodeInvalidParams {
		t.Errorf("initialize with network.ca %q: %v, want invalid params", "not a certificate", err)
	}
}
