package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// A Request's clone (the request a vat hands to a second consumer), RequestInit (a WebIDL
// dictionary) and URLs at the edges of the URL Standard's parser: the same calls must build
// the same requests on every platform.
func requestEdgeSpecs() []Spec {
	const control, aborted = "/anything/req-024/control", "/anything/req-024/aborted"
	get := map[string]any{"method": "GET", "redirect": "follow", "headers": []any{}}
	fixedMembers := map[string]any{"mode": "cors", "credentials": "same-origin", "cache": "default", "destination": "", "referrer": "about:client", "duplex": "half"}
	built := Defaults{Area: AreaRequest, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "request/clone-init",
		Source:    "WHATWG Fetch §5.4 Request class (clone(): clone a request, its headers' guard, a dependent signal; new Request(input, init)); WebIDL §3.2.18 dictionaries",
		Rationale: "A clone that drops what the original would send, or whose signal does not follow the original's, and an init obeyed on one platform but ignored or refused on another, send another request than the vat's code says.",
	}.Specs(
		Row{ID: "REQ-023", Title: "clone keeps url, method, redirect and headers", Profile: ProfileCore,
			Requirement: "Request.clone() must return a new Request with the original's url, method, redirect mode, headers and body (a null body for a request without one), and headers of its own: changing the clone's or the original's headers afterwards leaves the other's as they were.",
			Run: Returns(map[string]any{"isRequest": true, "url": "http://allowed.test/anything/clone?q=1", "method": "PUT", "redirect": "manual", "text": "abc", "bodilessCloneBodyIsNull": true,
				"cloneHeaders":    [][]string{{"content-type", "text/plain;charset=UTF-8"}, {"x-a", "1"}, {"x-b", "2"}, {"x-c", "3"}},
				"originalHeaders": [][]string{{"content-type", "text/plain;charset=UTF-8"}, {"x-b", "2"}}})},
		Row{ID: "REQ-024", Title: "a clone's signal follows the original's", Globals: WithGlobals("AbortController"),
			Requirement: "The signal of Request.clone() must be a signal of its own, not aborted while the original's is not (a fetch of the clone is sent: " + control + "), and aborted with the original's reason once that aborts (a fetch of a clone made before the abort rejects with the reason and sends nothing: " + aborted + "); the clone of a request whose signal is aborted already is aborted.",
			Run: Case{Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"before": map[string]any{"aborted": false, "distinct": true}, "controlStatus": 200, "after": map[string]any{"aborted": true, "sameReason": true}, "fetchAfterAbort": "rejected with the reason", "preAborted": true}))
				t.AwaitObservation("the fetch of the clone made while the signal was not aborted", ReadyWithin, PathIs(control))
				Expect(Filter(t.Observations(), PathIs(aborted))).To(BeEmpty(), "a fetch of a clone whose original's signal was aborted must send nothing; what mocknet saw there")
			}}.Run},
		Row{ID: "REQ-033", Title: "mode, credentials, cache, destination, referrer and duplex",
			Requirement: "A new Request and its clone must read mode \"cors\", credentials \"same-origin\", cache \"default\", destination \"\", referrer \"about:client\" and duplex \"half\", the Fetch Standard's defaults.",
			Run:         Returns(map[string]any{"request": fixedMembers, "clone": fixedMembers})},
		Row{ID: "REQ-025", Title: "RequestInit is a WebIDL dictionary",
			Requirement: "new Request(url, init) must treat an undefined or null init as empty; throw TypeError for a number, a string, a boolean or a symbol; read the members of a function and inherited members; convert the method and header values to strings; and throw TypeError for headers that are a string or null.",
			Run: Returns(map[string]any{"undefined": get, "null": get, "number": "TypeError", "string": "TypeError", "boolean": "TypeError", "symbol": "TypeError", "function": map[string]any{"method": "PUT", "redirect": "follow", "headers": []any{}}, "inherited": map[string]any{"method": "DELETE", "redirect": "error", "headers": []any{}},
				"converted": map[string]any{"method": "POST", "redirect": "follow", "headers": [][]string{{"x-a", "1"}}}, "primitiveHeaders": "TypeError", "nullHeaders": "TypeError"})},
	)
	return append(built, Defaults{Area: AreaRequest, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "request/cases",
		Source:    "WHATWG URL §4.4 basic URL parser (authority, path, query and fragment states), §3.5 host parsing (ends in a number, IPv4 parser, domain to ASCII with UTS #46 non-transitional processing), §3.7 IPv6 serializer",
		Rationale: "Request.url is what the vat, the allowlist and the network agree the request is for; a parser that differs at an edge sends a request to another host or path than the vat's code names.",
	}.Specs(
		Row{ID: "REQ-026", Title: "a query or fragment right after the host",
			Requirement: "new Request(url).url must end the host at a ? or # that follows it at once, give the URL the path /, and keep the query's or fragment's dot segments as they are.",
			Run:         ReturnsEach("urls", map[string]string{"http://allowed.test?a/../b": "http://allowed.test/?a/../b", "http://allowed.test#a/../b": "http://allowed.test/#a/../b"})},
		Row{ID: "REQ-028", Title: "IPv4 hosts ending in a dot or in hex letters, digits past the base, IPv4-mapped IPv6",
			Requirement: "new Request(url).url must read a host ending in a number and a dot as IPv4, read the hex digits a to f and an empty 0x as numbers, take a last part with a digit its base lacks for a domain (1a, 0xg) and refuse one before it (08.1), and compress the first longest zero run of an IPv4-mapped IPv6 address.",
			Run: ReturnsEach("urls", map[string]string{"http://1./": "http://0.0.0.1/", "http://0xa.0xb.0xc.0xd/": "http://10.11.12.13/", "http://0x.0x.0/": "http://0.0.0.0/", "http://[::ffff:0.0.0.0]/": "http://[::ffff:0:0]/",
				"http://1a/": "http://1a/", "http://0xg/": "http://0xg/", "http://08.1/": "TypeError"})},
		Row{ID: "REQ-029", Title: "domains map by non-transitional IDNA",
			Requirement: "new Request(url).url must map a domain by UTS #46 non-transitional processing, as the URL Standard's domain to ASCII does: ß and final ς stay themselves (punycoded), they are not folded to ss and σ.",
			Run:         ReturnsEach("urls", map[string]string{"http://faß.test/": "http://xn--fa-hia.test/", "http://ς.test/": "http://xn--3xa.test/"})},
		Row{ID: "REQ-027", Title: "a % that starts no escape is no error",
			Requirement: "new Request(url) must accept a URL whose path, query or fragment holds a % that starts no percent-escape (%zz, %g1, a % at the end): the URL Standard calls it a validation error, not a failure, and parses the URL.",
			Run: ReturnsEach("urls", map[string]string{"http://allowed.test/a%zz": "parsed", "http://allowed.test/%g1/b": "parsed", "http://allowed.test/a%": "parsed", "http://allowed.test/a%4": "parsed",
				"http://allowed.test/?a%zz": "parsed", "http://allowed.test/#a%zz": "parsed"})},
		Row{ID: "REQ-030", Title: "a URL needs a scheme; any scheme makes a Request",
			Requirement: "new Request(url) must throw TypeError for an input with an empty scheme (:x, ://allowed.test/) and make a Request of a URL of a scheme fetch cannot fetch (z:x, zz:x), whose url is the URL: fetch refuses it later, the constructor does not.",
			Run:         ReturnsEach("urls", map[string]string{":x": "TypeError", "://allowed.test/": "TypeError", "z:x": "z:x", "zz:x": "zz:x"})},
		Row{ID: "REQ-031", Title: "empty credentials are none",
			Requirement: "new Request(url) must accept a URL whose userinfo is empty (http://@allowed.test/, http://:@allowed.test/) and serialise it without the @, as a URL without credentials.",
			Run:         ReturnsEach("urls", map[string]string{"http://@allowed.test/": "http://allowed.test/", "http://:@allowed.test/": "http://allowed.test/"})},
		Row{ID: "REQ-032", Title: "percent-escapes in the path are kept as written",
			Requirement: "new Request(url).url must keep a percent-escape of the path as it was written, at the end of the path too, neither decoded nor re-encoded nor changed in case (%41, %7e%7E).",
			Run:         ReturnsEach("urls", map[string]string{"http://allowed.test/a%41": "http://allowed.test/a%41", "http://allowed.test/%7e%7E": "http://allowed.test/%7e%7E"})},
	)...)
}
