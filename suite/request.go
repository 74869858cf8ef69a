package suite

import (
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcRequest = "WHATWG Fetch §5.4 Request class"

func requestSpecs() []Spec {
	const portable = "Requests built in a vat must mean what they mean on the web platform, or the vat sends something other than what its code says."
	cases := []Spec{
		{
			Requirement: Requirement{
				ID: "REQ-001", Title: "defaults",
				Requirement: "new Request(url) must have method GET, the serialised URL, redirect \"follow\", no body, bodyUsed false and no headers.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "defaults", want: map[string]any{
				"method": "GET", "url": "http://allowed.test/defaults", "redirect": "follow", "bodyUsed": false, "body": nil, "headers": []any{},
			}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-002", Title: "URL is parsed and serialised",
				Requirement: "Request.url must be the WHATWG serialisation of the parsed input: lower-case scheme and host, default port dropped, dot segments resolved, fragment kept.",
				Rationale:   "The URL a vat reads back is the URL the allowlist and the network see.",
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "url-serialised", want: "http://allowed.test/b?q=1#frag"}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-003", Title: "standard methods are upper-cased",
				Requirement: "DELETE, GET, HEAD, OPTIONS, POST and PUT must be upper-cased when given in any case; other methods must be kept as given.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "method-normalised", want: []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "patch", "Custom"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-004", Title: "forbidden and invalid methods throw",
				Requirement: "CONNECT, TRACE and TRACK (in any case), and methods that are not HTTP tokens, must throw TypeError.",
				Rationale:   "CONNECT and TRACE turn a request into a tunnel or a reflector; they have no place in a vat's fetch.",
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "forbidden-methods", want: []string{"TypeError", "TypeError", "TypeError", "TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-005", Title: "GET and HEAD cannot have a body",
				Requirement: "A Request with method GET or HEAD and a body must throw TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "body-with-get-or-head", want: []string{"TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-006", Title: "relative URLs throw",
				Requirement: "new Request with a relative URL must throw TypeError: a vat has no base URL.",
				Rationale:   "A vat has no document; resolving against some implicit base would send requests nobody named.",
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "relative-url", want: "TypeError"}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-007", Title: "URLs with credentials throw",
				Requirement: "new Request with a URL that includes a username or password must throw TypeError.",
				Rationale:   "Credentials in URLs leak into logs and confuse host checks.",
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "credentials-url", want: "TypeError"}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-008", Title: "clone copies the body",
				Requirement: "Request.clone() must give an independent body, so original and clone read the same bytes; clone() of a used request must throw TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "clone", want: map[string]any{"texts": []string{"abc", "abc"}, "cloneAfterUse": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-009", Title: "a body is read once",
				Requirement: "After a Request's body has been read, bodyUsed must be true and reading again must reject with TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "body-used", want: map[string]any{"before": false, "text": "abc", "after": true, "again": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-010", Title: "a Request can be rebuilt with an init",
				Requirement: "new Request(request, init) must take method and headers from init, and keep the URL and body of request.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "from-request-with-init", want: map[string]any{
				"method": "PUT", "url": "http://allowed.test/a", "headers": [][]string{{"x-b", "2"}}, "text": "abc",
			}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-011", Title: "body types set Content-Type",
				Requirement: "A string body must default Content-Type to text/plain;charset=UTF-8 and URLSearchParams to application/x-www-form-urlencoded;charset=UTF-8; byte bodies set none, and an explicit Content-Type wins.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "content-type-defaults", globals: WithGlobals("URLSearchParams"), want: []any{"text/plain;charset=UTF-8", "application/x-www-form-urlencoded;charset=UTF-8", nil, "application/x-custom"}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-012", Title: "json() parses the body",
				Requirement: "Request.json() must parse the body as JSON.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "json-body", want: map[string]any{"a": []int{1, 2}}}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-013", Title: "unknown redirect mode throws",
				Requirement: "A redirect mode other than follow, error or manual must throw TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "invalid-redirect-mode", want: "TypeError"}),
		},
		{
			Requirement: Requirement{
				ID: "REQ-014", Title: "byte bodies are copied",
				Requirement: "A Request made from a Uint8Array must keep the bytes it had at construction, whatever happens to the array afterwards.",
				Rationale:   "A body that changes after the request was made sends bytes nobody checked.",
				Profile:     ProfileFetchAPI, Area: AreaRequest, Since: "0.1.0",
				Source:  srcRequest,
				Fixture: fixtureRequestCases,
			},
			Run: runCase(fixtureRequestCases, semanticCase{name: "buffer-body-copied", want: []int{1, 2, 3}}),
		},
	}
	return cases
}
