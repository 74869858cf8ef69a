package suite

import (
	"fmt"
	"net/http"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// fetchSpecs are fetch's everyday contract: statuses, headers, redirects, bodies both ways,
// and what rejects.
func fetchSpecs() []Spec {
	d := Defaults{Area: AreaFetch, Profile: ProfileCore, Since: "0.1.0", Source: "WHATWG Fetch §5.6 fetch() and §4 Fetching",
		Rationale: "Code written for the web platform's fetch must keep working in a vat.", Fixture: "fetch/cases"}
	// refused is the run of a spec whose case must reject with TypeError before anything is sent.
	refused := Case{Check: func(t *T, res Result) {
		Expect(res).To(ReturnedJSON("TypeError"))
		Expect(t.Observations()).To(BeEmpty(), "nothing may be sent; what mocknet saw")
	}}.Run
	bodySize, resetPath, form := 1000, "/conform/fetch-028", "application/x-www-form-urlencoded;charset=UTF-8"
	var httpErrors []Row
	for _, s := range []fetchedStatus{{ID: "FETCH-002", Code: 404}, {ID: "FETCH-003", Code: 503}} {
		httpErrors = append(httpErrors, Row{ID: s.ID, Title: fmt.Sprintf("a %d resolves", s.Code),
			Requirement: fmt.Sprintf("fetch must resolve, not reject, for a %d response, with ok false.", s.Code),
			Rationale:   "HTTP errors are responses; only network errors reject.", Run: s.Run})
	}
	return append(d.Specs(httpErrors...), d.Specs(
		Row{ID: "FETCH-001", Title: "status and statusText", Run: fetchedStatus{Code: http.StatusCreated}.Run,
			Requirement: "fetch must resolve with the server's status, its reason phrase as statusText, ok for 2xx, redirected false and url the request URL."},
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
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(Returned())
				t.AwaitObservation("a request carrying X-Conform-Test: sent", ReadyWithin, func(o Observation) bool { return o.Header.Get("X-Conform-Test") == "sent" })
			}}.Run},
		Row{ID: "FETCH-006", Title: "response headers are readable", Run: Returns("one"),
			Requirement: "Headers the server sent must be readable from response.headers."},
		Row{ID: "FETCH-007", Title: "repeated response headers are combined", Run: Returns("one, two"),
			Requirement: "A header the server sent twice must read back as both values joined by \", \"."},
		Row{ID: "FETCH-008", Title: "response headers are immutable", Run: Returns([]string{"TypeError", "TypeError", "TypeError"}),
			Requirement: "The headers of a fetched response must refuse set, append and delete with TypeError.",
			Rationale:   "A response is what the server said; code must not be able to rewrite it for others holding it."},
		Row{ID: "FETCH-009", Title: "redirects are followed",
			Requirement: "By default fetch must follow redirects and resolve with the final response, redirected true and url the final URL.",
			Run:         Returns(map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": "http://" + HostAllowed + "/get"})},
		Row{ID: "FETCH-010", Title: "redirect: error rejects", Run: Case{Check: redirectNotFollowed("TypeError")}.Run,
			Requirement: "With redirect \"error\", a redirect response must reject the fetch with TypeError, and the redirect target must not be requested.",
			Rationale:   "Vats use redirect: \"error\" to be sure they talk to the URL they named."},
		Row{ID: "FETCH-011", Title: "redirect: manual does not follow",
			Requirement: "With redirect \"manual\", fetch must resolve with an opaque-redirect response (type \"opaqueredirect\", status 0) and not request the target.",
			Profile:     ProfileFetchAPI,
			Rationale:   "Manual redirects let code inspect where it would go before going there.",
			Run:         Case{Check: redirectNotFollowed(map[string]any{"type": "opaqueredirect", "status": 0})}.Run},
		Row{ID: "FETCH-015", Title: "invalid URL rejects with TypeError", Run: refused,
			Requirement: "fetch of a string that is not a URL must reject with TypeError and send nothing."},
		Row{ID: "FETCH-016", Title: "relative URL rejects with TypeError", Run: refused,
			Requirement: "fetch of a relative URL must reject with TypeError and send nothing: a vat has no base URL.",
			Rationale:   "Resolving against an implicit base would send requests nobody named."},
		Row{ID: "FETCH-017", Title: "body bytes arrive intact", Run: Case{Params: map[string]any{"size": bodySize}, Want: bodySize}.Run,
			Requirement: fmt.Sprintf("arrayBuffer() of a %d-byte response must have %[1]d bytes.", bodySize)},
		Row{ID: "FETCH-018", Title: "json() parses a response", Run: Returns([]string{"slideshow"}),
			Requirement: "json() must parse a JSON response body."},
		Row{ID: "FETCH-019", Title: "a fetched body is read once", Run: Returns(map[string]any{"bodyUsed": true, "again": "TypeError"}),
			Requirement: "After text(), bodyUsed must be true and a second text() must reject with TypeError."},
		Row{ID: "FETCH-020", Title: "a fetched body streams through a reader", Run: Returns(map[string]any{"total": 2048, "allBytes": true}),
			Requirement: "response.body.getReader() must deliver the whole body as Uint8Array chunks."},
		Row{ID: "FETCH-021", Title: "HEAD has no body", Run: Returns(map[string]any{"status": 200, "bodyIsNull": true, "text": ""}),
			Requirement: "A HEAD response must have a null body and text() must resolve to \"\"."},
		Row{ID: "FETCH-022", Title: "204 has no body", Run: Returns(map[string]any{"status": 204, "bodyIsNull": true, "text": ""}),
			Requirement: "A 204 response must have a null body and text() must resolve to \"\"."},
		Row{ID: "FETCH-023", Title: "forbidden method rejects", Run: refused,
			Requirement: "fetch with method TRACE must reject with TypeError and send nothing.",
			Rationale:   "TRACE reflects requests, credentials included."},
		Row{ID: "FETCH-024", Title: "GET with a body rejects", Run: refused,
			Requirement: "fetch with method GET and a body must reject with TypeError and send nothing."},
		Row{ID: "FETCH-025", Title: "a Request is fetched as built", Run: Returns(map[string]any{"method": "PUT", "data": "abc"}),
			Requirement: "fetch(request) must send the Request's method and body."},
		Row{ID: "FETCH-026", Title: "init overrides a Request", Run: Returns(map[string]any{"method": "PATCH", "data": "abc"}),
			Requirement: "fetch(request, init) must apply init over the Request: its method wins, and the Request's body is kept."},
		Row{ID: "FETCH-027", Title: "gzip responses are decoded", Run: Returns(true),
			Requirement: "A response with Content-Encoding gzip must be decoded before the body is read."},
		Row{ID: "FETCH-028", Title: "a connection cut before headers rejects",
			Requirement: "When the connection closes before any response, fetch must reject with TypeError.",
			Rationale:   "Network errors are TypeErrors; code catches them by name.",
			Run: Case{Params: map[string]any{"path": resetPath}, Want: "TypeError",
				Setup: func(t *T) {
					// ErrAbortHandler makes the server close the connection without answering.
					t.Handle(HostAllowed, resetPath, func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
				}}.Run},
		Row{ID: "FETCH-029", Title: "a connection cut mid-body fails the read",
			Requirement: "When the connection is cut after the headers, fetch must resolve and reading the body must reject with TypeError.",
			Rationale:   "A truncated body read as complete is silent data corruption.",
			Run:         Returns(map[string]any{"status": 200, "read": "TypeError"})},
		Row{ID: "FETCH-030", Title: "Set-Cookie is readable with getSetCookie", Run: Returns([]string{"a=1", "b=2"}),
			Requirement: "getSetCookie() on a fetched response must list each Set-Cookie value the server sent.",
			Profile:     ProfileFetchAPI},
		Row{ID: "FETCH-031", Title: "byte bodies are sent", Run: Returns([]string{"hi", "hi", "hi"}),
			Requirement: "Uint8Array, ArrayBuffer and DataView bodies must be sent as their bytes."},
		Row{ID: "FETCH-032", Title: "URLSearchParams bodies are form-encoded",
			Requirement: "A URLSearchParams body must be sent form-encoded with Content-Type " + form + ".",
			Profile:     ProfileFetchAPI,
			Globals:     WithGlobals("URLSearchParams"),
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"data": "a=1&b=x+y", "form": map[string]any{"a": []string{"1"}, "b": []string{"x y"}}}))
				t.AwaitObservation("a form-encoded POST", ReadyWithin, func(o Observation) bool { return o.Header.Get("Content-Type") == form })
			}}.Run},
		Row{ID: "FETCH-033", Title: "a ReadableStream is sent as the body", Run: Returns(map[string]any{"method": "POST", "data": "streamed"}),
			Requirement: "A ReadableStream body with duplex \"half\" must be sent in full.",
			Profile:     ProfileFetchAPI,
			Globals:     WithGlobals("ReadableStream")},
		Row{ID: "FETCH-063", Title: "a streamed body is not sent again after a redirect", Profile: ProfileFetchAPI, Since: "0.3.0", Globals: WithGlobals("ReadableStream"),
			Source:      "WHATWG Fetch §4.4 HTTP-redirect fetch (a body whose source is null, a stream, cannot be sent again: a network error unless the status is 303, which drops the body and becomes GET)",
			Requirement: "A POST with a ReadableStream body (duplex \"half\") answered by a 303 must be followed as a GET to its Location on allowed.test; answered by a 307 it must reject with TypeError and its Location must never be requested.",
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"303": map[string]any{"status": 200, "method": "GET"}, "307": "TypeError"}))
				t.AwaitObservation("the GET after the 303", ReadyWithin, PathIs("/anything/fetch-063/after-303"))
				Expect(Filter(t.Observations(), PathIs("/anything/fetch-063/after-307"))).To(BeEmpty(), "the Location of the 307 must never be requested; what mocknet saw there")
			}}.Run},
	)...)
}

// fetchedStatus is the run of a spec whose case fetches /status/<Code> and describes the
// response: the server's status and reason phrase (mocknet sends Go's), ok only for 2xx, not
// redirected.
type fetchedStatus struct {
	// ID is the spec's, when the status is a row of a loop.
	ID   string
	Code int
}

func (s fetchedStatus) Run(t *T) {
	Case{Params: map[string]any{"status": s.Code}, Want: map[string]any{"status": s.Code, "ok": s.Code/100 == 2,
		"statusText": http.StatusText(s.Code), "redirected": false, "url": fmt.Sprintf("http://%s/status/%d", HostAllowed, s.Code)}}.Run(t)
}

// redirectNotFollowed checks a case that must return want without /get, where httpbin's
// /redirect/n ends, ever being requested.
func redirectNotFollowed(want any) func(t *T, res Result) {
	return func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(want))
		Expect(Filter(t.Observations(), func(o Observation) bool { return o.Path == "/get" })).To(BeEmpty(), "the redirect target must not be requested")
	}
}
