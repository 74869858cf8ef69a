package suite

import (
	"fmt"
	"net/http"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// fetch specs for classes conform fuzz found: the Fetch Standard's bad ports, Response.url
// without its fragment, and header values as the bytes they stand for, on the way out and on
// the way in (the reference sent and read them as UTF-8).
func fetchFuzzedSpecs() []Spec {
	latin := "caf\u00e9"
	badPorts := RefusedURLs{Control: "http://" + HostAllowed + ":8080/anything"}
	for _, port := range []string{"0", "25"} {
		badPorts.Refused = append(badPorts.Refused, "http://"+HostAllowed+":"+port+"/conform/fetch-057")
	}
	return Defaults{Area: AreaFetch, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "fetch/cases",
		Source:    "WHATWG Fetch §5.6 fetch() and §4 Fetching",
		Rationale: "Code written for the web platform must see the same requests and responses through an endowment."}.Specs(
		Row{ID: "FETCH-057", Title: "bad ports are refused", Profile: ProfileStrict,
			Source:      "security argument (strict): WHATWG Fetch §4.6 HTTP-network fetch and the bad port list (port blocking): an allowlist of hosts ignores ports, so it lets a vat speak HTTP to any service of an allowed host unless fetch refuses these",
			Rationale:   "A request to an allowed host's SMTP or IRC port is a way to talk to a service that is not HTTP; every browser refuses them.",
			Requirement: fmt.Sprintf("fetch of %s (bad ports) must reject without any contact, while %s reaches allowed.test.", Series("and", "%s", badPorts.Refused), badPorts.Control),
			Run:         badPorts.Run},
		Row{ID: "FETCH-058", Title: "Response.url has no fragment",
			Source:      "WHATWG Fetch §5.5 Response.url (serialized with exclude fragment set to true)",
			Requirement: "fetch(\"http://allowed.test/anything#conform-fragment\") must resolve with url \"http://allowed.test/anything\".",
			Run:         Returns("http://allowed.test/anything")},
		Row{ID: "FETCH-059", Title: "request header values are sent as bytes",
			Source:      "WHATWG Fetch §5.2 (a header value is a byte sequence; a Headers value is its isomorphic decoding)",
			Requirement: fmt.Sprintf("A request header %q set by the vat must reach mocknet as the bytes 63 61 66 E9 (one byte per code point), not as UTF-8.", latin),
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(200))
				o := t.AwaitObservation("GET /anything on allowed.test", ReadyWithin, PathIs("/anything"))
				Expect(fmt.Sprintf("% X", o.Header.Get("X-Conform"))).To(Equal("63 61 66 E9"), "the bytes of X-Conform as mocknet received them")
			}}.Run},
		Row{ID: "FETCH-060", Title: "response header values are read as bytes",
			Source:      "WHATWG Fetch §5.2 (a Headers value is the isomorphic decoding of the bytes received)",
			Requirement: "A response header whose value is the bytes 63 61 66 C3 A9 must read back as five code points U+0063 U+0061 U+0066 U+00C3 U+00A9, one per byte, not decoded as UTF-8, and one whose value is the byte 80 alone as U+0080.",
			Run: Case{Params: map[string]any{"path": "/conform/fetch-060"},
				Setup: func(t *T) {
					t.Handle(HostAllowed, "/conform/fetch-060", func(w http.ResponseWriter, _ *http.Request) {
						w.Header()["X-Conform"], w.Header()["X-Conform-Lone"] = []string{"caf\xc3\xa9"}, []string{"\x80"}
						w.WriteHeader(http.StatusOK)
					})
				},
				Want: map[string]any{"value": "U+0063 U+0061 U+0066 U+00C3 U+00A9", "lone": "U+0080"}}.Run},
		Row{ID: "FETCH-061", Title: "a Location path with a colon is a path", Fixture: FixtureFetchStatus,
			Source:      "WHATWG URL §4.4 (scheme start state: a scheme starts with an ASCII letter and has only letters, digits, +, - and .; otherwise the input is a relative reference), WHATWG Fetch §4.4 HTTP-redirect fetch",
			Requirement: "A redirect whose Location is \"x/y:z\" or \"1x:/anything\" (no scheme: a slash comes before the colon, or it starts with a digit), or \"http:y\" (the redirecting URL's own special scheme without slashes: a relative reference) must be followed to that path relative to the redirecting URL on allowed.test, and one whose Location is \"a9+b.c-d:/anything\" (a scheme fetch does not speak) must reject with nothing more sent.",
			Run:         LocationPaths{Followed: map[string]string{"x/y:z": "x/y:z", "1x:/anything": "1x:/anything", "http:y": "y"}, Refused: []string{"a9+b.c-d:/anything"}}.Run},
		Row{ID: "FETCH-062", Title: "redirect: manual of a response that is no redirect",
			Source:      "WHATWG Fetch §4.3 HTTP fetch (only a redirect status is turned into an opaque-redirect response)",
			Requirement: "fetch of allowed.test/anything with redirect \"manual\" must resolve with the response itself: status 200, not an opaque-redirect response.",
			Run:         Returns(map[string]any{"status": 200, "opaqueRedirect": false})},
	)
}
