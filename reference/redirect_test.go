package reference_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/conform-suite/conform/reference"
)

// seenRequest is what the final server of a redirect saw.
type seenRequest struct {
	Method, Body, Authorization, ContentType, ContentLanguage, Custom string
}

// TestRedirectRewritesTheRequest follows redirects between two origins (two loopback
// servers, same host, different ports) and checks what arrives at the end, as
// HTTP-redirect fetch says: Authorization dropped on a change of origin (and only then),
// 301/302 turn a POST into a GET, 303 turns anything but GET/HEAD into a GET, and a GET
// made so loses its body and the request-body headers.
func TestRedirectRewritesTheRequest(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []seenRequest
	)
	record := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("to") != "" {
			var status int
			_, _ = fmt.Sscan(r.URL.Query().Get("status"), &status)
			w.Header().Set("Location", r.URL.Query().Get("to"))
			w.WriteHeader(status)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenRequest{Method: r.Method, Body: string(body), Authorization: r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"), ContentLanguage: r.Header.Get("Content-Language"), Custom: r.Header.Get("X-Custom")})
		mu.Unlock()
		_, _ = io.WriteString(w, "end")
	})
	a := newServer(t, record)
	b := newServer(t, record)
	hop := func(from *server, status int, to string) string {
		return from.URL + "/hop?" + url.Values{"status": {fmt.Sprint(status)}, "to": {to}}.Encode()
	}
	tests := []struct {
		name   string
		url    string
		method string
		body   bool
		want   seenRequest
	}{
		{name: "same origin keeps Authorization", url: hop(a, 302, a.URL+"/end"), method: "GET",
			want: seenRequest{Method: "GET", Authorization: "Bearer secret", ContentLanguage: "en", Custom: "kept"}},
		{name: "another port is another origin: Authorization removed", url: hop(a, 307, b.URL+"/end"), method: "GET",
			want: seenRequest{Method: "GET", ContentLanguage: "en", Custom: "kept"}},
		{name: "removed once, not restored on the way back", url: hop(a, 302, hop(b, 302, a.URL+"/end")), method: "GET",
			want: seenRequest{Method: "GET", ContentLanguage: "en", Custom: "kept"}},
		{name: "301 turns a POST into a GET without a body", url: hop(a, 301, a.URL+"/end"), method: "POST", body: true,
			want: seenRequest{Method: "GET", Authorization: "Bearer secret", Custom: "kept"}},
		{name: "302 turns a POST into a GET without a body", url: hop(a, 302, a.URL+"/end"), method: "POST", body: true,
			want: seenRequest{Method: "GET", Authorization: "Bearer secret", Custom: "kept"}},
		{name: "301 keeps a PUT and its body", url: hop(a, 301, a.URL+"/end"), method: "PUT", body: true,
			want: seenRequest{Method: "PUT", Body: "payload", Authorization: "Bearer secret", ContentType: "text/x-test", ContentLanguage: "en", Custom: "kept"}},
		{name: "303 turns a PUT into a GET without a body", url: hop(a, 303, a.URL+"/end"), method: "PUT", body: true,
			want: seenRequest{Method: "GET", Authorization: "Bearer secret", Custom: "kept"}},
		{name: "303 keeps a GET as it is", url: hop(a, 303, a.URL+"/end"), method: "GET",
			want: seenRequest{Method: "GET", Authorization: "Bearer secret", ContentLanguage: "en", Custom: "kept"}},
		{name: "307 keeps a POST and its body, across origins without Authorization", url: hop(a, 307, b.URL+"/end"), method: "POST", body: true,
			want: seenRequest{Method: "POST", Body: "payload", ContentType: "text/x-test", ContentLanguage: "en", Custom: "kept"}},
		{name: "308 keeps a POST and its body", url: hop(a, 308, a.URL+"/end"), method: "POST", body: true,
			want: seenRequest{Method: "POST", Body: "payload", Authorization: "Bearer secret", ContentType: "text/x-test", ContentLanguage: "en", Custom: "kept"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			v := newVat(t, reference.Options{AllowedHosts: []string{"127.0.0.1"}})
			init := `{method: ` + jsString(tc.method) + `, headers: {authorization: 'Bearer secret', 'content-language': 'en', 'x-custom': 'kept'`
			if tc.body {
				init += `, 'content-type': 'text/x-test'}, body: 'payload'}`
			} else {
				init += `}}`
			}
			if got := v.value(t, `const r = await fetch(`+jsString(tc.url)+`, `+init+`); return [r.redirected, await r.text()];`); got != `[true,"end"]` {
				t.Fatalf("fetch returned %s, want [true,\"end\"]", got)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 1 || seen[0] != tc.want {
				got, _ := json.Marshal(seen)
				want, _ := json.Marshal(tc.want)
				t.Fatalf("the end of the redirect saw %s, want [%s]", got, want)
			}
		})
	}
}
