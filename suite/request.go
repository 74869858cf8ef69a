package suite

const srcRequest = "WHATWG Fetch §5.4 Request class"

func requestSpecs() []Spec {
	r := func(id, title, requirement, profile, rationale, name string, want any) semanticCase {
		return semanticCase{id: id, title: title, requirement: requirement, profile: profile, source: srcRequest,
			rationale: rationale, name: name, want: want}
	}
	const portable = "Requests built in a vat must mean what they mean on the web platform, or the vat sends something other than what its code says."
	cases := []semanticCase{
		r("REQ-001", "defaults",
			"new Request(url) must have method GET, the serialised URL, redirect \"follow\", no body, bodyUsed false and no headers.",
			ProfileCore, portable, "defaults", map[string]any{
				"method": "GET", "url": "http://allowed.test/defaults", "redirect": "follow", "bodyUsed": false, "body": nil, "headers": []any{},
			}),
		r("REQ-002", "URL is parsed and serialised",
			"Request.url must be the WHATWG serialisation of the parsed input: lower-case scheme and host, default port dropped, dot segments resolved, fragment kept.",
			ProfileCore, "The URL a vat reads back is the URL the allowlist and the network see.",
			"url-serialised", "http://allowed.test/b?q=1#frag"),
		r("REQ-003", "standard methods are upper-cased",
			"DELETE, GET, HEAD, OPTIONS, POST and PUT must be upper-cased when given in any case; other methods must be kept as given.",
			ProfileCore, portable, "method-normalised", []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "patch", "Custom"}),
		r("REQ-004", "forbidden and invalid methods throw",
			"CONNECT, TRACE and TRACK (in any case), and methods that are not HTTP tokens, must throw TypeError.",
			ProfileCore, "CONNECT and TRACE turn a request into a tunnel or a reflector; they have no place in a vat's fetch.",
			"forbidden-methods", []string{"TypeError", "TypeError", "TypeError", "TypeError", "TypeError"}),
		r("REQ-005", "GET and HEAD cannot have a body",
			"A Request with method GET or HEAD and a body must throw TypeError.",
			ProfileCore, portable, "body-with-get-or-head", []string{"TypeError", "TypeError"}),
		r("REQ-006", "relative URLs throw",
			"new Request with a relative URL must throw TypeError: a vat has no base URL.",
			ProfileCore, "A vat has no document; resolving against some implicit base would send requests nobody named.",
			"relative-url", "TypeError"),
		r("REQ-007", "URLs with credentials throw",
			"new Request with a URL that includes a username or password must throw TypeError.",
			ProfileCore, "Credentials in URLs leak into logs and confuse host checks.",
			"credentials-url", "TypeError"),
		r("REQ-008", "clone copies the body",
			"Request.clone() must give an independent body, so original and clone read the same bytes; clone() of a used request must throw TypeError.",
			ProfileCore, portable, "clone", map[string]any{"texts": []string{"abc", "abc"}, "cloneAfterUse": "TypeError"}),
		r("REQ-009", "a body is read once",
			"After a Request's body has been read, bodyUsed must be true and reading again must reject with TypeError.",
			ProfileCore, portable, "body-used", map[string]any{"before": false, "text": "abc", "after": true, "again": "TypeError"}),
		r("REQ-010", "a Request can be rebuilt with an init",
			"new Request(request, init) must take method and headers from init, and keep the URL and body of request.",
			ProfileCore, portable, "from-request-with-init", map[string]any{
				"method": "PUT", "url": "http://allowed.test/a", "headers": [][]string{{"x-b", "2"}}, "text": "abc",
			}),
		{id: "REQ-011", title: "body types set Content-Type", profile: ProfileFetchAPI, source: srcRequest, name: "content-type-defaults",
			globals:     WithGlobals("URLSearchParams"),
			requirement: "A string body must default Content-Type to text/plain;charset=UTF-8 and URLSearchParams to application/x-www-form-urlencoded;charset=UTF-8; byte bodies set none, and an explicit Content-Type wins.",
			rationale:   portable,
			want:        []any{"text/plain;charset=UTF-8", "application/x-www-form-urlencoded;charset=UTF-8", nil, "application/x-custom"}},
		r("REQ-012", "json() parses the body",
			"Request.json() must parse the body as JSON.",
			ProfileCore, portable, "json-body", map[string]any{"a": []int{1, 2}}),
		r("REQ-013", "unknown redirect mode throws",
			"A redirect mode other than follow, error or manual must throw TypeError.",
			ProfileCore, portable, "invalid-redirect-mode", "TypeError"),
		r("REQ-014", "byte bodies are copied",
			"A Request made from a Uint8Array must keep the bytes it had at construction, whatever happens to the array afterwards.",
			ProfileFetchAPI, "A body that changes after the request was made sends bytes nobody checked.",
			"buffer-body-copied", []int{1, 2, 3}),
	}
	return caseSpecs(AreaRequest, "request/cases", cases)
}
