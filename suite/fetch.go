package suite

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcFetch = "WHATWG Fetch §5.6 fetch() and §4 Fetching"

func fetchSpecs() []Spec {
	const portable = "Code written for the web platform's fetch must keep working in a vat."
	base := "http://" + HostAllowed
	// sent checks what mocknet saw for a spec whose request must carry something.
	sent := func(what string, pred func(Observation) bool) func(t *T, res Result) {
		return func(t *T, res Result) {
			Expect(res).To(Returned())
			t.AwaitObservation(what, ReadyWithin, pred)
		}
	}
	refusedBeforeSending := func(errName string) func(t *T, res Result) {
		return func(t *T, res Result) {
			Expect(res).To(ReturnedJSON(errName))
			Expect(t.Observations()).To(BeEmpty(), "nothing may be sent; what mocknet saw")
		}
	}
	resetPath := "/conform/fetch-028"
	specs := Defaults{Area: AreaFetch, Profile: ProfileCore, Since: "0.1.0", Source: srcFetch, Rationale: portable, Fixture: fixtureFetchCases}.Specs(
		Row{ID: "FETCH-001", Title: "status and statusText",
			Requirement: "fetch must resolve with the server's status, its reason phrase as statusText, ok for 2xx, redirected false and url the request URL.",
			Run:         Returns(map[string]any{"status": 201, "ok": true, "statusText": "Created", "redirected": false, "url": base + "/status/201"})},
		Row{ID: "FETCH-002", Title: "a 404 resolves",
			Requirement: "fetch must resolve, not reject, for a 404 response, with ok false.",
			Rationale:   "HTTP errors are responses; only network errors reject.",
			Run:         Returns(map[string]any{"status": 404, "ok": false, "statusText": "Not Found", "redirected": false, "url": base + "/status/404"})},
		Row{ID: "FETCH-003", Title: "a 503 resolves",
			Requirement: "fetch must resolve, not reject, for a 503 response, with ok false.",
			Rationale:   "HTTP errors are responses; only network errors reject.",
			Run:         Returns(map[string]any{"status": 503, "ok": false, "statusText": "Service Unavailable", "redirected": false, "url": base + "/status/503"})},
		Row{ID: "FETCH-004", Title: "method and body are sent",
			Requirement: "A POST with a string body must reach the server with that method and body.",
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"method": "POST", "data": "hello"}))
				t.AwaitObservation("POST /anything with body hello", ReadyWithin, func(o Observation) bool {
					return o.Method == http.MethodPost && o.Path == "/anything" && string(o.BodyPrefix) == "hello"
				})
			}}.Run},
		Row{ID: "FETCH-005", Title: "request headers are sent",
			Requirement: "A header given in init.headers must reach the server.",
			Run: Case{Check: sent("a request carrying X-Conform-Test: sent", func(o Observation) bool {
				return o.Header.Get("X-Conform-Test") == "sent"
			})}.Run},
		Row{ID: "FETCH-006", Title: "response headers are readable",
			Requirement: "Headers the server sent must be readable from response.headers.",
			Run:         Returns("one")},
		Row{ID: "FETCH-007", Title: "repeated response headers are combined",
			Requirement: "A header the server sent twice must read back as both values joined by \", \".",
			Run:         Returns("one, two")},
		Row{ID: "FETCH-008", Title: "response headers are immutable",
			Requirement: "The headers of a fetched response must refuse set, append and delete with TypeError.",
			Rationale:   "A response is what the server said; code must not be able to rewrite it for others holding it.",
			Run:         Returns([]string{"TypeError", "TypeError", "TypeError"})},
		Row{ID: "FETCH-009", Title: "redirects are followed",
			Requirement: "By default fetch must follow redirects and resolve with the final response, redirected true and url the final URL.",
			Run:         Returns(map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": base + "/get"})},
		Row{ID: "FETCH-010", Title: "redirect: error rejects",
			Requirement: "With redirect \"error\", a redirect response must reject the fetch with TypeError, and the redirect target must not be requested.",
			Rationale:   "Vats use redirect: \"error\" to be sure they talk to the URL they named.",
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				expectTargetNotRequested(t)
			}}.Run},
		Row{ID: "FETCH-011", Title: "redirect: manual does not follow",
			Requirement: "With redirect \"manual\", fetch must resolve with an opaque-redirect response (type \"opaqueredirect\", status 0) and not request the target.",
			Profile:     ProfileFetchAPI,
			Rationale:   "Manual redirects let code inspect where it would go before going there.",
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"type": "opaqueredirect", "status": 0}))
				expectTargetNotRequested(t)
			}}.Run},
		Row{ID: "FETCH-012", Title: "303 turns POST into GET",
			Requirement: "A POST answered with 303 must be followed with a GET without a body.",
			Run:         Returns(map[string]any{"method": "GET", "data": ""})},
		Row{ID: "FETCH-013", Title: "307 keeps method and body",
			Requirement: "A POST answered with 307 must be followed with the same method and body.",
			Run:         Returns(map[string]any{"method": "POST", "data": "payload"})},
		Row{ID: "FETCH-014", Title: "301 turns POST into GET",
			Requirement: "A POST answered with 301 must be followed with a GET without a body.",
			Profile:     ProfileFetchAPI,
			Run:         Returns(map[string]any{"method": "GET", "data": ""})},
		Row{ID: "FETCH-015", Title: "invalid URL rejects with TypeError",
			Requirement: "fetch of a string that is not a URL must reject with TypeError and send nothing.",
			Run:         Case{Check: refusedBeforeSending("TypeError")}.Run},
		Row{ID: "FETCH-016", Title: "relative URL rejects with TypeError",
			Requirement: "fetch of a relative URL must reject with TypeError and send nothing: a vat has no base URL.",
			Rationale:   "Resolving against an implicit base would send requests nobody named.",
			Run:         Case{Check: refusedBeforeSending("TypeError")}.Run},
		Row{ID: "FETCH-017", Title: "body bytes arrive intact",
			Requirement: "arrayBuffer() of a 1000-byte response must have 1000 bytes.",
			Run:         Returns(1000)},
		Row{ID: "FETCH-018", Title: "json() parses a response",
			Requirement: "json() must parse a JSON response body.",
			Run:         Returns([]string{"slideshow"})},
		Row{ID: "FETCH-019", Title: "a fetched body is read once",
			Requirement: "After text(), bodyUsed must be true and a second text() must reject with TypeError.",
			Run:         Returns(map[string]any{"bodyUsed": true, "again": "TypeError"})},
		Row{ID: "FETCH-020", Title: "a fetched body streams through a reader",
			Requirement: "response.body.getReader() must deliver the whole body as Uint8Array chunks.",
			Run:         Returns(map[string]any{"total": 2048, "allBytes": true})},
		Row{ID: "FETCH-021", Title: "HEAD has no body",
			Requirement: "A HEAD response must have a null body and text() must resolve to \"\".",
			Run:         Returns(map[string]any{"status": 200, "bodyIsNull": true, "text": ""})},
		Row{ID: "FETCH-022", Title: "204 has no body",
			Requirement: "A 204 response must have a null body and text() must resolve to \"\".",
			Run:         Returns(map[string]any{"status": 204, "bodyIsNull": true, "text": ""})},
		Row{ID: "FETCH-023", Title: "forbidden method rejects",
			Requirement: "fetch with method TRACE must reject with TypeError and send nothing.",
			Rationale:   "TRACE reflects requests, credentials included.",
			Run:         Case{Check: refusedBeforeSending("TypeError")}.Run},
		Row{ID: "FETCH-024", Title: "GET with a body rejects",
			Requirement: "fetch with method GET and a body must reject with TypeError and send nothing.",
			Run:         Case{Check: refusedBeforeSending("TypeError")}.Run},
		Row{ID: "FETCH-025", Title: "a Request is fetched as built",
			Requirement: "fetch(request) must send the Request's method and body.",
			Run:         Returns(map[string]any{"method": "PUT", "data": "abc"})},
		Row{ID: "FETCH-026", Title: "init overrides a Request",
			Requirement: "fetch(request, init) must apply init over the Request: its method wins, and the Request's body is kept.",
			Run:         Returns(map[string]any{"method": "PATCH", "data": "abc"})},
		Row{ID: "FETCH-027", Title: "gzip responses are decoded",
			Requirement: "A response with Content-Encoding gzip must be decoded before the body is read.",
			Run:         Returns(true)},
		Row{ID: "FETCH-028", Title: "a connection cut before headers rejects",
			Requirement: "When the connection closes before any response, fetch must reject with TypeError.",
			Rationale:   "Network errors are TypeErrors; code catches them by name.",
			Run: Case{Params: map[string]any{"path": resetPath}, Setup: func(t *T) { t.Handle(HostAllowed, resetPath, cutBeforeHeaders) }, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
			}}.Run},
		Row{ID: "FETCH-029", Title: "a connection cut mid-body fails the read",
			Requirement: "When the connection is cut after the headers, fetch must resolve and reading the body must reject with TypeError.",
			Rationale:   "A truncated body read as complete is silent data corruption.",
			Run:         Returns(map[string]any{"status": 200, "read": "TypeError"})},
		Row{ID: "FETCH-030", Title: "Set-Cookie is readable with getSetCookie",
			Requirement: "getSetCookie() on a fetched response must list each Set-Cookie value the server sent.",
			Profile:     ProfileFetchAPI,
			Run:         Returns([]string{"a=1", "b=2"})},
		Row{ID: "FETCH-031", Title: "byte bodies are sent",
			Requirement: "Uint8Array, ArrayBuffer and DataView bodies must be sent as their bytes.",
			Run:         Returns([]string{"hi", "hi", "hi"})},
		Row{ID: "FETCH-032", Title: "URLSearchParams bodies are form-encoded",
			Requirement: "A URLSearchParams body must be sent form-encoded with Content-Type application/x-www-form-urlencoded;charset=UTF-8.",
			Profile:     ProfileFetchAPI,
			Globals:     WithGlobals("URLSearchParams"),
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"data": "a=1&b=x+y", "form": map[string]any{"a": []string{"1"}, "b": []string{"x y"}}}))
				t.AwaitObservation("a form-encoded POST", ReadyWithin, func(o Observation) bool {
					return o.Header.Get("Content-Type") == "application/x-www-form-urlencoded;charset=UTF-8"
				})
			}}.Run},
		Row{ID: "FETCH-033", Title: "a ReadableStream is sent as the body",
			Requirement: "A ReadableStream body with duplex \"half\" must be sent in full.",
			Profile:     ProfileFetchAPI,
			Globals:     WithGlobals("ReadableStream", "TextEncoder"),
			Run:         Returns(map[string]any{"method": "POST", "data": "streamed"})},
	)
	return append(specs, fetchPathSpecs()...)
}

// expectTargetNotRequested asserts that /get, where httpbin's /redirect/n ends, was never
// requested.
func expectTargetNotRequested(t *T) {
	GinkgoHelper()
	for _, o := range t.Observations() {
		Expect(o.Path).NotTo(Equal("/get"), "the redirect target must not be requested; mocknet saw:\n%s", DescribeObservations(t.Observations()))
	}
}

// cutBeforeHeaders closes the connection without answering.
func cutBeforeHeaders(w http.ResponseWriter, _ *http.Request) {
	panic(http.ErrAbortHandler)
}

const srcRedirectFetch = "WHATWG Fetch §4.4 HTTP-redirect fetch"

// byteByByte answers with body as text/plain, flushing one byte at a time so that the
// client's reads see the bytes of each character in separate chunks.
func byteByByte(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		flusher, _ := w.(http.Flusher)
		for i := 0; i < len(body); i++ {
			if _, err := w.Write([]byte{body[i]}); err != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
	}
}

// redirectMethodCase is the body of a spec on how a redirect with status rewrites a request
// with method (and a text/plain body "payload"): the vat must see wantMethod at the target,
// and mocknet must see the target requested with that method, with the body and its
// Content-Type only when keepBody, and with the vat's other header in every case.
func redirectMethodCase(status int, method, wantMethod string, keepBody bool) func(t *T) {
	wantData := ""
	if keepBody {
		wantData = "payload"
	}
	return runCase(fixtureFetchCases, semanticCase{name: "redirect-method", params: map[string]any{"status": status, "method": method}, check: func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(map[string]any{"method": wantMethod, "data": wantData}))
		// The positive control: the first request carried the body and its type.
		first := t.AwaitObservation("the first request, answered with a redirect", ReadyWithin, PathIs("/redirect-to"))
		Expect(first.Method).To(Equal(method))
		Expect(first.Header.Get("Content-Type")).To(Equal("text/plain"), "the first request's Content-Type: %s", DescribeObservation(first))
		target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
		Expect(target.Method).To(Equal(wantMethod), "method at the target: %s", DescribeObservation(target))
		Expect(target.Header.Get("X-Conform-Hop")).To(Equal("kept"), "headers other than body headers must follow the redirect: %s", DescribeObservation(target))
		if keepBody {
			Expect(string(target.BodyPrefix)).To(Equal("payload"), "the body must be sent again: %s", DescribeObservation(target))
			Expect(target.Header.Get("Content-Type")).To(Equal("text/plain"), "Content-Type must be kept with the body: %s", DescribeObservation(target))
			return
		}
		Expect(target.BodyBytes).To(BeZero(), "the body must be dropped: %s", DescribeObservation(target))
		Expect(target.Header.Values("Content-Type")).To(BeEmpty(), "Content-Type must be dropped with the body: %s", DescribeObservation(target))
	}})
}
