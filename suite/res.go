package suite

import (
	"fmt"
	"strconv"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcResponse       = "WHATWG Fetch §5.5 Response class"
	srcEncodingDecode = "WHATWG Encoding §4.1 UTF-8 decode and §9.1.1 UTF-8 decoder; WHATWG Fetch §5.3 Body mixin text()"
	srcTextDecoder    = "WHATWG Encoding §4.2 get an encoding (labels) and §7.2 TextDecoder"
)

// The decoding specs are tables: a body's bytes, in hex, map to the code points text() must
// decode them to (an "a" and a "b" around what is tested), and ReturnsEach hands the bodies to
// the case.
func responseSpecs() []Spec {
	const portable = "Responses are how a vat reads the network and how it fakes it in its own tests; they must behave as on the web platform."
	accepted, refused := []int{200, 299, 300, 598, 599}, []int{199, 600}
	statusRange := map[string]any{}
	for _, s := range accepted {
		statusRange[strconv.Itoa(s)] = s
	}
	for _, s := range refused {
		statusRange[strconv.Itoa(s)] = "RangeError"
	}
	nullBody := []int{204, 205, 304}
	nullBodyRefusals := map[string]any{"200": map[string]any{"empty": "no error"}}
	for _, s := range nullBody {
		nullBodyRefusals[strconv.Itoa(s)] = map[string]any{"text": "TypeError", "empty": "TypeError", "bytes": "TypeError", "nullBody": "no error"}
	}
	return Defaults{Area: AreaResponse, Profile: ProfileFetchAPI, Since: "0.1.0", Source: srcResponse, Rationale: portable, Fixture: "response/cases", Globals: NetworkGlobals()}.Specs(
		Row{ID: "RES-001", Title: "defaults", Profile: ProfileCore,
			Requirement: "new Response() must have status 200, ok true, empty statusText, type \"default\", empty url, redirected false, no headers and a null body.",
			Run: Returns(map[string]any{
				"status": 200, "ok": true, "statusText": "", "type": "default", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			})},
		Row{ID: "RES-002", Title: "init sets status, text and headers", Profile: ProfileCore,
			Requirement: "new Response(body, init) must take status, statusText and headers from init and add Content-Type text/plain;charset=UTF-8 for a string body.",
			Run: Returns(map[string]any{
				"status": 201, "ok": true, "statusText": "Made", "type": "default", "url": "", "redirected": false,
				"headers": [][]string{{"content-type", "text/plain;charset=UTF-8"}, {"x-a", "1"}}, "bodyIsNull": false,
			})},
		Row{ID: "RES-003", Title: "status outside 200-599 throws RangeError", Profile: ProfileCore,
			Requirement: "new Response with status 0, 199, 600 or 1000 must throw RangeError.",
			Run:         Returns([]string{"RangeError", "RangeError", "RangeError", "RangeError"})},
		Row{ID: "RES-004", Title: "null-body statuses refuse a body", Profile: ProfileCore,
			Requirement: "new Response with a body and status 204 must throw TypeError; without a body it must succeed.",
			Run:         Returns(map[string]any{"withBody": "TypeError", "withoutBody": "no error"})},
		Row{ID: "RES-005", Title: "Response.error()", Profile: ProfileCore,
			Requirement: "Response.error() must return a response of type \"error\" with status 0, no headers and a null body.",
			Run: Returns(map[string]any{
				"status": 0, "ok": false, "statusText": "", "type": "error", "url": "", "redirected": false, "headers": []any{}, "bodyIsNull": true,
			})},
		Row{ID: "RES-006", Title: "Response.redirect()", Profile: ProfileCore,
			Requirement: "Response.redirect(url, status) must set Location to the parsed URL and the status (302 by default), throw RangeError for a non-redirect status and TypeError for an invalid URL.",
			Run:         Returns(map[string]any{"status": 301, "location": "http://allowed.test/next", "defaultStatus": 302, "badStatus": "RangeError", "badURL": "TypeError"})},
		Row{ID: "RES-007", Title: "Response.json()", Profile: ProfileCore,
			Requirement: "Response.json(data, init) must serialise data, set Content-Type application/json and keep init's status and headers.",
			Run:         Returns(map[string]any{"status": 202, "type": "application/json", "xa": "1", "text": `{"a":1}`})},
		Row{ID: "RES-008", Title: "text, json and arrayBuffer", Profile: ProfileCore,
			Requirement: "text() must decode UTF-8, json() must parse, and arrayBuffer() must give the UTF-8 bytes, for string and byte bodies.",
			Run:         Returns(map[string]any{"text": "héllo", "json": map[string]any{"a": []any{1, "b"}}, "bytes": 6, "fromBuffer": "hi"})},
		Row{ID: "RES-009", Title: "bytes() gives a Uint8Array",
			Requirement: "Response.bytes() must resolve with a Uint8Array of the body.",
			Run:         Returns(map[string]any{"isUint8Array": true, "values": []int{97, 98}})},
		Row{ID: "RES-010", Title: "a body is read once", Profile: ProfileCore,
			Requirement: "After a Response's body has been read, bodyUsed must be true and text() and json() must reject with TypeError.",
			Run:         Returns(map[string]any{"bodyUsed": true, "again": "TypeError", "json": "TypeError"})},
		Row{ID: "RES-011", Title: "clone copies status, headers and body", Profile: ProfileCore,
			Requirement: "Response.clone() must copy status and headers and give an independent body; clone() of a used response must throw TypeError.",
			Run:         Returns(map[string]any{"texts": []string{"abc", "abc"}, "status": 201, "xa": "1", "cloneAfterUse": "TypeError"})},
		Row{ID: "RES-012", Title: "body is a readable byte stream", Profile: ProfileCore,
			Requirement: "Response.body.getReader() must lock the stream and yield Uint8Array chunks of the whole body; text() on a locked body must reject with TypeError.",
			Run:         Returns(map[string]any{"locked": true, "text": "abc", "chunksAreBytes": true, "textWhileLocked": "TypeError"})},
		Row{ID: "RES-013", Title: "invalid JSON rejects with SyntaxError", Profile: ProfileCore,
			Requirement: "json() of a body that is not JSON must reject with SyntaxError.",
			Run:         Returns("SyntaxError")},
		Row{ID: "RES-014", Title: "a ReadableStream can be a body",
			Requirement: "new Response(readableStream) must read its body from the stream.",
			Run:         Returns("hi!")},
		Row{ID: "RES-015", Title: "invalid statusText throws", Profile: ProfileCore,
			Requirement: "A statusText containing a newline must throw TypeError.",
			Rationale:   "A newline in a status line is response splitting.",
			Run:         Returns("TypeError")},
		Row{ID: "RES-016", Title: "constructed responses have mutable headers", Profile: ProfileCore,
			Requirement: "The headers of a Response built by its constructor must accept set().",
			Run:         Returns("1")},
		Row{ID: "RES-017", Title: "text() strips one leading BOM", Since: "0.2.0", Source: srcEncodingDecode,
			Requirement: "text() of a body beginning with two UTF-8 byte order marks must drop the first and keep the second as U+FEFF.",
			Rationale:   "UTF-8 decode removes a BOM once; removing none corrupts the first field of a file saved by an editor that writes one, removing all silently changes data.",
			Run:         Returns("U+FEFF U+0061")},
		Row{ID: "RES-018", Title: "invalid UTF-8 becomes U+FFFD per maximal subpart", Since: "0.2.0", Source: srcEncodingDecode,
			Requirement: "text() must replace each maximal subpart of an invalid UTF-8 sequence with one U+FFFD, as the Encoding Standard's UTF-8 decoder does.",
			Rationale:   "The number of replacement characters is specified so that every platform decodes the same bytes to the same string; hashes, lengths and comparisons of decoded text depend on it.",
			Run: ReturnsEach("bodies", map[string]string{
				"61 80 62":             "U+0061 U+FFFD U+0062",                             // a lone continuation byte
				"61 E2 82 62":          "U+0061 U+FFFD U+0062",                             // a truncated 3-byte sequence
				"61 F0 9F 98 62":       "U+0061 U+FFFD U+0062",                             // a truncated 4-byte sequence
				"61 C0 AF 62":          "U+0061 U+FFFD U+FFFD U+0062",                      // overlong, lead C0
				"61 E0 80 AF 62":       "U+0061 U+FFFD U+FFFD U+FFFD U+0062",               // overlong, lead E0
				"61 ED A0 80 62":       "U+0061 U+FFFD U+FFFD U+FFFD U+0062",               // a surrogate
				"61 F4 90 80 80 62":    "U+0061 U+FFFD U+FFFD U+FFFD U+FFFD U+0062",        // above U+10FFFF
				"61 F8 88 80 80 80 62": "U+0061 U+FFFD U+FFFD U+FFFD U+FFFD U+FFFD U+0062", // invalid lead F8
				"61 C3 62":             "U+0061 U+FFFD U+0062",                             // a lead, then ASCII
				"61 FF C3 A9 62":       "U+0061 U+FFFD U+00E9 U+0062",                      // valid after a bad lead
				"61 E2 82 E2 82 62":    "U+0061 U+FFFD U+FFFD U+0062",                      // two truncated in a row
				"61 C3 A9 A9 62":       "U+0061 U+00E9 U+FFFD U+0062",                      // a continuation after a full sequence
				// The edges of the second byte's range after E0, ED, F0 and F4, and of the leads.
				"61 E0 9F BF 62":    "U+0061 U+FFFD U+FFFD U+FFFD U+0062",        // overlong, E0 9F
				"61 E0 A0 80 62":    "U+0061 U+0800 U+0062",                      // the first 3-byte
				"61 ED 9F BF 62":    "U+0061 U+D7FF U+0062",                      // the last before D800
				"61 F0 8F BF BF 62": "U+0061 U+FFFD U+FFFD U+FFFD U+FFFD U+0062", // overlong, F0 8F
				"61 F0 90 80 80 62": "U+0061 U+10000 U+0062",                     // the first 4-byte
				"61 F4 8F BF BF 62": "U+0061 U+10FFFF U+0062",                    // the last code point
				"61 C1 BF 62":       "U+0061 U+FFFD U+FFFD U+0062",               // invalid lead C1
				"61 C2 80 62":       "U+0061 U+0080 U+0062",                      // the first 2-byte
				"61 F5 80 62":       "U+0061 U+FFFD U+FFFD U+0062",               // invalid lead F5
			})},
		Row{ID: "RES-019", Title: "a sequence cut at the end of a body is one U+FFFD", Since: "0.2.0", Source: srcEncodingDecode,
			Requirement: "text() of a body ending in the first bytes of a multi-byte sequence must end in exactly one U+FFFD.",
			Rationale:   "A truncated body must decode to what the standard says: one replacement character, not one per byte and not nothing.",
			Run:         ReturnsEach("bodies", map[string]string{"61 E2 82": "U+0061 U+FFFD", "61 F0 9F 98": "U+0061 U+FFFD", "61 C3": "U+0061 U+FFFD"})},
		Row{ID: "RES-020", Title: "json() of a body with a BOM", Since: "0.2.0", Source: srcResponse + "; WHATWG Encoding §4 UTF-8 decode",
			Requirement: "json() of a UTF-8 body beginning with a byte order mark must parse the JSON after it.",
			Rationale:   "json() decodes as text() does, BOM removal included; servers and files that write a BOM are common.",
			Run:         Returns(map[string]any{"a": 1})},
		Row{ID: "RES-021", Title: "sequences split across stream chunks decode whole", Since: "0.2.0", Source: srcEncodingDecode,
			Requirement: "text() of a ReadableStream body whose chunks cut 2-, 3- and 4-byte UTF-8 sequences must decode them as if the body were one chunk.",
			Rationale:   "Chunk boundaries are the transport's, not the text's; decoding chunk by chunk turns every character on a boundary into replacement characters.",
			Run:         Returns("U+0061 U+00E9 U+20AC U+1F600 U+0062")},
		Row{ID: "RES-022", Title: "TextDecoder labels", Since: "0.2.0", Source: srcTextDecoder, Globals: WithGlobals("TextDecoder"),
			Requirement: "new TextDecoder(label) must accept every UTF-8 label of the Encoding Standard in any case with ASCII whitespace around it, reporting encoding \"utf-8\", and throw RangeError for a label that is not one (including one padded with non-ASCII space).",
			Rationale:   "Code passes labels taken from Content-Type headers and documents; the label table and its whitespace rule are what make them portable.",
			Run: ReturnsEach("labels", map[string]string{
				"utf-8": "utf-8", "UTF-8": "utf-8", " utf-8 ": "utf-8", "\t\n\f\rutf8\r\n": "utf-8", "unicode-1-1-utf-8": "utf-8", "unicode11utf8": "utf-8",
				"unicode20utf8": "utf-8", "x-unicode20utf8": "utf-8", "UTF8": "utf-8",
				"utf-9": "RangeError", "utf 8": "RangeError", "\u00a0utf-8": "RangeError", "utf-8\u2003": "RangeError",
			})},
		Row{ID: "RES-023", Title: "TextDecoder fatal mode throws", Since: "0.2.0", Source: srcTextDecoder, Globals: WithGlobals("TextDecoder"),
			Requirement: "A TextDecoder with fatal true must report fatal true and throw TypeError for invalid or truncated UTF-8 (also when a streamed sequence is still cut at the final decode()), and decode valid input.",
			Rationale:   "fatal is how code validates untrusted text instead of silently accepting replacement characters.",
			Run: Returns(map[string]any{
				"fatal": true, "defaultFatal": false, "invalid": "TypeError", "truncated": "TypeError", "valid": "€",
				"heldWhileStreaming": "", "truncatedAtFlush": "TypeError",
			})},
		Row{ID: "RES-024", Title: "TextDecoder BOM handling", Since: "0.2.0", Source: srcTextDecoder, Globals: WithGlobals("TextDecoder"),
			Requirement: "TextDecoder must drop a BOM at the start of each stream (also when it is split across decode calls or follows an empty chunk), keep one in the middle of a stream, and keep it when ignoreBOM is true.",
			Rationale:   "A decoder that drops BOMs everywhere, or only once per decoder, changes data; one that ignores ignoreBOM breaks code that must round-trip bytes.",
			Run: Returns(map[string]any{
				"ignoreBOM": true, "stripped": "U+0061", "again": "U+0061", "kept": "U+FEFF U+0061", "split": "U+0061",
				"midStream": "U+0061 U+FEFF U+0061", "afterEmptyChunk": "U+0061",
			})},
		Row{ID: "RES-025", Title: "TextDecoder streaming keeps cut sequences", Since: "0.2.0", Source: srcTextDecoder, Globals: WithGlobals("TextDecoder"),
			Requirement: "decode(chunk, {stream: true}) must hold back a sequence cut at the end of a chunk until the next call, and the final decode() must turn a sequence still cut into one U+FFFD.",
			Rationale:   "Streaming decode is how code decodes a body read chunk by chunk; it is correct only if characters on chunk boundaries survive.",
			Run:         Returns([]string{"", "", "U+1F600", "U+FFFD"})},
		Row{ID: "RES-030", Title: "TextDecoder streaming reports an invalid prefix at once", Since: "0.2.0", Globals: WithGlobals("TextDecoder"),
			Requirement: "decode(chunk, {stream: true}) must hold back only a prefix that more bytes could complete: a chunk ending in E0 9F, ED A0, F0 8F, F4 90 or a lone continuation byte must yield its U+FFFD characters in that same call.",
			Source:      srcTextDecoder + "; WHATWG Encoding §9.1.1 UTF-8 decoder (lower and upper boundary)",
			Rationale:   "A decoder that holds back bytes no continuation can fix delays text and, when the stream ends, reports a different number of replacement characters.",
			Run: Returns(map[string]any{
				"E0 9F": "U+0061 U+FFFD U+FFFD", "ED A0": "U+0061 U+FFFD U+FFFD", "F0 8F": "U+0061 U+FFFD U+FFFD",
				"F4 90": "U+0061 U+FFFD U+FFFD", "80": "U+0061 U+FFFD", "E0 A0": "U+0061", "F0 90 80": "U+0061", "F4 8F": "U+0061",
			})},
		Row{ID: "RES-026", Title: "an error in a teed stream reaches both branches", Since: "0.2.0", Source: "WHATWG Streams §4.2.4 tee() (ReadableStreamDefaultTee)",
			Requirement: "When the source of ReadableStream.tee() errors, reads and the closed promise of both branches must reject with the source's error.",
			Rationale:   "A branch that never hears of the error waits forever or reads a truncated body as complete.",
			Run:         Returns(map[string]any{"first": []int{1, 1}, "a": "the source error", "b": "the source error", "aClosed": "the source error"})},
		Row{ID: "RES-031", Title: "cancelling tee branches", Since: "0.2.0", Source: "WHATWG Streams §4.2.4 tee() (ReadableStreamDefaultTee cancel algorithms)",
			Requirement: "Cancelling one branch of ReadableStream.tee() must leave the source running for the other branch, which still reads every chunk; cancelling both must cancel the source once, with the array of both reasons.",
			Rationale:   "A clone read by one consumer and dropped by another must neither starve the reader nor leave the source (a network body) open once both are done.",
			Run:         Returns(map[string]any{"afterOne": 0, "otherBranchRead": []int{1, 2}, "bothCancelled": [][]string{{"c reason", "d reason"}}})},
		Row{ID: "RES-027", Title: "an error in a cloned body reaches the clone", Since: "0.2.0", Source: srcResponse + "; WHATWG Streams §4.2.4 tee()",
			Requirement: "When the stream of a Response's body errors, text() of both the Response and its clone must reject with that error.",
			Rationale:   "clone() tees the body; a clone that resolves with part of the body hides a failed transfer.",
			Run:         Returns([]string{"the source error", "the source error"})},
		Row{ID: "RES-028", Title: "status 200 to 599 is accepted", Since: "0.2.0",
			Requirement: fmt.Sprintf("new Response(null, {status}) must accept %s, and throw RangeError for %s.", Series("and", "%d", accepted), Series("and", "%d", refused)),
			Rationale:   "The bounds are inclusive; an implementation off by one refuses 599 (or accepts 600) where browsers do not.",
			Run:         Case{Params: map[string]any{"statuses": append(accepted, refused...)}, Want: statusRange}.Run},
		Row{ID: "RES-029", Title: "every null-body status refuses any body", Since: "0.2.0",
			Requirement: fmt.Sprintf("new Response(body, {status}) with status %s must throw TypeError for a string, an empty string and an empty byte array, and succeed with a null body.", Series("or", "%d", nullBody)),
			Rationale:   "A null-body status has no body on the wire; an empty string is still a body, so a check on truthiness or on 204 alone is wrong.",
			Run:         Case{Params: map[string]any{"statuses": nullBody}, Want: nullBodyRefusals}.Run},
	)
}
