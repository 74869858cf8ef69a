package suite

import (
	"net/http"
	"time"

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
	return []Spec{
		{
			Requirement: Requirement{
				ID: "FETCH-001", Title: "status and statusText",
				Requirement: "fetch must resolve with the server's status, its reason phrase as statusText, ok for 2xx, redirected false and url the request URL.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "status", want: map[string]any{"status": 201, "ok": true, "statusText": "Created", "redirected": false, "url": base + "/status/201"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-002", Title: "a 404 resolves",
				Requirement: "fetch must resolve, not reject, for a 404 response, with ok false.",
				Rationale:   "HTTP errors are responses; only network errors reject.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "not-found-resolves", want: map[string]any{"status": 404, "ok": false, "statusText": "Not Found", "redirected": false, "url": base + "/status/404"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-003", Title: "a 503 resolves",
				Requirement: "fetch must resolve, not reject, for a 503 response, with ok false.",
				Rationale:   "HTTP errors are responses; only network errors reject.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "server-error-resolves", want: map[string]any{"status": 503, "ok": false, "statusText": "Service Unavailable", "redirected": false, "url": base + "/status/503"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-004", Title: "method and body are sent",
				Requirement: "A POST with a string body must reach the server with that method and body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "post-body", check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"method": "POST", "data": "hello"}))
				t.AwaitObservation("POST /anything with body hello", ReadyWithin, func(o Observation) bool {
					return o.Method == http.MethodPost && o.Path == "/anything" && string(o.BodyPrefix) == "hello"
				})
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-005", Title: "request headers are sent",
				Requirement: "A header given in init.headers must reach the server.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "request-header", check: sent("a request carrying X-Conform-Test: sent", func(o Observation) bool {
				return o.Header.Get("X-Conform-Test") == "sent"
			})}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-006", Title: "response headers are readable",
				Requirement: "Headers the server sent must be readable from response.headers.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "response-header", want: "one"}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-007", Title: "repeated response headers are combined",
				Requirement: "A header the server sent twice must read back as both values joined by \", \".",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "combined-response-header", want: "one, two"}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-008", Title: "response headers are immutable",
				Requirement: "The headers of a fetched response must refuse set, append and delete with TypeError.",
				Rationale:   "A response is what the server said; code must not be able to rewrite it for others holding it.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "immutable-response-headers", want: []string{"TypeError", "TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-009", Title: "redirects are followed",
				Requirement: "By default fetch must follow redirects and resolve with the final response, redirected true and url the final URL.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "follow-redirects", want: map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": base + "/get"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-010", Title: "redirect: error rejects",
				Requirement: "With redirect \"error\", a redirect response must reject the fetch with TypeError, and the redirect target must not be requested.",
				Rationale:   "Vats use redirect: \"error\" to be sure they talk to the URL they named.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "redirect-error", check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				expectTargetNotRequested(t)
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-011", Title: "redirect: manual does not follow",
				Requirement: "With redirect \"manual\", fetch must resolve with an opaque-redirect response (type \"opaqueredirect\", status 0) and not request the target.",
				Rationale:   "Manual redirects let code inspect where it would go before going there.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "redirect-manual", check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"type": "opaqueredirect", "status": 0}))
				expectTargetNotRequested(t)
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-012", Title: "303 turns POST into GET",
				Requirement: "A POST answered with 303 must be followed with a GET without a body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "see-other-becomes-get", want: map[string]any{"method": "GET", "data": ""}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-013", Title: "307 keeps method and body",
				Requirement: "A POST answered with 307 must be followed with the same method and body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "temporary-redirect-keeps-method", want: map[string]any{"method": "POST", "data": "payload"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-014", Title: "301 turns POST into GET",
				Requirement: "A POST answered with 301 must be followed with a GET without a body.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "moved-post-becomes-get", want: map[string]any{"method": "GET", "data": ""}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-015", Title: "invalid URL rejects with TypeError",
				Requirement: "fetch of a string that is not a URL must reject with TypeError and send nothing.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "invalid-url", check: refusedBeforeSending("TypeError")}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-016", Title: "relative URL rejects with TypeError",
				Requirement: "fetch of a relative URL must reject with TypeError and send nothing: a vat has no base URL.",
				Rationale:   "Resolving against an implicit base would send requests nobody named.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "relative-url", check: refusedBeforeSending("TypeError")}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-017", Title: "body bytes arrive intact",
				Requirement: "arrayBuffer() of a 1000-byte response must have 1000 bytes.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "bytes", want: 1000}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-018", Title: "json() parses a response",
				Requirement: "json() must parse a JSON response body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "json", want: []string{"slideshow"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-019", Title: "a fetched body is read once",
				Requirement: "After text(), bodyUsed must be true and a second text() must reject with TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "body-used", want: map[string]any{"bodyUsed": true, "again": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-020", Title: "a fetched body streams through a reader",
				Requirement: "response.body.getReader() must deliver the whole body as Uint8Array chunks.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "reader", want: map[string]any{"total": 2048, "allBytes": true}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-021", Title: "HEAD has no body",
				Requirement: "A HEAD response must have a null body and text() must resolve to \"\".",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "head", want: map[string]any{"status": 200, "bodyIsNull": true, "text": ""}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-022", Title: "204 has no body",
				Requirement: "A 204 response must have a null body and text() must resolve to \"\".",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "no-content", want: map[string]any{"status": 204, "bodyIsNull": true, "text": ""}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-023", Title: "forbidden method rejects",
				Requirement: "fetch with method TRACE must reject with TypeError and send nothing.",
				Rationale:   "TRACE reflects requests, credentials included.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "forbidden-method", check: refusedBeforeSending("TypeError")}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-024", Title: "GET with a body rejects",
				Requirement: "fetch with method GET and a body must reject with TypeError and send nothing.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "get-with-body", check: refusedBeforeSending("TypeError")}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-025", Title: "a Request is fetched as built",
				Requirement: "fetch(request) must send the Request's method and body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "request-input", want: map[string]any{"method": "PUT", "data": "abc"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-026", Title: "init overrides a Request",
				Requirement: "fetch(request, init) must apply init over the Request: its method wins, and the Request's body is kept.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "init-overrides-request", want: map[string]any{"method": "PATCH", "data": "abc"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-027", Title: "gzip responses are decoded",
				Requirement: "A response with Content-Encoding gzip must be decoded before the body is read.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "gzip", want: true}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-028", Title: "a connection cut before headers rejects",
				Requirement: "When the connection closes before any response, fetch must reject with TypeError.",
				Rationale:   "Network errors are TypeErrors; code catches them by name.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "reset-before-headers", params: map[string]any{"path": resetPath}, setup: func(t *T) { t.Handle(HostAllowed, resetPath, cutBeforeHeaders) }, check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-029", Title: "a connection cut mid-body fails the read",
				Requirement: "When the connection is cut after the headers, fetch must resolve and reading the body must reject with TypeError.",
				Rationale:   "A truncated body read as complete is silent data corruption.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "reset-during-body", want: map[string]any{"status": 200, "read": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-030", Title: "Set-Cookie is readable with getSetCookie",
				Requirement: "getSetCookie() on a fetched response must list each Set-Cookie value the server sent.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "set-cookie", want: []string{"a=1", "b=2"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-031", Title: "byte bodies are sent",
				Requirement: "Uint8Array, ArrayBuffer and DataView bodies must be sent as their bytes.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "buffer-bodies", want: []string{"hi", "hi", "hi"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-032", Title: "URLSearchParams bodies are form-encoded",
				Requirement: "A URLSearchParams body must be sent form-encoded with Content-Type application/x-www-form-urlencoded;charset=UTF-8.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "form-body", globals: WithGlobals("URLSearchParams"), check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"data": "a=1&b=x+y", "form": map[string]any{"a": []string{"1"}, "b": []string{"x y"}}}))
				t.AwaitObservation("a form-encoded POST", ReadyWithin, func(o Observation) bool {
					return o.Header.Get("Content-Type") == "application/x-www-form-urlencoded;charset=UTF-8"
				})
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-033", Title: "a ReadableStream is sent as the body",
				Requirement: "A ReadableStream body with duplex \"half\" must be sent in full.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.1.0",
				Source:  srcFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "stream-body", globals: WithGlobals("ReadableStream", "TextEncoder"), want: map[string]any{"method": "POST", "data": "streamed"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-034", Title: "a fetched body decodes across chunk boundaries",
				Requirement: "text() of a fetched body whose bytes arrive one per chunk, including those of é, € and 😀 and a leading BOM, must decode to the text without the BOM.",
				Rationale:   "Network chunking is arbitrary; a decoder run per chunk, or a BOM check that looks at the first chunk only, corrupts text that happens to straddle packets.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcEncodingDecode,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "text-code-points", params: map[string]any{"path": "/conform/fetch-034"},
				setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-034", byteByByte("\uFEFFa\u00e9\u20ac\U0001F600b")) },
				want:  "U+0061 U+00E9 U+20AC U+1F600 U+0062"}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-035", Title: "json() of a fetched body with a BOM",
				Requirement: "json() of a fetched body that begins with a UTF-8 BOM, sent one byte per chunk, must parse the JSON after it.",
				Rationale:   "json() decodes as text() does; APIs behind Windows tooling send a BOM.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcEncodingDecode,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "json-of-path", params: map[string]any{"path": "/conform/fetch-035"},
				setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-035", byteByByte("\uFEFF{\"price\":\"10 €\"}")) },
				want:  map[string]any{"price": "10 €"}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-036", Title: "a fetched body cut inside a character",
				Requirement: "text() of a fetched body whose last bytes begin a multi-byte sequence must end in exactly one U+FFFD.",
				Rationale:   "The end of the stream flushes the decoder: the cut sequence is one replacement character, not one per byte, and it must not be dropped.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcEncodingDecode,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "text-code-points", params: map[string]any{"path": "/conform/fetch-036"},
				setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-036", byteByByte("a\xf0\x9f\x98")) },
				want:  "U+0061 U+FFFD"}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-037", Title: "20 redirects are followed",
				Requirement: "A chain of 20 redirects must be followed to its end: fetch resolves with the final response, redirected true.",
				Rationale:   "Fetch allows 20 redirects; a lower limit breaks services that chain through login, CDN and region redirects.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "redirect-chain", params: map[string]any{"hops": 20}, check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": "http://" + HostAllowed + "/get"}))
				Expect(t.Observations()).To(HaveLen(21), "20 redirects and the final request; mocknet saw:\n%s", t.Observations())
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-038", Title: "a 21st redirect rejects",
				Requirement: "When the 21st response of a chain is a redirect, fetch must reject with TypeError without requesting its target.",
				Rationale:   "The redirect limit bounds what one fetch can cost; an endless chain must end as a network error, not loop or follow one more.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch,
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "redirect-chain", params: map[string]any{"hops": 21}, check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				obs := t.Observations()
				// The positive control: the chain was followed up to the limit.
				Expect(obs).To(HaveLen(21), "the first request and 20 redirects followed, no 22nd request; mocknet saw:\n%s", obs)
				Expect(Filter(obs, PathIs("/relative-redirect/1"))).To(HaveLen(1), "the 21st response, /relative-redirect/1, must have been requested; mocknet saw:\n%s", obs)
				Expect(Filter(obs, PathIs("/get"))).To(BeEmpty(), "the target of the 21st redirect must not be requested")
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-039", Title: "an upload whose stream fails rejects and closes",
				Requirement: "When a ReadableStream request body errors after the server has received some of it, fetch must reject with TypeError (or the stream's error) and the connection must be closed without a complete request.",
				Rationale:   "A failed upload that resolves, or leaves the connection waiting for the rest of the body, reports success for data the server never got or leaks a socket.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  "WHATWG Fetch §4.5 HTTP-network fetch (transmit request body: a read error terminates the fetch)",
				Fixture: "fetch/upload-then-fail",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{Globals: WithGlobals("ReadableStream"), AllowedHosts: []string{HostAllowed}})
				task := vat.Start("fetch/upload-then-fail", map[string]any{"url": t.URL(HostAllowed, "/upload-sink")})
				// The positive control: the upload is under way, its first bytes at the server.
				t.AwaitObservation("the upload's first bytes at /upload-sink", ReadyWithin, func(o Observation) bool {
					return o.Path == "/upload-sink" && o.BodyBytes > 0
				})
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				failedAt := time.Now()
				Expect(vat.Eval("conformFailUpload()")).To(Returned())
				var name string
				task.AwaitValue(CloseDeadline, &name)
				Expect(name).To(BeElementOf("TypeError", "RangeError"), "fetch must reject with TypeError or the body's own error (a RangeError)")
				t.ExpectClosedWithin("the failed upload", failedAt, CloseDeadline, PathIs("/upload-sink"))
				// /upload-sink answers (with the byte count) only once it has read the body to
				// its end: an answer means the failed upload was sent as a complete request.
				for _, o := range Filter(t.Observations(), PathIs("/upload-sink")) {
					Expect(o.BytesSent).To(BeZero(), "the server must not see the end of the body of a failed upload: %s", DescribeObservation(o))
				}
			},
		},
		{
			Requirement: Requirement{
				ID: "FETCH-040", Title: "a vat keeps working after many fetches",
				Requirement: "After 40 fetches have completed in a vat, one more fetch must succeed, and terminating the vat must still close a response body it holds open.",
				Rationale:   "An implementation that keeps every finished call in its books, or reuses call identifiers, fails the long-lived vats a kernel runs, first at teardown.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.2.0",
				Source:  srcFetch + "; ocap-kernel terminateVat",
				Fixture: "fetch/many-then-hold",
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("fetch/many-then-hold", map[string]any{"count": 40, "url": t.URL(HostAllowed, "/bytes/32"), "holdURL": t.URL(HostAllowed, "/drip-forever")})
				vat.AwaitLog(ReadyMarker+" completed=40 after=200", 10*CloseDeadline)
				Expect(Filter(t.Observations(), PathIs("/bytes/32"))).To(HaveLen(41), "40 fetches and one more")
				t.ExpectOpen("the held body", 1, PathIs("/drip-forever"))
				vat.Terminate()
				t.ExpectClosedWithin("the held body", vat.TerminatedAt, CloseDeadline, PathIs("/drip-forever"))
			},
		},
		{
			Requirement: Requirement{
				ID: "FETCH-041", Title: "Authorization does not follow a redirect to another origin",
				Requirement: "An Authorization header the vat set must not be sent to the target of a redirect to another origin, even an allowed one.",
				Rationale:   "Credentials are for the origin they were given to; an open redirect on an allowed API must not hand a vat's token to another host.",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 13 (remove Authorization on a change of origin)",
				Fixture: fixtureFetchCases,
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, HostOther}})
				url := t.URL(HostAllowed, "/redirect-host/"+HostOther+"?status=302&path=/anything")
				res := vat.Run(fixtureFetchCases, map[string]any{"case": "with-authorization", "base": "http://" + HostAllowed, "url": url})
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostOther + "/anything"}))
				// The positive control: the first hop carried the header.
				first := t.AwaitObservation("the first hop at "+HostAllowed, ReadyWithin, PathIs("/redirect-host/"+HostOther))
				Expect(first.Header.Get("Authorization")).To(Equal("Bearer conform-secret"), "the vat's Authorization must reach the origin it named")
				second := t.AwaitObservation("the redirect target at "+HostOther, ReadyWithin, func(o Observation) bool { return o.Host == HostOther })
				Expect(second.Header.Values("Authorization")).To(BeEmpty(), "%s must not receive the vat's Authorization: %s", HostOther, DescribeObservation(second))
			},
		},
		{
			Requirement: Requirement{
				ID: "FETCH-042", Title: "Authorization follows a same-origin redirect",
				Requirement: "An Authorization header the vat set must still be sent after a redirect within the same origin.",
				Rationale:   "Dropping credentials on every redirect breaks authenticated APIs that redirect within themselves (trailing slashes, moved resources).",
				Profile:     ProfileCore, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 13",
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "with-authorization", params: map[string]any{"url": "http://" + HostAllowed + "/redirect-to?url=%2Fanything&status_code=302"}, check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostAllowed + "/anything"}))
				target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
				Expect(target.Header.Get("Authorization")).To(Equal("Bearer conform-secret"), "a same-origin redirect keeps Authorization: %s", DescribeObservation(target))
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-043", Title: "302 turns POST into GET",
				Requirement: "A POST answered with 302 must be followed with a GET without a body or Content-Type, keeping the other headers.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: redirectMethodCase(302, "POST", "GET", false),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-044", Title: "308 keeps method and body",
				Requirement: "A POST answered with 308 must be followed with a POST carrying the same body and Content-Type.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: redirectMethodCase(308, "POST", "POST", true),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-045", Title: "303 turns PUT into GET and drops body headers",
				Requirement: "A PUT answered with 303 must be followed with a GET without a body or Content-Type, keeping the other headers.",
				Rationale:   "303 means \"see the result elsewhere with GET\" for every method but GET and HEAD; a body header left on a GET describes a body that is not there.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: redirectMethodCase(303, "PUT", "GET", false),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-046", Title: "301 and 302 keep a PUT",
				Requirement: "A PUT answered with 301 must be followed with a PUT carrying the same body and Content-Type.",
				Rationale:   "Only POST becomes GET on 301 and 302; rewriting other methods loses the request.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: redirectMethodCase(301, "PUT", "PUT", true),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-047", Title: "307 keeps a PUT with its Content-Type",
				Requirement: "A PUT answered with 307 must be followed with a PUT carrying the same body and Content-Type.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: redirectMethodCase(307, "PUT", "PUT", true),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-048", Title: "303 keeps a GET with its headers",
				Requirement: "A GET answered with 303 must be followed with a GET that still carries the request's headers, Content-Type included.",
				Rationale:   "Only a request that changes to GET loses its body headers; stripping them from a GET removes what the caller set for no reason.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: runCase(fixtureFetchCases, semanticCase{name: "redirect-method", params: map[string]any{"status": 303, "method": "GET"}, check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"method": "GET", "data": ""}))
				target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
				Expect(target.Header.Get("Content-Type")).To(Equal("text/plain"), "a GET keeps its Content-Type across a 303: %s", DescribeObservation(target))
				Expect(target.Header.Get("X-Conform-Hop")).To(Equal("kept"), "a GET keeps its headers across a 303: %s", DescribeObservation(target))
			}}),
		},
		{
			Requirement: Requirement{
				ID: "FETCH-049", Title: "HEAD stays HEAD across redirects",
				Requirement: "A HEAD request answered with 301, 302 or 303 must be followed with a HEAD.",
				Rationale:   "Turning a HEAD into a GET downloads the body the caller asked not to download.",
				Profile:     ProfileFetchAPI, Area: AreaFetch, Since: "0.2.0",
				Source:  srcRedirectFetch + " step 12",
				Fixture: fixtureFetchCases,
			},
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				for _, status := range []int{301, 302, 303} {
					res := vat.Run(fixtureFetchCases, map[string]any{"case": "redirect-method", "base": "http://" + HostAllowed, "status": status, "method": "HEAD"})
					Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostAllowed + "/anything"}), "HEAD answered with %d", status)
				}
				targets := Filter(t.Observations(), PathIs("/anything"))
				Expect(targets).To(HaveLen(3), "one redirect target per status")
				for _, o := range targets {
					Expect(o.Method).To(Equal("HEAD"), "the redirect target must be requested with HEAD: %s", DescribeObservation(o))
				}
			},
		},
	}
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
