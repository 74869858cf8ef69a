package mocknet

import (
	"encoding/json"
	"net/http"
)

// Routes for state a runtime may keep between requests, and share between vats that should
// not share it: cookies, cached responses, credentials. Both answer with no-store, so that
// the answer itself is never what a cache serves, and like every route they allow the
// requesting origin with credentials (cors.go): a browser is then measured on whether it
// keeps one vat's cookie from another, not on CORS.

// setCookie sets the cookie {name}={value} with the attributes of the query's attrs (default
// "Path=/"), and echoes the state the request carried: /set-cookie/{name}/{value}?attrs=….
func setCookie(w http.ResponseWriter, r *http.Request) {
	attrs := r.URL.Query().Get("attrs")
	if attrs == "" {
		attrs = "Path=/"
	}
	w.Header().Add("Set-Cookie", r.PathValue("name")+"="+r.PathValue("value")+"; "+attrs)
	echoState(w, r)
}

// echoState answers the Cookie and Authorization headers the request carried, as JSON
// {"cookie": "…", "authorization": "…"} ("" when absent): /state-echo.
func echoState(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"cookie":        r.Header.Get("Cookie"),
		"authorization": r.Header.Get("Authorization"),
	})
}
