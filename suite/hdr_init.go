package suite

import . "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose

// HeadersInit is a WebIDL union, converted by WebIDL's rules on every platform.
func headersInitSpecs() []Spec {
	forbidden := []string{"accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method", "connection", "content-length", "cookie", "cookie2", "date", "dnt",
		"expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via"}
	forbiddenNames := map[string]any{"x-allowed": map[string]any{"init": true, "appended": true, "plain": true}}
	for _, name := range append(forbidden, "proxy-authorization", "sec-fetch-mode") {
		forbiddenNames[name] = map[string]any{"init": false, "appended": false, "plain": true}
	}
	return Defaults{Area: AreaHeaders, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "headers/init",
		Source:    "WebIDL §3.2.24 union types (an object with @@iterator is a sequence, any other object a record), §3.2.19 records; WHATWG Fetch §5.2 Headers class (fill)",
		Rationale: "Headers are built from whatever a vat has at hand; an argument that is refused on one platform and turned into headers on another, or that sends headers the vat did not list, makes the request depend on where it runs.",
	}.Specs(
		Row{ID: "HDR-017", Title: "HeadersInit: primitives throw, functions are objects",
			Requirement: "new Headers(init) must give no headers for undefined; throw TypeError for null, a number, a string, a boolean or a symbol; read a function as a record of its own enumerable properties, or as a sequence when it has @@iterator; throw TypeError for a pair that is a string and accept one that is any iterable object; and convert values with toString.",
			Run: Returns(map[string]any{"undefined": []any{}, "null": "TypeError", "number": "TypeError", "string": "TypeError", "boolean": "TypeError", "symbol": "TypeError",
				"functionAsRecord": [][]string{{"x-f", "1"}}, "functionAsSequence": [][]string{{"x-g", "2"}}, "stringAsPair": "TypeError", "iterableAsPair": [][]string{{"x-s", "1"}}, "valueWithToString": [][]string{{"x-o", "v"}}})},
		Row{ID: "HDR-018", Title: "HeadersInit records take enumerable own keys",
			Requirement: "new Headers(record) must take the record's enumerable own string-keyed properties only (not a non-enumerable or inherited one, and no error for a non-enumerable symbol) and throw TypeError for an enumerable symbol-keyed property.",
			Run:         Returns(map[string]any{"nonEnumerable": [][]string{{"x-shown", "1"}}, "inherited": [][]string{{"x-own", "5"}}, "enumerableSymbol": "TypeError"})},
		Row{ID: "HDR-019", Title: "a Request's headers drop forbidden request-header names", Profile: ProfileStrict,
			Source:      "WHATWG Fetch §2.2.2 forbidden request-header, §5.2 Headers guard \"request\"; security argument: the platform, not the vat, says what the request is",
			Requirement: "The headers of a Request must silently drop a forbidden request-header name (" + Series("and", "%s", forbidden) + ", and any proxy- or sec- name), given in init or appended later, and keep any other name (x-allowed), while a Headers object of its own keeps every name.",
			Rationale:   "Forbidden headers are the ones the platform sets: a vat that chooses Host, Cookie or Origin makes the request say something its URL and the endowment do not, to the server and to any proxy on the way.",
			Run:         ReturnsEach("names", forbiddenNames)},
		Row{ID: "HDR-021", Title: "every token character is valid in a name", Source: "WHATWG Fetch §2.2 header name (a field-name token); RFC 9110 §5.6.2 tchar",
			Requirement: "append of the name \"x-!#$%&'*+-.^_`|~09AZaz\" (every tchar that is not a letter or digit, and the first and last digit and letter of each case) must not throw, and get() of it lowercased must give the value back.",
			Run:         Returns("v")},
		Row{ID: "HDR-022", Title: "a Response's headers drop forbidden response-header names", Source: "WHATWG Fetch §2.2.2 forbidden response-header name, §5.2 Headers guard \"response\"",
			Requirement: "The headers of new Response(null, {headers}) must silently drop Set-Cookie given in init and Set-Cookie2 appended later, and keep any other name (x-ok).",
			Rationale:   "A vat that fakes responses for its callers must get the response the platform would build: one that cannot carry cookies.",
			Run:         Returns(map[string]any{"setCookie": false, "setCookie2": false, "other": "1"})},
		Row{ID: "HDR-023", Title: "iterator methods check their receiver", Source: "WebIDL §3.7.10.1 default iterator objects and §3.7.10 iterable declarations (entries, keys, values, @@iterator check this is a Headers)",
			Requirement: "entries, keys, values and [Symbol.iterator] of Headers.prototype called on an object that is no Headers must throw TypeError when called, not when the iterator is read.",
			Run:         Returns(map[string]any{"entries": "TypeError", "keys": "TypeError", "values": "TypeError", "iterator": "TypeError"})},
	)
}
