package suite

import . "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose

// The abort globals' WebIDL (DOMException's names table, AbortSignal.timeout's argument) and an
// abort's effect on a body nobody has read.
func abortWebIDLSpecs() []Spec {
	const dripForever = "/drip-forever?interval=20"
	entry := func(name string, code int) map[string]any {
		return map[string]any{"name": name, "code": code, "enumerable": []string{}, "json": "{}"}
	}
	codes := map[string]any{"": entry("Error", 0), "EncodingError": entry("EncodingError", 0)}
	for name, code := range map[string]int{"IndexSizeError": 1, "HierarchyRequestError": 3, "WrongDocumentError": 4, "InvalidCharacterError": 5, "NoModificationAllowedError": 7, "NotFoundError": 8, "NotSupportedError": 9, "InvalidStateError": 11, "SyntaxError": 12,
		"InvalidModificationError": 13, "NamespaceError": 14, "InvalidAccessError": 15, "TypeMismatchError": 17, "SecurityError": 18, "NetworkError": 19, "AbortError": 20, "URLMismatchError": 21, "QuotaExceededError": 22, "TimeoutError": 23, "InvalidNodeTypeError": 24, "DataCloneError": 25} {
		codes[name] = entry(name, code)
	}
	return Defaults{Area: AreaAbort, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "abort/webidl", Globals: WithGlobals("AbortSignal", "DOMException"),
		Source:    "WebIDL §3.14.1 DOMException (the error names table), §3.2.4.9 [EnforceRange] unsigned long long; WHATWG DOM §3.2 AbortSignal.timeout(milliseconds)",
		Rationale: "Code tells errors apart by name and legacy code, and gives timeouts computed from its own numbers; an error with another code, or a timeout refused or accepted against WebIDL, breaks that code on one platform only.",
	}.Specs(
		Row{ID: "ABORT-017", Title: "DOMException legacy codes",
			Requirement: "new DOMException(message, name).code must be the legacy code of the WebIDL error names table for each of its names (IndexSizeError 1 to DataCloneError 25), and 0 for a name outside it (EncodingError) and for no name (name \"Error\"); none of its properties is enumerable (Object.keys gives [], JSON.stringify {}).",
			Run:         ReturnsEach("names", codes)},
		Row{ID: "ABORT-019", Title: "DOMException's name, message and code are attributes",
			Requirement: "name, message and code must be getters of DOMException.prototype, not properties of each DOMException (deleting them from one changes nothing it reports), and a name such as toString or constructor must have code 0.",
			Run:         Returns(map[string]any{"own": []string{}, "accessors": []string{"name", "message", "code"}, "afterDelete": []any{"NotFoundError", "gone", 8}, "objectMembers": []int{0, 0, 0}})},
		Row{ID: "ABORT-018", Title: "AbortSignal.timeout takes 0 to 2^53-1 ms",
			Requirement: "AbortSignal.timeout(ms) must return a signal not yet aborted for 0 and for 9007199254740991 (Number.MAX_SAFE_INTEGER), and throw TypeError for 9007199254740992, -1, NaN and Infinity ([EnforceRange] unsigned long long).",
			Run:         ReturnsEach("delays", map[string]any{"0": map[string]any{"aborted": false}, "9007199254740991": map[string]any{"aborted": false}, "9007199254740992": "TypeError", "-1": "TypeError", "NaN": "TypeError", "Infinity": "TypeError"})},
		Row{ID: "ABORT-020", Title: "a body not yet read rejects with the abort reason", Profile: ProfileCore, Globals: WithGlobals("AbortController"),
			Source:      "WHATWG Fetch §5.6 fetch() (abort the fetch() call: error the response's body stream with the reason)",
			Requirement: "When the signal of a fetch that has resolved is aborted before its body (" + dripForever + ") is read, text() and a reader's read() must reject with the abort reason (or an AbortError) at once, not hang and not resolve.",
			Run:         Case{Params: map[string]any{"url": "http://" + HostAllowed + dripForever}, Want: map[string]any{"text": "rejected by the abort", "read": "rejected by the abort"}}.Run},
	)
}
