package suite

import (
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcResponse = "WHATWG Fetch §5.5 Response class"

func responseSpecs() []Spec {
	const portable = "Responses are how a vat reads the network and how it fakes it in its own tests; they must behave as on the web platform."
	return []Spec{
		{
			Requirement: Requirement{
				ID: "RES-001", Title: "defaults",
				Requirement: "new Response() must have status 200, ok true, empty statusText, type \"default\", empty url, redirected false, no headers and a null body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "defaults", want: map[string]any{
				"status": 200, "ok": true, "statusText": "", "type": "default", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-002", Title: "init sets status, text and headers",
				Requirement: "new Response(body, init) must take status, statusText and headers from init and add Content-Type text/plain;charset=UTF-8 for a string body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "init", want: map[string]any{
				"status": 201, "ok": true, "statusText": "Made", "type": "default", "url": "", "redirected": false,
				"headers": [][]string{{"content-type", "text/plain;charset=UTF-8"}, {"x-a", "1"}}, "bodyIsNull": false,
			}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-003", Title: "status outside 200-599 throws RangeError",
				Requirement: "new Response with status 0, 199, 600 or 1000 must throw RangeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "status-range", want: []string{"RangeError", "RangeError", "RangeError", "RangeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-004", Title: "null-body statuses refuse a body",
				Requirement: "new Response with a body and status 204 must throw TypeError; without a body it must succeed.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "null-body-status", want: map[string]any{"withBody": "TypeError", "withoutBody": "no error"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-005", Title: "Response.error()",
				Requirement: "Response.error() must return a response of type \"error\" with status 0, no headers and a null body.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "error", want: map[string]any{
				"status": 0, "ok": false, "statusText": "", "type": "error", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-006", Title: "Response.redirect()",
				Requirement: "Response.redirect(url, status) must set Location to the parsed URL and the status (302 by default), throw RangeError for a non-redirect status and TypeError for an invalid URL.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "redirect", want: map[string]any{
				"status": 301, "location": "http://allowed.test/next", "defaultStatus": 302, "badStatus": "RangeError", "badURL": "TypeError",
			}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-007", Title: "Response.json()",
				Requirement: "Response.json(data, init) must serialise data, set Content-Type application/json and keep init's status and headers.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "json", want: map[string]any{"status": 202, "type": "application/json", "xa": "1", "text": `{"a":1}`}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-008", Title: "text, json and arrayBuffer",
				Requirement: "text() must decode UTF-8, json() must parse, and arrayBuffer() must give the UTF-8 bytes, for string and byte bodies.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "body-mixin", want: map[string]any{"text": "héllo", "json": map[string]any{"a": []any{1, "b"}}, "bytes": 6, "fromBuffer": "hi"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-009", Title: "bytes() gives a Uint8Array",
				Requirement: "Response.bytes() must resolve with a Uint8Array of the body.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "bytes", want: map[string]any{"isUint8Array": true, "values": []int{97, 98}}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-010", Title: "a body is read once",
				Requirement: "After a Response's body has been read, bodyUsed must be true and text() and json() must reject with TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "body-used-twice", want: map[string]any{"bodyUsed": true, "again": "TypeError", "json": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-011", Title: "clone copies status, headers and body",
				Requirement: "Response.clone() must copy status and headers and give an independent body; clone() of a used response must throw TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "clone", want: map[string]any{"texts": []string{"abc", "abc"}, "status": 201, "xa": "1", "cloneAfterUse": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-012", Title: "body is a readable byte stream",
				Requirement: "Response.body.getReader() must lock the stream and yield Uint8Array chunks of the whole body; text() on a locked body must reject with TypeError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "reader", want: map[string]any{"locked": true, "text": "abc", "chunksAreBytes": true, "textWhileLocked": "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "RES-013", Title: "invalid JSON rejects with SyntaxError",
				Requirement: "json() of a body that is not JSON must reject with SyntaxError.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "invalid-json", want: "SyntaxError"}),
		},
		{
			Requirement: Requirement{
				ID: "RES-014", Title: "a ReadableStream can be a body",
				Requirement: "new Response(readableStream) must read its body from the stream.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "stream-body", globals: WithGlobals("ReadableStream"), want: "hi!"}),
		},
		{
			Requirement: Requirement{
				ID: "RES-015", Title: "invalid statusText throws",
				Requirement: "A statusText containing a newline must throw TypeError.",
				Rationale:   "A newline in a status line is response splitting.",
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "invalid-status-text", want: "TypeError"}),
		},
		{
			Requirement: Requirement{
				ID: "RES-016", Title: "constructed responses have mutable headers",
				Requirement: "The headers of a Response built by its constructor must accept set().",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaResponse, Since: "0.1.0",
				Source:  srcResponse,
				Fixture: fixtureResponseCases,
			},
			Run: runCase(fixtureResponseCases, semanticCase{name: "mutable-headers", want: "1"}),
		},
	}
}
