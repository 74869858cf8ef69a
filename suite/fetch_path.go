package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	"time"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// fetchPathSpecs are what happens on the way between fetch and the server: bodies decoded
// across chunks, the redirect limit, uploads that fail, a vat after many fetches, and what a
// redirect keeps or drops (credentials, method, body).
func fetchPathSpecs() []Spec {
	const portable = "Code written for the web platform's fetch must keep working in a vat."
	return Defaults{Area: AreaFetch, Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcRedirectFetch + " step 12", Rationale: portable, Fixture: fixtureFetchCases}.Specs(
		Row{ID: "FETCH-034", Title: "a fetched body decodes across chunk boundaries",
			Requirement: "text() of a fetched body whose bytes arrive one per chunk, including those of é, € and 😀 and a leading BOM, must decode to the text without the BOM.",
			Source:      srcEncodingDecode,
			Rationale:   "Network chunking is arbitrary; a decoder run per chunk, or a BOM check that looks at the first chunk only, corrupts text that happens to straddle packets.",
			Run:         Case{Params: map[string]any{"path": "/conform/fetch-034"}, Setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-034", byteByByte("\uFEFFa\u00e9\u20ac\U0001F600b")) }, Want: "U+0061 U+00E9 U+20AC U+1F600 U+0062"}.Run},
		Row{ID: "FETCH-035", Title: "json() of a fetched body with a BOM",
			Requirement: "json() of a fetched body that begins with a UTF-8 BOM, sent one byte per chunk, must parse the JSON after it.",
			Source:      srcEncodingDecode,
			Rationale:   "json() decodes as text() does; APIs behind Windows tooling send a BOM.",
			Run:         Case{Params: map[string]any{"path": "/conform/fetch-035"}, Setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-035", byteByByte("\uFEFF{\"price\":\"10 €\"}")) }, Want: map[string]any{"price": "10 €"}}.Run},
		Row{ID: "FETCH-036", Title: "a fetched body cut inside a character",
			Requirement: "text() of a fetched body whose last bytes begin a multi-byte sequence must end in exactly one U+FFFD.",
			Source:      srcEncodingDecode,
			Rationale:   "The end of the stream flushes the decoder: the cut sequence is one replacement character, not one per byte, and it must not be dropped.",
			Run:         Case{Params: map[string]any{"path": "/conform/fetch-036"}, Setup: func(t *T) { t.Handle(HostAllowed, "/conform/fetch-036", byteByByte("a\xf0\x9f\x98")) }, Want: "U+0061 U+FFFD"}.Run},
		Row{ID: "FETCH-037", Title: "20 redirects are followed",
			Requirement: "A chain of 20 redirects must be followed to its end: fetch resolves with the final response, redirected true.",
			Source:      srcRedirectFetch,
			Rationale:   "Fetch allows 20 redirects; a lower limit breaks services that chain through login, CDN and region redirects.",
			Run: Case{Params: map[string]any{"hops": 20}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": "http://" + HostAllowed + "/get"}))
				Expect(t.Observations()).To(HaveLen(21), "20 redirects and the final request; mocknet saw:\n%s", t.Observations())
			}}.Run},
		Row{ID: "FETCH-038", Title: "a 21st redirect rejects",
			Requirement: "When the 21st response of a chain is a redirect, fetch must reject with TypeError without requesting its target.",
			Source:      srcRedirectFetch,
			Rationale:   "The redirect limit bounds what one fetch can cost; an endless chain must end as a network error, not loop or follow one more.",
			Run: Case{Params: map[string]any{"hops": 21}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				obs := t.Observations()
				// The positive control: the chain was followed up to the limit.
				Expect(obs).To(HaveLen(21), "the first request and 20 redirects followed, no 22nd request; mocknet saw:\n%s", obs)
				Expect(Filter(obs, PathIs("/relative-redirect/1"))).To(HaveLen(1), "the 21st response, /relative-redirect/1, must have been requested; mocknet saw:\n%s", obs)
				Expect(Filter(obs, PathIs("/get"))).To(BeEmpty(), "the target of the 21st redirect must not be requested")
			}}.Run},
		Row{ID: "FETCH-039", Title: "an upload whose stream fails rejects and closes",
			Requirement: "When a ReadableStream request body errors after the server has received some of it, fetch must reject with TypeError (or the stream's error) and the connection must be closed without a complete request.",
			Source:      "WHATWG Fetch §4.5 HTTP-network fetch (transmit request body: a read error terminates the fetch)",
			Rationale:   "A failed upload that resolves, or leaves the connection waiting for the rest of the body, reports success for data the server never got or leaks a socket.",
			Fixture:     "fetch/upload-then-fail",
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
			}},
		Row{ID: "FETCH-040", Title: "a vat keeps working after many fetches",
			Requirement: "After 40 fetches have completed in a vat, one more fetch must succeed, and terminating the vat must still close a response body it holds open.",
			Profile:     ProfileCore,
			Source:      srcFetch + "; ocap-kernel terminateVat",
			Rationale:   "An implementation that keeps every finished call in its books, or reuses call identifiers, fails the long-lived vats a kernel runs, first at teardown.",
			Fixture:     "fetch/many-then-hold",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start("fetch/many-then-hold", map[string]any{"count": 40, "url": t.URL(HostAllowed, "/bytes/32"), "holdURL": t.URL(HostAllowed, "/drip-forever")})
				vat.AwaitLog(ReadyMarker+" completed=40 after=200", 10*CloseDeadline)
				Expect(Filter(t.Observations(), PathIs("/bytes/32"))).To(HaveLen(41), "40 fetches and one more")
				t.ExpectOpen("the held body", 1, PathIs("/drip-forever"))
				vat.Terminate()
				t.ExpectClosedWithin("the held body", vat.TerminatedAt, CloseDeadline, PathIs("/drip-forever"))
			}},
		Row{ID: "FETCH-041", Title: "Authorization does not follow a redirect to another origin",
			Requirement: "An Authorization header the vat set must not be sent to the target of a redirect to another origin, even an allowed one.",
			Profile:     ProfileCore,
			Source:      srcRedirectFetch + " step 13 (remove Authorization on a change of origin)",
			Rationale:   "Credentials are for the origin they were given to; an open redirect on an allowed API must not hand a vat's token to another host.",
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
			}},
		Row{ID: "FETCH-042", Title: "Authorization follows a same-origin redirect",
			Requirement: "An Authorization header the vat set must still be sent after a redirect within the same origin.",
			Profile:     ProfileCore,
			Source:      srcRedirectFetch + " step 13",
			Rationale:   "Dropping credentials on every redirect breaks authenticated APIs that redirect within themselves (trailing slashes, moved resources).",
			Run: Case{Params: map[string]any{"url": "http://" + HostAllowed + "/redirect-to?url=%2Fanything&status_code=302"}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostAllowed + "/anything"}))
				target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
				Expect(target.Header.Get("Authorization")).To(Equal("Bearer conform-secret"), "a same-origin redirect keeps Authorization: %s", DescribeObservation(target))
			}}.Run},
		Row{ID: "FETCH-043", Title: "302 turns POST into GET",
			Requirement: "A POST answered with 302 must be followed with a GET without a body or Content-Type, keeping the other headers.",
			Run:         redirectMethodCase(302, "POST", "GET", false)},
		Row{ID: "FETCH-044", Title: "308 keeps method and body",
			Requirement: "A POST answered with 308 must be followed with a POST carrying the same body and Content-Type.",
			Run:         redirectMethodCase(308, "POST", "POST", true)},
		Row{ID: "FETCH-045", Title: "303 turns PUT into GET and drops body headers",
			Requirement: "A PUT answered with 303 must be followed with a GET without a body or Content-Type, keeping the other headers.",
			Rationale:   "303 means \"see the result elsewhere with GET\" for every method but GET and HEAD; a body header left on a GET describes a body that is not there.",
			Run:         redirectMethodCase(303, "PUT", "GET", false)},
		Row{ID: "FETCH-046", Title: "301 and 302 keep a PUT",
			Requirement: "A PUT answered with 301 must be followed with a PUT carrying the same body and Content-Type.",
			Rationale:   "Only POST becomes GET on 301 and 302; rewriting other methods loses the request.",
			Run:         redirectMethodCase(301, "PUT", "PUT", true)},
		Row{ID: "FETCH-047", Title: "307 keeps a PUT with its Content-Type",
			Requirement: "A PUT answered with 307 must be followed with a PUT carrying the same body and Content-Type.",
			Run:         redirectMethodCase(307, "PUT", "PUT", true)},
		Row{ID: "FETCH-048", Title: "303 keeps a GET with its headers",
			Requirement: "A GET answered with 303 must be followed with a GET that still carries the request's headers, Content-Type included.",
			Rationale:   "Only a request that changes to GET loses its body headers; stripping them from a GET removes what the caller set for no reason.",
			Run: Case{Params: map[string]any{"status": 303, "method": "GET"}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"method": "GET", "data": ""}))
				target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
				Expect(target.Header.Get("Content-Type")).To(Equal("text/plain"), "a GET keeps its Content-Type across a 303: %s", DescribeObservation(target))
				Expect(target.Header.Get("X-Conform-Hop")).To(Equal("kept"), "a GET keeps its headers across a 303: %s", DescribeObservation(target))
			}}.Run},
		Row{ID: "FETCH-049", Title: "HEAD stays HEAD across redirects",
			Requirement: "A HEAD request answered with 301, 302 or 303 must be followed with a HEAD.",
			Rationale:   "Turning a HEAD into a GET downloads the body the caller asked not to download.",
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
			}},
	)
}
