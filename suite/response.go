package suite

const srcResponse = "WHATWG Fetch §5.5 Response class"

func responseSpecs() []Spec {
	r := func(id, title, requirement, profile, rationale, name string, want any) semanticCase {
		return semanticCase{id: id, title: title, requirement: requirement, profile: profile, source: srcResponse,
			rationale: rationale, name: name, want: want}
	}
	const portable = "Responses are how a vat reads the network and how it fakes it in its own tests; they must behave as on the web platform."
	return caseSpecs(AreaResponse, "response/cases", []semanticCase{
		r("RES-001", "defaults",
			"new Response() must have status 200, ok true, empty statusText, type \"default\", empty url, redirected false, no headers and a null body.",
			ProfileCore, portable, "defaults", map[string]any{
				"status": 200, "ok": true, "statusText": "", "type": "default", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			}),
		r("RES-002", "init sets status, text and headers",
			"new Response(body, init) must take status, statusText and headers from init and add Content-Type text/plain;charset=UTF-8 for a string body.",
			ProfileCore, portable, "init", map[string]any{
				"status": 201, "ok": true, "statusText": "Made", "type": "default", "url": "", "redirected": false,
				"headers": [][]string{{"content-type", "text/plain;charset=UTF-8"}, {"x-a", "1"}}, "bodyIsNull": false,
			}),
		r("RES-003", "status outside 200-599 throws RangeError",
			"new Response with status 0, 199, 600 or 1000 must throw RangeError.",
			ProfileCore, portable, "status-range", []string{"RangeError", "RangeError", "RangeError", "RangeError"}),
		r("RES-004", "null-body statuses refuse a body",
			"new Response with a body and status 204 must throw TypeError; without a body it must succeed.",
			ProfileCore, portable, "null-body-status", map[string]any{"withBody": "TypeError", "withoutBody": "no error"}),
		r("RES-005", "Response.error()",
			"Response.error() must return a response of type \"error\" with status 0, no headers and a null body.",
			ProfileCore, portable, "error", map[string]any{
				"status": 0, "ok": false, "statusText": "", "type": "error", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			}),
		r("RES-006", "Response.redirect()",
			"Response.redirect(url, status) must set Location to the parsed URL and the status (302 by default), throw RangeError for a non-redirect status and TypeError for an invalid URL.",
			ProfileCore, portable, "redirect", map[string]any{
				"status": 301, "location": "http://allowed.test/next", "defaultStatus": 302, "badStatus": "RangeError", "badURL": "TypeError",
			}),
		r("RES-007", "Response.json()",
			"Response.json(data, init) must serialise data, set Content-Type application/json and keep init's status and headers.",
			ProfileCore, portable, "json", map[string]any{"status": 202, "type": "application/json", "xa": "1", "text": `{"a":1}`}),
		r("RES-008", "text, json and arrayBuffer",
			"text() must decode UTF-8, json() must parse, and arrayBuffer() must give the UTF-8 bytes, for string and byte bodies.",
			ProfileCore, portable, "body-mixin", map[string]any{"text": "héllo", "json": map[string]any{"a": []any{1, "b"}}, "bytes": 6, "fromBuffer": "hi"}),
		r("RES-009", "bytes() gives a Uint8Array",
			"Response.bytes() must resolve with a Uint8Array of the body.",
			ProfileFetchAPI, portable, "bytes", map[string]any{"isUint8Array": true, "values": []int{97, 98}}),
		r("RES-010", "a body is read once",
			"After a Response's body has been read, bodyUsed must be true and text() and json() must reject with TypeError.",
			ProfileCore, portable, "body-used-twice", map[string]any{"bodyUsed": true, "again": "TypeError", "json": "TypeError"}),
		r("RES-011", "clone copies status, headers and body",
			"Response.clone() must copy status and headers and give an independent body; clone() of a used response must throw TypeError.",
			ProfileCore, portable, "clone", map[string]any{"texts": []string{"abc", "abc"}, "status": 201, "xa": "1", "cloneAfterUse": "TypeError"}),
		r("RES-012", "body is a readable byte stream",
			"Response.body.getReader() must lock the stream and yield Uint8Array chunks of the whole body; text() on a locked body must reject with TypeError.",
			ProfileCore, portable, "reader", map[string]any{"locked": true, "text": "abc", "chunksAreBytes": true, "textWhileLocked": "TypeError"}),
		r("RES-013", "invalid JSON rejects with SyntaxError",
			"json() of a body that is not JSON must reject with SyntaxError.",
			ProfileCore, portable, "invalid-json", "SyntaxError"),
		{id: "RES-014", title: "a ReadableStream can be a body", profile: ProfileFetchAPI, source: srcResponse, name: "stream-body",
			globals:     WithGlobals("ReadableStream"),
			requirement: "new Response(readableStream) must read its body from the stream.",
			rationale:   portable, want: "hi!"},
		r("RES-015", "invalid statusText throws",
			"A statusText containing a newline must throw TypeError.",
			ProfileCore, "A newline in a status line is response splitting.", "invalid-status-text", "TypeError"),
		r("RES-016", "constructed responses have mutable headers",
			"The headers of a Response built by its constructor must accept set().",
			ProfileCore, portable, "mutable-headers", "1"),
	})
}
