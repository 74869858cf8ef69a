package suite

import (
	"strconv"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// The edges of what a vat builds and reads: Responses, their body streams, UTF-8 decoding.
func responseEdgeSpecs() []Spec {
	const next = "http://allowed.test/next"
	redirects, refused, redirect := []int{301, 302, 303, 307, 308}, []int{200, 300, 304, 305, 306, 309}, map[string]any{}
	for _, s := range redirects {
		redirect[strconv.Itoa(s)] = map[string]any{"status": s, "location": next, "type": "default", "bodyIsNull": true, "headers": 1, "appendToHeaders": "TypeError"}
	}
	for _, s := range refused {
		redirect[strconv.Itoa(s)] = "RangeError"
	}
	ok := func(status int, text string) map[string]any {
		return map[string]any{"status": status, "statusText": text}
	}
	const srcEncoding = "WHATWG Encoding §9.1.1 UTF-8 decoder (lower and upper boundary, maximal subparts), §7.2 TextDecoder decode(input, {stream})"
	rejected, fffd1, fffd2 := "rejected with TypeError", "U+0061 U+FFFD U+0062", "U+0061 U+FFFD U+FFFD U+0062"
	return Defaults{Area: AreaResponse, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "response/edges",
		Source:    "WHATWG Fetch §5.5 Response class (redirect(url, status), new Response(body, init)); WHATWG Streams §4.3 ReadableStreamDefaultReader (closed, releaseLock()); WebIDL §3.2.18 dictionaries, §3.2.4 unsigned short, §3.2.10 ByteString",
		Rationale: "Vats build responses to answer their callers and fake servers, and hand streams on after reading a prefix; a status refused on one platform and accepted on another, or a reader that let go still reporting the stream done, breaks that code where it runs.",
	}.Specs(
		Row{ID: "RES-035", Title: "Response.redirect() takes every redirect status",
			Requirement: "Response.redirect(" + next + ", status) must return a response with that status, Location " + next + ", no other header, immutable headers and a null body for each of " + Series("and", "%d", redirects) + ", and throw RangeError for " + Series("and", "%d", refused) + ".",
			Run:         ReturnsEach("statuses", redirect)},
		Row{ID: "RES-036", Title: "a released reader's closed promise rejects",
			Requirement: "releaseLock() of a reader of a readable body must reject its closed promise, a pending read and any later read() with TypeError and unlock the stream for a new reader that reads the rest; once the stream has closed (closed fulfilled), releaseLock() must make closed a promise rejected with TypeError.",
			Run: Returns(map[string]any{"pendingReadAtRelease": rejected, "secondReader": map[string]any{"text": "abc", "done": true},
				"whileReadable": map[string]any{"closedTakenBefore": rejected, "closedAfter": rejected, "locked": false, "readAfterRelease": rejected}, "afterClose": map[string]any{"closedOnceDone": "fulfilled", "closedAfterRelease": rejected}})},
		Row{ID: "RES-037", Title: "ResponseInit is a WebIDL dictionary",
			Requirement: "new Response(body, init) must treat a null init as empty, throw TypeError for a number, a string or a boolean, and read the members of a function and inherited members.",
			Run:         Returns(map[string]any{"null": ok(200, ""), "number": "TypeError", "string": "TypeError", "boolean": "TypeError", "function": ok(202, ""), "inherited": ok(203, "Inherited")})},
		Row{ID: "RES-042", Title: "status is an unsigned short, statusText a ByteString reason phrase",
			Requirement: "new Response(body, init) must convert status as a WebIDL unsigned short (\"201\" is 201, 200.5 is 200, 599.9 is 599, NaN and ±Infinity are 0 and so a RangeError) and accept a statusText of tab, space, visible ASCII and U+0080 to U+00FF, but throw TypeError for DEL, a control character or a character above U+00FF (TypeError before the RangeError of a status out of range: the init is converted first).",
			Run: Returns(map[string]any{"statusAsString": ok(201, ""), "fractionalStatus": ok(200, ""), "fractionalTopStatus": ok(599, ""), "nanStatus": "RangeError", "infiniteStatus": []string{"RangeError", "RangeError"}, "latin1StatusText": ok(200, "café"),
				"wideStatusText": "TypeError", "wideStatusTextBadStatus": "TypeError", "statusTextBounds": ok(200, "\t ~\u0080\u00ff"), "deleteInStatusText": "TypeError", "controlInStatusText": "TypeError"})},
		Row{ID: "RES-038", Title: "a clone of a response without a body has none",
			Requirement: "clone() of a response without a body (a constructed 204, Response.error()) must have a null body, text() must read \"\", and the clone keeps the type.",
			Run:         Returns(map[string]any{"madeBodyIsNull": true, "madeText": "", "errorBodyIsNull": true, "errorType": "error"})},
		Row{ID: "RES-039", Title: "a stream controller's desiredSize, close and error",
			Requirement: "With the default strategy (a high-water mark of one chunk) a ReadableStream's controller must report desiredSize 1, then 0 with a chunk queued, 0 once closed and null once errored; enqueue and close must throw TypeError once the stream is closing or errored, and error() then does nothing.",
			Run: Returns(map[string]any{"initial": 1, "afterEnqueue": 0, "afterClose": 0, "enqueueAfterClose": "TypeError", "closeAfterClose": "TypeError",
				"afterError": nil, "enqueueAfterError": "TypeError", "closeAfterError": "TypeError", "errorAfterError": "no error", "closedEmpty": 0})},
		Row{ID: "RES-040", Title: "maximal subparts at the bounds of the second byte", Fixture: "response/cases", Source: srcEncoding,
			Requirement: "text() must count a truncated sequence whose second byte is at the bound of its lead's range (E0 A0, E1 80, ED 9F, F0 90, F4 8F) as one maximal subpart, one U+FFFD, and one just past the bound (E0 9F, ED A0, F0 8F, F4 90) as two.",
			Run: ReturnsEach("bodies", map[string]string{"61 E0 A0 62": fffd1, "61 E1 80 62": fffd1, "61 ED 9F 62": fffd1, "61 F0 90 62": fffd1, "61 F0 90 80 62": fffd1, "61 F4 8F 62": fffd1,
				"61 E0 9F 62": fffd2, "61 ED A0 62": fffd2, "61 F0 8F 62": fffd2, "61 F4 90 62": fffd2, "61 C2 80 62": "U+0061 U+0080 U+0062"})},
		Row{ID: "RES-041", Title: "TextDecoder streaming ends a chunk where a character ends", Fixture: "response/cases", Source: srcEncoding, Globals: WithGlobals("TextDecoder"),
			Requirement: "decode(chunk, {stream: true}) must return every character a chunk completes (a 2- or 3-byte character at its end, continuation bytes with no lead) and hold back only a prefix more bytes could complete, which the final decode() turns into one U+FFFD.",
			Run: ReturnsEach("chunks", map[string][]string{"61 C3 A9": {"U+0061 U+00E9", ""}, "61 E2 82 AC": {"U+0061 U+20AC", ""}, "61 80 80 80": {"U+0061 U+FFFD U+FFFD U+FFFD", ""},
				"F0 90 C0": {"U+FFFD U+FFFD", ""}, "61 E2 82": {"U+0061", "U+FFFD"}, "61 C3": {"U+0061", "U+FFFD"}, "F4 8F BF": {"", "U+FFFD"}})},
		Row{ID: "RES-043", Title: "a body that is only a BOM reads as empty", Fixture: "response/cases", Source: srcEncoding,
			Requirement: "text() of a body whose only bytes are a UTF-8 BOM (EF BB BF) must resolve to \"\": the BOM is stripped even when nothing follows it.",
			Run:         ReturnsEach("bodies", map[string]string{"EF BB BF": ""})},
		Row{ID: "RES-044", Title: "other body values are converted to strings",
			Requirement: "A Response or Request body that is none of the types BodyInit names (a number, a boolean, an object with toString) must be converted to a string and sent with Content-Type text/plain;charset=UTF-8.",
			Run:         Returns(map[string]any{"number": []string{"42", "text/plain;charset=UTF-8"}, "object": []string{"obj", "text/plain;charset=UTF-8"}, "boolean": "true"})},
		Row{ID: "RES-045", Title: "TextEncoder encodes UTF-8 and says so", Source: "WHATWG Encoding §8.1 TextEncoder (encoding, encode(input)); WebIDL §3.2.12 USVString", Globals: WithGlobals("TextEncoder"),
			Requirement: "new TextEncoder() must report encoding \"utf-8\" and encode its input's code points as UTF-8: a lone surrogate as U+FFFD (EF BF BD), no argument as no bytes, a number as its string.",
			Run:         Returns(map[string]any{"encoding": "utf-8", "text": []int{0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80}, "none": []int{}, "lone": []int{0xEF, 0xBF, 0xBD}, "number": []int{0x34, 0x32}})},
		Row{ID: "RES-050", Title: "a reader's constructor takes unlocked streams only", Source: "WHATWG Streams §4.3.3 new ReadableStreamDefaultReader(stream) (SetUpReadableStreamDefaultReader: a locked stream throws)",
			Requirement: "The constructor of a body's reader (the prototype's constructor) must throw TypeError for a body another reader holds, and for an unlocked body give a reader that reads it (\"y\").",
			Run:         Returns(map[string]any{"locked": "TypeError", "unlocked": "y"})},
		Row{ID: "RES-051", Title: "tee() cancels its source once both branches are", Globals: WithGlobals("ReadableStream"), Source: "WHATWG Streams §4.9.1 ReadableStreamDefaultTee (cancel1Algorithm, cancel2Algorithm: the composite reason; cancelPromise resolved when the source closes)",
			Requirement: "Cancelling both branches of a stream's tee() must cancel the source once, with the reasons of branch 1 and branch 2 in that order ([\"ra\",\"rb\"]); a branch cancelled while the other branch reads a body to its end (\"xy\") must have its cancel() promise resolve at that end, and one cancelled while the source then errors must have it resolve too.",
			Run:         Returns(map[string]any{"reasons": []string{"ra", "rb"}, "text": "xy", "settled": true, "settledOnError": true})},
		Row{ID: "RES-052", Title: "a stream pulls up to its high-water mark only", Globals: WithGlobals("ReadableStream"), Source: "WHATWG Streams §4.6 ReadableStreamDefaultControllerShouldCallPull (desired size > 0, or a pending read), §6.1.1 the default high-water mark of 1",
			Requirement: "A ReadableStream whose pull enqueues one chunk must have pull called once after it starts (desiredSize 0 then), not again when a reader takes it without reading, and once more after one read.",
			Run:         Returns(map[string]any{"atStart": 1, "desiredAtStart": 0, "withReader": 1, "afterOneRead": 2})},
		Row{ID: "RES-049", Title: "blob() and formData() promise a Blob, a FormData or a TypeError", Source: "WHATWG Fetch §5.3 Body mixin (blob(), formData(): consume body, then package data)",
			Requirement: "new Response(\"x\").blob() and .formData() must each return a promise that resolves with a Blob (a FormData) or rejects with TypeError (an endowment without Blob or FormData, or a body that is no form), and leave bodyUsed true.",
			Run: Case{Check: func(t *T, res Result) {
				var got map[string]map[string]any
				res.Decode(&got)
				for method, want := range map[string][]any{"blob": {"[object Blob]", "TypeError"}, "formData": {"[object FormData]", "TypeError"}} {
					Expect(got[method]).To(And(HaveKeyWithValue("promise", true), HaveKeyWithValue("bodyUsed", true)), "%s() returns a promise and uses the body", method)
					Expect(got[method]["outcome"]).To(BeElementOf(want...), "what the promise of %s() settles with", method)
				}
			}}.Run},
	)
}
