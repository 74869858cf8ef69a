package suite

import (
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Headers specs for classes conform fuzz found: header values are ByteStrings, and the
// reference took any string.
func headersFuzzedSpecs() []Spec {
	return Defaults{Area: AreaHeaders, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "headers/cases", Globals: NetworkGlobals(),
		Source:    "WHATWG Fetch §5.2 Headers class and WebIDL §3.2.11 ByteString",
		Rationale: "A header value is bytes on the wire; a string that is no byte string has no bytes to send, and an endowment that takes it sends something else than the vat wrote."}.Specs(
		Row{ID: "HDR-020", Title: "header values are byte strings",
			Requirement: "Headers must take a value up to U+00FF (\"caf\\u00e9\" reads back unchanged) and throw TypeError for a value with a code point above U+00FF, in append, set and a record init alike.",
			Run:         Returns(map[string]any{"latin": true, "append": "TypeError", "record": "TypeError", "set": "TypeError"})},
	)
}
