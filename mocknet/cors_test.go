package mocknet

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

const testOrigin = "http://127.0.0.1:9"

func TestPreflightIsAnsweredAndRecordedAsPreflight(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	req, _ := http.NewRequest(http.MethodOptions, "http://allowed.test/hang", nil)
	req.Header.Set("Origin", testOrigin)
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "x-custom, content-type")
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("preflight: %v", err)
	}
	res.Body.Close()
	want := map[string]string{
		"Access-Control-Allow-Origin":      testOrigin,
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods":     "PUT",
		"Access-Control-Allow-Headers":     "x-custom, content-type",
	}
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("preflight status %d, want 204 (and never /hang's handler)", res.StatusCode)
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("preflight %s = %q, want %q", k, got, v)
		}
	}
	obs := n.Observations()
	if len(obs) != 1 || !obs[0].Preflight || obs[0].Method != http.MethodOptions || obs[0].Path != "/hang" ||
		obs[0].Outcome != OutcomeCompleted || obs[0].Status != http.StatusNoContent {
		t.Fatalf("want one completed preflight observation of OPTIONS /hang answered 204, got %v", obs)
	}
	if s := obs[0].String(); !strings.Contains(s, "CORS preflight PUT /hang") {
		t.Errorf("a preflight must read as one: %q", s)
	}
}

func TestOptionsWithoutPreflightHeadersIsARequest(t *testing.T) {
	n := newTestNetwork(t)
	req, _ := http.NewRequest(http.MethodOptions, "http://allowed.test/anything", nil)
	req.Header.Set("Origin", testOrigin) // no Access-Control-Request-Method: not a preflight
	res, err := proxiedClient(n).Do(req)
	if err != nil {
		t.Fatalf("OPTIONS: %v", err)
	}
	res.Body.Close()
	if obs := n.Observations(); len(obs) != 1 || obs[0].Preflight {
		t.Fatalf("want one ordinary observation, got %+v", obs)
	}
}

func TestRequestsWithOriginGetCORSOnEveryRoute(t *testing.T) {
	n := newTestNetwork(t)
	n.AddHost("allowed.test").HandleFunc("/spec-route", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Spec", "1")
		_, _ = io.WriteString(w, "spec")
	})
	c := proxiedClient(n)
	for _, tc := range []struct{ path, exposed string }{
		{"/response-headers?X-Custom=yes", "X-Custom"}, // go-httpbin
		{"/spec-route", "X-Spec"},                      // a spec's own route
		{"/drip-forever?interval=5", "Content-Type"},   // a mocknet route that streams
		{"/redirect-host/other.test", "Location"},      // a redirect: every hop needs CORS
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://allowed.test"+tc.path, nil)
		req.Header.Set("Origin", testOrigin)
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		res.Body.Close() // ends the drip
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != testOrigin {
			t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want the request's origin", tc.path, got)
		}
		if got := res.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
			t.Errorf("GET %s: Access-Control-Allow-Credentials = %q", tc.path, got)
		}
		if exposed := res.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, tc.exposed) {
			t.Errorf("GET %s: Access-Control-Expose-Headers = %q, want it to name %s", tc.path, exposed, tc.exposed)
		}
	}
}

func TestRequestsWithoutOriginGetNoCORSFromMocknet(t *testing.T) {
	n := newTestNetwork(t)
	res, err := proxiedClient(n).Get("http://allowed.test/status/200")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Expose-Headers"); got != "" {
		t.Errorf("a request without Origin must be served as before; got Access-Control-Expose-Headers %q", got)
	}
}

// The state routes set and echo cookies for a browser's credentialed request: the origin is
// allowed with credentials, and Set-Cookie is sent.
func TestStateRoutesSetAndEchoWithCredentialedCORS(t *testing.T) {
	n := newTestNetwork(t)
	c := proxiedClient(n)
	req, _ := http.NewRequest(http.MethodGet, "http://allowed.test/set-cookie/sid/abc?attrs=Path%3D%2F%3B%20SameSite%3DNone", nil)
	req.Header.Set("Origin", testOrigin)
	req.Header.Set("Cookie", "old=1")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := res.Header.Get("Set-Cookie"); got != "sid=abc; Path=/; SameSite=None" {
		t.Errorf("Set-Cookie %q", got)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != testOrigin || res.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS headers %v, want the origin allowed with credentials", res.Header)
	}
	if !strings.Contains(string(body), `"cookie":"old=1"`) || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("answer %s with Cache-Control %q, want the request's cookie echoed, no-store", body, res.Header.Get("Cache-Control"))
	}
}
