package suite

import (
	"fmt"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcRequest     = "WHATWG Fetch §5.4 Request class"
	srcURLParsing  = "WHATWG URL §4.4 URL parsing (basic URL parser); WHATWG Fetch §5.4 new Request step 5"
	srcHostParsing = "WHATWG URL §3.5 host parsing (IPv4, IPv6, forbidden domain code points); WHATWG Fetch §5.4 new Request step 5"
	urlRationale   = "Request.url is what the vat, the allowlist and the network agree the request is for; it must be the URL Standard's parse, as on every web platform."
)

// The URL-parsing specs (REQ-015 on) are tables: each URL maps to the url of new Request(url)
// or to the name of the error it must throw, and ReturnsEach hands the URLs to the case.
func requestSpecs() []Spec {
	const portable = "Requests built in a vat must mean what they mean on the web platform, or the vat sends something other than what its code says."
	upperCased := []string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}
	unparsable := []string{"http://4294967296/", "http://a<b/", "http://[::1/", "http://0x100.0.0.1/"}
	rejected := map[string]any{}
	for _, u := range unparsable {
		rejected[u] = "TypeError"
	}
	return Defaults{Area: AreaRequest, Profile: ProfileCore, Since: "0.1.0", Source: srcRequest, Rationale: portable, Fixture: "request/cases", Globals: NetworkGlobals()}.Specs(
		Row{ID: "REQ-001", Title: "defaults",
			Requirement: "new Request(url) must have method GET, the serialised URL, redirect \"follow\", no body, bodyUsed false and no headers.",
			Run: Returns(map[string]any{
				"method": "GET", "url": "http://allowed.test/defaults", "redirect": "follow", "bodyUsed": false, "body": nil, "headers": []any{},
			})},
		Row{ID: "REQ-002", Title: "URL is parsed and serialised",
			Requirement: "Request.url must be the WHATWG serialisation of the parsed input: lower-case scheme and host, default port dropped, dot segments resolved, fragment kept.",
			Rationale:   "The URL a vat reads back is the URL the allowlist and the network see.",
			Run:         Returns("http://allowed.test/b?q=1#frag")},
		Row{ID: "REQ-003", Title: "standard methods are upper-cased",
			Requirement: Series("and", "%s", upperCased) + " must be upper-cased when given in any case; other methods must be kept as given.",
			Run:         Returns(append(upperCased, "patch", "Custom"))},
		Row{ID: "REQ-004", Title: "forbidden and invalid methods throw",
			Requirement: "CONNECT, TRACE and TRACK (in any case), and methods that are not HTTP tokens, must throw TypeError.",
			Rationale:   "CONNECT and TRACE turn a request into a tunnel or a reflector; they have no place in a vat's fetch.",
			Run:         Returns([]string{"TypeError", "TypeError", "TypeError", "TypeError", "TypeError"})},
		Row{ID: "REQ-005", Title: "GET and HEAD cannot have a body",
			Requirement: "A Request with method GET or HEAD and a body must throw TypeError.",
			Run:         Returns([]string{"TypeError", "TypeError"})},
		Row{ID: "REQ-006", Title: "relative URLs throw",
			Requirement: "new Request with a relative URL must throw TypeError: a vat has no base URL.",
			Rationale:   "A vat has no document; resolving against some implicit base would send requests nobody named.",
			Run:         Returns("TypeError")},
		Row{ID: "REQ-007", Title: "URLs with credentials throw",
			Requirement: "new Request with a URL that includes a username or password must throw TypeError.",
			Rationale:   "Credentials in URLs leak into logs and confuse host checks.",
			Run:         Returns("TypeError")},
		Row{ID: "REQ-008", Title: "clone copies the body",
			Requirement: "Request.clone() must give an independent body, so original and clone read the same bytes; clone() of a used request must throw TypeError.",
			Run:         Returns(map[string]any{"texts": []string{"abc", "abc"}, "cloneAfterUse": "TypeError"})},
		Row{ID: "REQ-009", Title: "a body is read once",
			Requirement: "After a Request's body has been read, bodyUsed must be true and reading again must reject with TypeError.",
			Run:         Returns(map[string]any{"before": false, "text": "abc", "after": true, "again": "TypeError"})},
		Row{ID: "REQ-010", Title: "a Request can be rebuilt with an init",
			Requirement: "new Request(request, init) must take method and headers from init, and keep the URL and body of request.",
			Run:         Returns(map[string]any{"method": "PUT", "url": "http://allowed.test/a", "headers": [][]string{{"x-b", "2"}}, "text": "abc"})},
		Row{ID: "REQ-011", Title: "body types set Content-Type", Profile: ProfileFetchAPI, Globals: WithGlobals("URLSearchParams"),
			Requirement: "A string body must default Content-Type to text/plain;charset=UTF-8 and URLSearchParams to application/x-www-form-urlencoded;charset=UTF-8; byte bodies set none, and an explicit Content-Type wins.",
			Run:         Returns([]any{"text/plain;charset=UTF-8", "application/x-www-form-urlencoded;charset=UTF-8", nil, "application/x-custom"})},
		Row{ID: "REQ-012", Title: "json() parses the body",
			Requirement: "Request.json() must parse the body as JSON.",
			Run:         Returns(map[string]any{"a": []int{1, 2}})},
		Row{ID: "REQ-013", Title: "unknown redirect mode throws",
			Requirement: "A redirect mode other than follow, error or manual must throw TypeError.",
			Run:         Returns("TypeError")},
		Row{ID: "REQ-014", Title: "byte bodies are copied", Profile: ProfileFetchAPI,
			Requirement: "A Request made from a Uint8Array must keep the bytes it had at construction, whatever happens to the array afterwards.",
			Rationale:   "A body that changes after the request was made sends bytes nobody checked.",
			Run:         Returns([]int{1, 2, 3})},
		Row{ID: "REQ-015", Title: "IPv4 hosts in number forms", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcHostParsing, Rationale: urlRationale,
			Requirement: "new Request(url).url must serialise an IPv4 host written as one number, in hex, in octal or with fewer than four parts as dotted decimal, up to 4294967295 (255.255.255.255).",
			Run: ReturnsEach("urls", map[string]string{
				"http://4294967295/": "http://255.255.255.255/", "http://0xffffffff/": "http://255.255.255.255/",
				"http://0x7f.1/": "http://127.0.0.1/", "http://0177.0.0.1/": "http://127.0.0.1/", "http://1.2.65535/": "http://1.2.255.255/",
				"http://1.16777215/": "http://1.255.255.255/", "http://1.2.3.4./": "http://1.2.3.4/", "http://256/": "http://0.0.1.0/",
				"http://0x/": "http://0.0.0.0/", "http://0XFF.0.0.1/": "http://255.0.0.1/", "http://000000001.0/": "http://1.0.0.0/",
			})},
		Row{ID: "REQ-016", Title: "IPv4 hosts out of range throw", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcHostParsing,
			Requirement: "new Request(url) must throw TypeError when a host ending in a number is not a valid IPv4 address: a value above 4294967295, a part above its range (0x100.0.0.1, 1.2.3.256, 1.2.65536), five parts, or an invalid octal part.",
			Rationale:   urlRationale + " An out-of-range number wrapped modulo 2^32 names another machine.",
			Run: ReturnsEach("urls", map[string]string{
				"http://4294967296/": "TypeError", "http://0x100000000/": "TypeError", "http://0x100.0.0.1/": "TypeError", "http://256.0.0.1/": "TypeError",
				"http://1.2.3.256/": "TypeError", "http://1.2.65536/": "TypeError", "http://1.16777216/": "TypeError", "http://1.2.3.4.5/": "TypeError",
				"http://09.1/": "TypeError", "http://1.0x/": "http://1.0.0.0/",
			})},
		Row{ID: "REQ-017", Title: "forbidden host code points throw", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcHostParsing,
			Requirement: "new Request(url) must throw TypeError for a host containing a forbidden domain code point (< > ^ | space [ and the percent-encoded NUL, % and <), and accept - and _.",
			Rationale:   urlRationale + " A host that parses differently here and in the network layer is how allowlists are bypassed.",
			Run: ReturnsEach("urls", map[string]string{
				"http://a<b/": "TypeError", "http://a>b/": "TypeError", "http://a^b/": "TypeError", "http://a|b/": "TypeError", "http://a b/": "TypeError",
				"http://a[b/": "TypeError", "http://a%00b/": "TypeError", "http://a%25b/": "TypeError", "http://a%3Cb/": "TypeError",
				"http://a-b_c.test/": "http://a-b_c.test/", "http://a%41b.test/": "http://aab.test/", "http://EXAMPLE.test./": "http://example.test./",
			})},
		Row{ID: "REQ-018", Title: "scheme parsing", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcURLParsing, Rationale: urlRationale,
			Requirement: "new Request(url) must remove tabs and newlines and surrounding spaces, lowercase the scheme, accept http: without slashes or with backslashes, and throw TypeError when the scheme starts with a digit or holds a percent sign.",
			Run: ReturnsEach("urls", map[string]string{
				"ht\ttp://allowed.test/": "http://allowed.test/", "HTTP://ALLOWED.TEST/": "http://allowed.test/", " http://allowed.test/a ": "http://allowed.test/a",
				"http:allowed.test/x": "http://allowed.test/x", "http:\\\\allowed.test\\x": "http://allowed.test/x", "http://allowed.test\n/y": "http://allowed.test/y",
				"1http://allowed.test/": "TypeError", "ht%74p://allowed.test/": "TypeError", "http//allowed.test/": "TypeError",
			})},
		Row{ID: "REQ-019", Title: "IPv6 hosts are serialised canonically", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcHostParsing + "; §3.7 IPv6 serializer",
			Requirement: "new Request(url).url must serialise an IPv6 host in lowercase hex with the first longest run of two or more zero pieces compressed, an embedded IPv4 part (IPv4-mapped included) as hex pieces, and the default port removed, and throw TypeError for an invalid address.",
			Rationale:   urlRationale + " [::ffff:127.0.0.1] written back as 127.0.0.1 changes the host a check compares.",
			Run: ReturnsEach("urls", map[string]string{
				"http://[::ffff:127.0.0.1]/": "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:0:0:1]/": "http://[::1]/",
				"http://[1:0:0:2:0:0:0:3]/": "http://[1:0:0:2::3]/", "http://[1:0:0:2:0:0:3:4]/": "http://[1::2:0:0:3:4]/",
				"http://[1:2:3:4:5:6:0:8]/": "http://[1:2:3:4:5:6:0:8]/", "http://[::1.2.3.4]/": "http://[::102:304]/",
				"http://[ABCD::]/": "http://[abcd::]/", "http://[::1]:80/": "http://[::1]/", "http://[::1/": "TypeError", "http://[1::2::3]/": "TypeError",
				"http://[1:2:3:4:5:6:7:8:9]/": "TypeError", "http://[::ffff:1.2.3]/": "TypeError", "http://[::1%25eth0]/": "TypeError",
				"http://[0:0:0:0:0:0:0:0:0:0:0:0]/": "TypeError",
			})},
		Row{ID: "REQ-020", Title: "fetch of an unparsable URL sends nothing", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcHostParsing + "; WHATWG Fetch §5.4 new Request step 5",
			Requirement: fmt.Sprintf("fetch of a URL whose host fails to parse (%s) must reject with TypeError and send nothing, while an allowed URL fetched by the same vat reaches the server.", Series("or", "%s", unparsable)),
			Rationale:   "A URL that does not parse must not be guessed at: whatever the guess, it is a request nobody named.",
			Run: Case{Params: map[string]any{"urls": unparsable}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"rejected": rejected, "control": 200}))
				t.AwaitObservation("the control fetch of /anything", ReadyWithin, PathIs("/anything"))
				Expect(t.Observations()).To(HaveLen(1), "only the control fetch may be sent; mocknet saw:\n%s", t.Observations())
			}}.Run},
		Row{ID: "REQ-021", Title: "ports are parsed and the default removed", Profile: ProfileFetchAPI, Since: "0.2.0", Source: srcURLParsing + " (port state)",
			Requirement: "new Request(url).url must drop a port equal to the scheme's default (also written with leading zeros or empty), keep any other port up to 65535, and throw TypeError for a port above 65535 or with a non-digit.",
			Rationale:   urlRationale + " The port is part of the origin an allowlist and credentials are scoped to.",
			Run: ReturnsEach("urls", map[string]string{
				"http://allowed.test:0080/": "http://allowed.test/", "http://allowed.test:/": "http://allowed.test/", "https://allowed.test:443/": "https://allowed.test/",
				"http://allowed.test:443/": "http://allowed.test:443/", "http://allowed.test:65535/": "http://allowed.test:65535/",
				"http://allowed.test:08080/": "http://allowed.test:8080/", "http://allowed.test:65536/": "TypeError", "http://allowed.test:8a/": "TypeError",
				"http://allowed.test:-1/": "TypeError",
			})},
		Row{ID: "REQ-022", Title: "path, query and fragment are percent-encoded by their own sets", Profile: ProfileFetchAPI, Since: "0.2.0",
			Requirement: "new Request(url).url must percent-encode space, \", <, >, non-ASCII and (in the path) `, { and } and (in the special query) ', leave other query characters (`, {, |, ^, a % that starts no escape) and existing escapes as they are, and keep the fragment.",
			Source:      srcURLParsing + " (path, query and fragment states; WHATWG URL §1.3 percent-encode sets)",
			Rationale:   urlRationale + " Each component has its own encode set; encoding too much or too little changes the request line the server sees.",
			Run: ReturnsEach("urls", map[string]string{
				"http://allowed.test/a b?c d#e f": "http://allowed.test/a%20b?c%20d#e%20f", "http://allowed.test/{a}?{b}": "http://allowed.test/%7Ba%7D?{b}",
				"http://allowed.test/a'b?c'd": "http://allowed.test/a'b?c%27d", "http://allowed.test/a`b?c`d#e`f": "http://allowed.test/a%60b?c`d#e%60f",
				"http://allowed.test/é?é#é": "http://allowed.test/%C3%A9?%C3%A9#%C3%A9", "http://allowed.test/a\"b?c\"d#e\"f": "http://allowed.test/a%22b?c%22d#e%22f",
				"http://allowed.test/a<b>?c<d>#e<f>": "http://allowed.test/a%3Cb%3E?c%3Cd%3E#e%3Cf%3E", "http://allowed.test/?c|d^e%zz%41": "http://allowed.test/?c|d^e%zz%41",
				"http://allowed.test/./a/../b/%2e%2E/c": "http://allowed.test/c",
			})},
	)
}
