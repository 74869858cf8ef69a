package reference_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/conform-suite/conform/reference"
)

// TestMaxResponseHeaders checks the cap on a response's header lines: the default admits
// 1,000 and refuses 1,001 with a TypeError naming the limit; a configured cap is obeyed,
// on a redirect hop too.
func TestMaxResponseHeaders(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("n"), &n)
		// Go's server adds Content-Length, Date and Content-Type (Location on a redirect)
		// to a response: n counts them in.
		for i := 3; i < n; i++ {
			w.Header().Add(fmt.Sprintf("X-H-%d", i), "v")
		}
		if to := r.URL.Query().Get("to"); to != "" {
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	tests := []struct {
		name  string
		limit int
		path  string
		want  string
	}{
		{name: "the default admits 1,000", path: "/?n=1000", want: `[1000,"ok"]`},
		{name: "the default refuses 1,001", path: "/?n=1001", want: `["TypeError",true,true]`},
		{name: "a configured cap", limit: 10, path: "/?n=11", want: `["TypeError",true,true]`},
		{name: "a configured cap on a redirect hop", limit: 10, path: "/?n=11&to=/%3Fn%3D3", want: `["TypeError",true,true]`},
		{name: "under a configured cap", limit: 10, path: "/?n=10", want: `[10,"ok"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := newVat(t, reference.Options{AllowedHosts: []string{srv.host()}, Limits: reference.Limits{MaxResponseHeaders: tc.limit}})
			limit := tc.limit
			if limit == 0 {
				limit = 1000
			}
			src := `try {
				const r = await fetch(` + jsString(srv.URL+tc.path) + `);
				return [[...r.headers].length, await r.text()];
			} catch (e) {
				return [e.name, e.message.includes('Limits.MaxResponseHeaders'), e.message.includes('limit of ` + fmt.Sprint(limit) + `')];
			}`
			if got := v.value(t, src); got != tc.want {
				t.Fatalf("fetch %s with a cap of %d: program returned %s, want %s", tc.path, limit, got, tc.want)
			}
		})
	}
}
