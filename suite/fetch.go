package suite

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive
)

const srcFetch = "WHATWG Fetch §5.6 fetch() and §4 Fetching"

func fetchSpecs() []Spec {
	f := func(id, title, requirement, profile, rationale, name string, want any) semanticCase {
		return semanticCase{id: id, title: title, requirement: requirement, profile: profile, source: srcFetch,
			rationale: rationale, name: name, want: want}
	}
	const portable = "Code written for the web platform's fetch must keep working in a vat."
	base := "http://" + HostAllowed
	// sent checks what mocknet saw for a spec whose request must carry something.
	sent := func(what string, pred func(mocknetObservation) bool) func(t *T, res Result) {
		return func(t *T, res Result) {
			Expect(res).To(Returned())
			t.AwaitObservation(what, CloseDeadline, pred)
		}
	}
	refusedBeforeSending := func(errName string) func(t *T, res Result) {
		return func(t *T, res Result) {
			Expect(res).To(ReturnedJSON(errName))
			Expect(t.Observations()).To(BeEmpty(), "nothing may be sent; what mocknet saw")
		}
	}
	resetPath := "/conform/fetch-028"
	return caseSpecs(AreaFetch, "fetch/cases", []semanticCase{
		f("FETCH-001", "status and statusText",
			"fetch must resolve with the server's status, its reason phrase as statusText, ok for 2xx, redirected false and url the request URL.",
			ProfileCore, portable, "status", map[string]any{"status": 201, "ok": true, "statusText": "Created", "redirected": false, "url": base + "/status/201"}),
		f("FETCH-002", "a 404 resolves",
			"fetch must resolve, not reject, for a 404 response, with ok false.",
			ProfileCore, "HTTP errors are responses; only network errors reject.", "not-found-resolves",
			map[string]any{"status": 404, "ok": false, "statusText": "Not Found", "redirected": false, "url": base + "/status/404"}),
		f("FETCH-003", "a 503 resolves",
			"fetch must resolve, not reject, for a 503 response, with ok false.",
			ProfileCore, "HTTP errors are responses; only network errors reject.", "server-error-resolves",
			map[string]any{"status": 503, "ok": false, "statusText": "Service Unavailable", "redirected": false, "url": base + "/status/503"}),
		{id: "FETCH-004", title: "method and body are sent", profile: ProfileCore, source: srcFetch, name: "post-body",
			requirement: "A POST with a string body must reach the server with that method and body.",
			rationale:   portable,
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"method": "POST", "data": "hello"}))
				t.AwaitObservation("POST /anything with body hello", CloseDeadline, func(o mocknetObservation) bool {
					return o.Method == http.MethodPost && o.Path == "/anything" && string(o.BodyPrefix) == "hello"
				})
			}},
		{id: "FETCH-005", title: "request headers are sent", profile: ProfileCore, source: srcFetch, name: "request-header",
			requirement: "A header given in init.headers must reach the server.",
			rationale:   portable,
			check: sent("a request carrying X-Conform-Test: sent", func(o mocknetObservation) bool {
				return o.Header.Get("X-Conform-Test") == "sent"
			})},
		f("FETCH-006", "response headers are readable",
			"Headers the server sent must be readable from response.headers.",
			ProfileCore, portable, "response-header", "one"),
		f("FETCH-007", "repeated response headers are combined",
			"A header the server sent twice must read back as both values joined by \", \".",
			ProfileCore, portable, "combined-response-header", "one, two"),
		f("FETCH-008", "response headers are immutable",
			"The headers of a fetched response must refuse set, append and delete with TypeError.",
			ProfileCore, "A response is what the server said; code must not be able to rewrite it for others holding it.",
			"immutable-response-headers", []string{"TypeError", "TypeError", "TypeError"}),
		f("FETCH-009", "redirects are followed",
			"By default fetch must follow redirects and resolve with the final response, redirected true and url the final URL.",
			ProfileCore, portable, "follow-redirects", map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": base + "/get"}),
		{id: "FETCH-010", title: "redirect: error rejects", profile: ProfileCore, source: srcFetch, name: "redirect-error",
			requirement: "With redirect \"error\", a redirect response must reject the fetch with TypeError, and the redirect target must not be requested.",
			rationale:   "Vats use redirect: \"error\" to be sure they talk to the URL they named.",
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				expectTargetNotRequested(t)
			}},
		{id: "FETCH-011", title: "redirect: manual does not follow", profile: ProfileFetchAPI, source: srcFetch, name: "redirect-manual",
			requirement: "With redirect \"manual\", fetch must resolve with an opaque-redirect response (type \"opaqueredirect\", status 0) and not request the target.",
			rationale:   "Manual redirects let code inspect where it would go before going there.",
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"type": "opaqueredirect", "status": 0}))
				expectTargetNotRequested(t)
			}},
		f("FETCH-012", "303 turns POST into GET",
			"A POST answered with 303 must be followed with a GET without a body.",
			ProfileCore, portable, "see-other-becomes-get", map[string]any{"method": "GET", "data": ""}),
		f("FETCH-013", "307 keeps method and body",
			"A POST answered with 307 must be followed with the same method and body.",
			ProfileCore, portable, "temporary-redirect-keeps-method", map[string]any{"method": "POST", "data": "payload"}),
		f("FETCH-014", "301 turns POST into GET",
			"A POST answered with 301 must be followed with a GET without a body.",
			ProfileFetchAPI, portable, "moved-post-becomes-get", map[string]any{"method": "GET", "data": ""}),
		{id: "FETCH-015", title: "invalid URL rejects with TypeError", profile: ProfileCore, source: srcFetch, name: "invalid-url",
			requirement: "fetch of a string that is not a URL must reject with TypeError and send nothing.",
			rationale:   portable, check: refusedBeforeSending("TypeError")},
		{id: "FETCH-016", title: "relative URL rejects with TypeError", profile: ProfileCore, source: srcFetch, name: "relative-url",
			requirement: "fetch of a relative URL must reject with TypeError and send nothing: a vat has no base URL.",
			rationale:   "Resolving against an implicit base would send requests nobody named.", check: refusedBeforeSending("TypeError")},
		f("FETCH-017", "body bytes arrive intact",
			"arrayBuffer() of a 1000-byte response must have 1000 bytes.",
			ProfileCore, portable, "bytes", 1000),
		f("FETCH-018", "json() parses a response",
			"json() must parse a JSON response body.",
			ProfileCore, portable, "json", []string{"slideshow"}),
		f("FETCH-019", "a fetched body is read once",
			"After text(), bodyUsed must be true and a second text() must reject with TypeError.",
			ProfileCore, portable, "body-used", map[string]any{"bodyUsed": true, "again": "TypeError"}),
		f("FETCH-020", "a fetched body streams through a reader",
			"response.body.getReader() must deliver the whole body as Uint8Array chunks.",
			ProfileCore, portable, "reader", map[string]any{"total": 2048, "allBytes": true}),
		f("FETCH-021", "HEAD has no body",
			"A HEAD response must have a null body and text() must resolve to \"\".",
			ProfileCore, portable, "head", map[string]any{"status": 200, "bodyIsNull": true, "text": ""}),
		f("FETCH-022", "204 has no body",
			"A 204 response must have a null body and text() must resolve to \"\".",
			ProfileCore, portable, "no-content", map[string]any{"status": 204, "bodyIsNull": true, "text": ""}),
		{id: "FETCH-023", title: "forbidden method rejects", profile: ProfileCore, source: srcFetch, name: "forbidden-method",
			requirement: "fetch with method TRACE must reject with TypeError and send nothing.",
			rationale:   "TRACE reflects requests, credentials included.", check: refusedBeforeSending("TypeError")},
		{id: "FETCH-024", title: "GET with a body rejects", profile: ProfileCore, source: srcFetch, name: "get-with-body",
			requirement: "fetch with method GET and a body must reject with TypeError and send nothing.",
			rationale:   portable, check: refusedBeforeSending("TypeError")},
		f("FETCH-025", "a Request is fetched as built",
			"fetch(request) must send the Request's method and body.",
			ProfileCore, portable, "request-input", map[string]any{"method": "PUT", "data": "abc"}),
		f("FETCH-026", "init overrides a Request",
			"fetch(request, init) must apply init over the Request: its method wins, and the Request's body is kept.",
			ProfileCore, portable, "init-overrides-request", map[string]any{"method": "PATCH", "data": "abc"}),
		f("FETCH-027", "gzip responses are decoded",
			"A response with Content-Encoding gzip must be decoded before the body is read.",
			ProfileCore, portable, "gzip", true),
		{id: "FETCH-028", title: "a connection cut before headers rejects", profile: ProfileCore, source: srcFetch, name: "reset-before-headers",
			params:      map[string]any{"path": resetPath},
			setup:       func(t *T) { t.Handle(HostAllowed, resetPath, cutBeforeHeaders) },
			requirement: "When the connection closes before any response, fetch must reject with TypeError.",
			rationale:   "Network errors are TypeErrors; code catches them by name.",
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
			}},
		f("FETCH-029", "a connection cut mid-body fails the read",
			"When the connection is cut after the headers, fetch must resolve and reading the body must reject with TypeError.",
			ProfileCore, "A truncated body read as complete is silent data corruption.", "reset-during-body",
			map[string]any{"status": 200, "read": "TypeError"}),
		f("FETCH-030", "Set-Cookie is readable with getSetCookie",
			"getSetCookie() on a fetched response must list each Set-Cookie value the server sent.",
			ProfileFetchAPI, portable, "set-cookie", []string{"a=1", "b=2"}),
		f("FETCH-031", "byte bodies are sent",
			"Uint8Array, ArrayBuffer and DataView bodies must be sent as their bytes.",
			ProfileCore, portable, "buffer-bodies", []string{"hi", "hi", "hi"}),
		{id: "FETCH-032", title: "URLSearchParams bodies are form-encoded", profile: ProfileFetchAPI, source: srcFetch, name: "form-body",
			globals:     WithGlobals("URLSearchParams"),
			requirement: "A URLSearchParams body must be sent form-encoded with Content-Type application/x-www-form-urlencoded;charset=UTF-8.",
			rationale:   portable,
			check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"data": "a=1&b=x+y", "form": map[string]any{"a": []string{"1"}, "b": []string{"x y"}}}))
				t.AwaitObservation("a form-encoded POST", CloseDeadline, func(o mocknetObservation) bool {
					return o.Header.Get("Content-Type") == "application/x-www-form-urlencoded;charset=UTF-8"
				})
			}},
		{id: "FETCH-033", title: "a ReadableStream is sent as the body", profile: ProfileFetchAPI, source: srcFetch, name: "stream-body",
			globals:     WithGlobals("ReadableStream", "TextEncoder"),
			requirement: "A ReadableStream body with duplex \"half\" must be sent in full.",
			rationale:   portable, want: map[string]any{"method": "POST", "data": "streamed"}},
	})
}

// expectTargetNotRequested asserts that /get, where httpbin's /redirect/n ends, was never
// requested.
func expectTargetNotRequested(t *T) {
	GinkgoHelper()
	for _, o := range t.Observations() {
		Expect(o.Path).NotTo(Equal("/get"), "the redirect target must not be requested; mocknet saw:\n%s", describeObservations(t.Observations()))
	}
}

// cutBeforeHeaders closes the connection without answering.
func cutBeforeHeaders(w http.ResponseWriter, _ *http.Request) {
	panic(http.ErrAbortHandler)
}
