package suite

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// fetchPathSpecs are what happens on the way between fetch and the server: bodies decoded
// across chunks, the redirect limit, uploads that fail, a vat after many fetches, and what a
// redirect keeps or drops (credentials, method, body).
func fetchPathSpecs() []Spec {
	const (
		srcRedirect = "WHATWG Fetch §4.4 HTTP-redirect fetch"
		srcDecode   = "WHATWG Encoding §4.1 UTF-8 decode and §9.1.1 UTF-8 decoder; WHATWG Fetch §5.3 Body mixin text()"
		srcFetching = "WHATWG Fetch §5.6 fetch() and §4 Fetching"
		// redirectLimit is how many redirects one fetch follows; one more is a network error.
		redirectLimit = 20
	)
	d := Defaults{Area: AreaFetch, Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcRedirect + " step 12",
		Rationale: "Code written for the web platform's fetch must keep working in a vat.", Fixture: "fetch/cases"}
	var redirects []Row
	for _, m := range []fetchRedirectMethod{
		{Row: Row{ID: "FETCH-012", Title: "303 turns POST into GET", Profile: ProfileCore, Since: "0.1.0", Source: srcFetching}, Status: 303, Method: "POST", Then: "GET"},
		{Row: Row{ID: "FETCH-013", Title: "307 keeps method and body", Profile: ProfileCore, Since: "0.1.0", Source: srcFetching}, Status: 307, Method: "POST", Then: "POST"},
		{Row: Row{ID: "FETCH-014", Title: "301 turns POST into GET", Since: "0.1.0", Source: srcFetching}, Status: 301, Method: "POST", Then: "GET"},
		{Row: Row{ID: "FETCH-043", Title: "302 turns POST into GET"}, Status: 302, Method: "POST", Then: "GET", Seen: true},
		{Row: Row{ID: "FETCH-044", Title: "308 keeps method and body"}, Status: 308, Method: "POST", Then: "POST", Seen: true},
		{Row: Row{ID: "FETCH-045", Title: "303 turns PUT into GET and drops body headers",
			Rationale: "303 means \"see the result elsewhere with GET\" for every method but GET and HEAD; a body header left on a GET describes a body that is not there."},
			Status: 303, Method: "PUT", Then: "GET", Seen: true},
		{Row: Row{ID: "FETCH-046", Title: "301 and 302 keep a PUT", Rationale: "Only POST becomes GET on 301 and 302; rewriting other methods loses the request."},
			Status: 301, Method: "PUT", Then: "PUT", Seen: true},
		{Row: Row{ID: "FETCH-047", Title: "307 keeps a PUT with its Content-Type"}, Status: 307, Method: "PUT", Then: "PUT", Seen: true},
		{Row: Row{ID: "FETCH-048", Title: "303 keeps a GET with its headers",
			Rationale: "Only a request that changes to GET loses its body headers; stripping them from a GET removes what the caller set for no reason."},
			Status: 303, Method: "GET", Then: "GET", Seen: true},
	} {
		r := m.Row
		r.Requirement, r.Run = m.requirement(), m.run
		redirects = append(redirects, r)
	}
	heads, fetches := [...]int{301, 302, 303}, 40
	return append(d.Specs(redirects...), d.Specs(
		Row{ID: "FETCH-034", Title: "a fetched body decodes across chunk boundaries",
			Requirement: "text() of a fetched body whose bytes arrive one per chunk, including those of é, € and 😀 and a leading BOM, must decode to the text without the BOM.",
			Source:      srcDecode,
			Rationale:   "Network chunking is arbitrary; a decoder run per chunk, or a BOM check that looks at the first chunk only, corrupts text that happens to straddle packets.",
			Run:         fetchChunked{Body: "\uFEFFa\u00e9\u20ac\U0001F600b", Want: "U+0061 U+00E9 U+20AC U+1F600 U+0062"}.Run},
		Row{ID: "FETCH-035", Title: "json() of a fetched body with a BOM",
			Requirement: "json() of a fetched body that begins with a UTF-8 BOM, sent one byte per chunk, must parse the JSON after it.",
			Source:      srcDecode,
			Rationale:   "json() decodes as text() does; APIs behind Windows tooling send a BOM.",
			Run:         fetchChunked{Body: "\uFEFF{\"price\":\"10 €\"}", Want: map[string]any{"price": "10 €"}}.Run},
		Row{ID: "FETCH-036", Title: "a fetched body cut inside a character",
			Requirement: "text() of a fetched body whose last bytes begin a multi-byte sequence must end in exactly one U+FFFD.",
			Source:      srcDecode,
			Rationale:   "The end of the stream flushes the decoder: the cut sequence is one replacement character, not one per byte, and it must not be dropped.",
			Run:         fetchChunked{Body: "a\xf0\x9f\x98", Want: "U+0061 U+FFFD"}.Run},
		Row{ID: "FETCH-037", Title: fmt.Sprintf("%d redirects are followed", redirectLimit),
			Requirement: fmt.Sprintf("A chain of %d redirects must be followed to its end: fetch resolves with the final response, redirected true.", redirectLimit),
			Source:      srcRedirect,
			Rationale:   fmt.Sprintf("Fetch allows %d redirects; a lower limit breaks services that chain through login, CDN and region redirects.", redirectLimit),
			Run: Case{Params: map[string]any{"hops": redirectLimit}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "ok": true, "statusText": "OK", "redirected": true, "url": "http://" + HostAllowed + "/get"}))
				Expect(t.Observations()).To(HaveLen(redirectLimit+1), "the redirects and the final request; mocknet saw:\n%s", t.Observations())
			}}.Run},
		Row{ID: "FETCH-038", Title: fmt.Sprintf("a %dst redirect rejects", redirectLimit+1),
			Requirement: fmt.Sprintf("When the %dst response of a chain is a redirect, fetch must reject with TypeError without requesting its target.", redirectLimit+1),
			Source:      srcRedirect,
			Rationale:   "The redirect limit bounds what one fetch can cost; an endless chain must end as a network error, not loop or follow one more.",
			Run: Case{Params: map[string]any{"hops": redirectLimit + 1}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON("TypeError"))
				obs := t.Observations()
				// The positive control: the chain was followed up to the limit.
				Expect(obs).To(HaveLen(redirectLimit+1), "the first request and %d redirects followed, no more; mocknet saw:\n%s", redirectLimit, obs)
				Expect(Filter(obs, PathIs("/relative-redirect/1"))).To(HaveLen(1), "the last response, /relative-redirect/1, must have been requested; mocknet saw:\n%s", obs)
				Expect(Filter(obs, PathIs("/get"))).To(BeEmpty(), "the target of the redirect over the limit must not be requested")
			}}.Run},
		Row{ID: "FETCH-039", Title: "an upload whose stream fails rejects and closes",
			Requirement: "When a ReadableStream request body errors after the server has received some of it, fetch must reject with TypeError (or the stream's error) and the connection must be closed without a complete request.",
			Source:      "WHATWG Fetch §4.5 HTTP-network fetch (transmit request body: a read error terminates the fetch)",
			Rationale:   "A failed upload that resolves, or leaves the connection waiting for the rest of the body, reports success for data the server never got or leaks a socket.",
			Fixture:     "fetch/upload-then-fail",
			Globals:     WithGlobals("ReadableStream"),
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, "/upload-sink")})
				// The positive control: the upload is under way, its first bytes at the server.
				t.AwaitObservation("the upload's first bytes at /upload-sink", ReadyWithin, func(o Observation) bool { return o.Path == "/upload-sink" && o.BodyBytes > 0 })
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
			Requirement: fmt.Sprintf("After %d fetches have completed in a vat, one more fetch must succeed, and terminating the vat must still close a response body it holds open.", fetches),
			Profile:     ProfileCore,
			Source:      srcFetching + "; ocap-kernel terminateVat",
			Rationale:   "An implementation that keeps every finished call in its books, or reuses call identifiers, fails the long-lived vats a kernel runs, first at teardown.",
			Fixture:     "fetch/many-then-hold",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				vat.Start(t.Fixture(), map[string]any{"count": fetches, "url": t.URL(HostAllowed, "/bytes/32"), "holdURL": t.URL(HostAllowed, "/drip-forever")})
				vat.AwaitLog(fmt.Sprintf("%s completed=%d after=200", ReadyMarker, fetches), 10*CloseDeadline)
				Expect(Filter(t.Observations(), PathIs("/bytes/32"))).To(HaveLen(fetches+1), "the fetches and one more")
				t.ExpectOpen("the held body", 1, PathIs("/drip-forever"))
				vat.Terminate()
				t.ExpectClosedWithin("the held body", vat.TerminatedAt, CloseDeadline, PathIs("/drip-forever"))
			}},
		Row{ID: "FETCH-041", Title: "Authorization does not follow a redirect to another origin",
			Requirement: "An Authorization header the vat set must not be sent to the target of a redirect to another origin, even an allowed one.",
			Profile:     ProfileCore,
			Source:      srcRedirect + " step 13 (remove Authorization on a change of origin)",
			Rationale:   "Credentials are for the origin they were given to; an open redirect on an allowed API must not hand a vat's token to another host.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, HostOther}})
				url := t.URL(HostAllowed, "/redirect-host/"+HostOther+"?status=302&path=/anything")
				res := vat.Run(t.Fixture(), map[string]any{"case": t.ID(), "base": "http://" + HostAllowed, "url": url})
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
			Source:      srcRedirect + " step 13",
			Rationale:   "Dropping credentials on every redirect breaks authenticated APIs that redirect within themselves (trailing slashes, moved resources).",
			Run: Case{Params: map[string]any{"url": "http://" + HostAllowed + "/redirect-to?url=%2Fanything&status_code=302"}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostAllowed + "/anything"}))
				target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
				Expect(target.Header.Get("Authorization")).To(Equal("Bearer conform-secret"), "a same-origin redirect keeps Authorization: %s", DescribeObservation(target))
			}}.Run},
		Row{ID: "FETCH-049", Title: "HEAD stays HEAD across redirects",
			Requirement: fmt.Sprintf("A HEAD request answered with %d, %d or %d must be followed with a HEAD.", heads[0], heads[1], heads[2]),
			Rationale:   "Turning a HEAD into a GET downloads the body the caller asked not to download.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				for _, status := range heads {
					res := vat.Run(t.Fixture(), map[string]any{"case": t.ID(), "base": "http://" + HostAllowed, "status": status, "method": "HEAD"})
					Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "url": "http://" + HostAllowed + "/anything"}), "HEAD answered with %d", status)
				}
				targets := Filter(t.Observations(), PathIs("/anything"))
				Expect(targets).To(HaveLen(len(heads)), "one redirect target per status")
				for _, o := range targets {
					Expect(o.Method).To(Equal("HEAD"), "the redirect target must be requested with HEAD: %s", DescribeObservation(o))
				}
			}},
	)...)
}

// fetchChunked is the run of a spec whose case reads Body, served from a path of the spec's
// own as text/plain one byte per chunk, so that the bytes of each character arrive apart: the
// case must return Want.
type fetchChunked struct {
	Body string
	Want any
}

func (c fetchChunked) Run(t *T) {
	path := "/conform/" + strings.ToLower(t.ID())
	t.Handle(HostAllowed, path, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, b := range []byte(c.Body) {
			_, _ = w.Write([]byte{b})
			_ = http.NewResponseController(w).Flush()
		}
	})
	Case{Params: map[string]any{"path": path}, Want: c.Want}.Run(t)
}

// fetchRedirectMethod is a spec on how a redirect with Status rewrites a request with Method,
// sent with Content-Type text/plain, X-Conform-Hop and (unless a GET) the body "payload": the
// redirect target must be requested with Then, with the body only when the method is kept.
type fetchRedirectMethod struct {
	Row
	Status       int
	Method, Then string
	// Seen also checks what mocknet saw: the body and its Content-Type reach the target exactly
	// when the method is kept, and the other header always does.
	Seen bool
}

func (m fetchRedirectMethod) requirement() string {
	head := fmt.Sprintf("A %s answered with %d must be followed with", m.Method, m.Status)
	switch {
	case m.Then != m.Method && m.Seen:
		return fmt.Sprintf("%s a %s without a body or Content-Type, keeping the other headers.", head, m.Then)
	case m.Then != m.Method:
		return fmt.Sprintf("%s a %s without a body.", head, m.Then)
	case !m.Seen:
		return head + " the same method and body."
	case m.Method == http.MethodGet:
		return fmt.Sprintf("%s a %s that still carries the request's headers, Content-Type included.", head, m.Then)
	}
	return fmt.Sprintf("%s a %s carrying the same body and Content-Type.", head, m.Then)
}

func (m fetchRedirectMethod) run(t *T) {
	kept, data, contentType := m.Then == m.Method, "", []string(nil)
	if kept {
		contentType = []string{"text/plain"}
		if m.Method != http.MethodGet {
			data = "payload"
		}
	}
	Case{Params: map[string]any{"status": m.Status, "method": m.Method}, Check: func(t *T, res Result) {
		Expect(res).To(ReturnedJSON(map[string]any{"method": m.Then, "data": data}))
		if !m.Seen {
			return
		}
		// The positive control: the first request carried the headers the target is checked for.
		first := t.AwaitObservation("the first request, answered with a redirect", ReadyWithin, PathIs("/redirect-to"))
		Expect([]string{first.Method, first.Header.Get("Content-Type"), first.Header.Get("X-Conform-Hop")}).To(Equal([]string{m.Method, "text/plain", "kept"}),
			"the first request's method, Content-Type and X-Conform-Hop: %s", DescribeObservation(first))
		target := t.AwaitObservation("the redirect target /anything", ReadyWithin, PathIs("/anything"))
		Expect(map[string]any{"method": target.Method, "body": string(target.BodyPrefix), "Content-Type": target.Header.Values("Content-Type"), "X-Conform-Hop": target.Header.Get("X-Conform-Hop")}).
			To(Equal(map[string]any{"method": m.Then, "body": data, "Content-Type": contentType, "X-Conform-Hop": "kept"}),
				"the redirect target: the body and its Content-Type go only with a kept method, other headers always: %s", DescribeObservation(target))
	}}.Run(t)
}
