package suite

import (
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Response specs for classes conform fuzz found: a clone of a body a reader holds (the
// reference teed the locked stream from under the reader, whose reads then hung), tee() of a
// locked stream, and the status converted as WebIDL converts an unsigned short.
func responseFuzzedSpecs() []Spec {
	return Defaults{Area: AreaResponse, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "response/cases", Globals: NetworkGlobals(),
		Source:    "WHATWG Fetch §5.3 Body mixin (a body is unusable when its stream is disturbed or locked) and §5.5 Response class",
		Rationale: "Responses are how a vat reads the network and how it fakes it in its own tests; they must behave as on the web platform."}.Specs(
		Row{ID: "RES-046", Title: "clone() of a body a reader holds throws",
			Requirement: "Response.clone() of a response whose body is locked by a reader must throw TypeError, and the reader must still read the whole body (\"abc\").",
			Run:         Returns(map[string]any{"clone": "TypeError", "read": "abc"})},
		Row{ID: "RES-047", Title: "a locked body cannot be teed",
			Source:      "WHATWG Streams §4.2.4 ReadableStream tee() (it acquires a reader) and WHATWG Fetch §5.3 (a body read to its end keeps its reader)",
			Requirement: "body.tee() of a body locked by a reader must throw TypeError; a body read by text() must stay locked, so tee() of it throws too.",
			Run:         Returns(map[string]any{"teeOfLocked": "TypeError", "lockedAfterText": true, "teeAfterText": "TypeError"})},
		Row{ID: "RES-048", Title: "status converts as an unsigned short",
			Source:      "WebIDL §3.2.4 unsigned short (truncation modulo 2^16, no [EnforceRange]) and WHATWG Fetch §5.5 ResponseInit",
			Requirement: "new Response(null, {status}) must convert status as a WebIDL unsigned short before checking the range: 200.5 gives 200, \"404\" gives 404, 65736 gives 200, and NaN (0) throws RangeError.",
			Run:         Returns([]any{200, 404, 200, "RangeError"})},
	)
}
