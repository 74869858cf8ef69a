package suite

const srcHeaders = "WHATWG Fetch §5.2 Headers class"

func headersSpecs() []Spec {
	h := func(id, title, requirement, profile, rationale, name string, want any) semanticCase {
		return semanticCase{id: id, title: title, requirement: requirement, profile: profile, source: srcHeaders,
			rationale: rationale, name: name, want: want}
	}
	const portable = "Programs move between the web platform and vats; header handling that differs breaks them silently."
	return caseSpecs(AreaHeaders, "headers/cases", []semanticCase{
		h("HDR-001", "names are case-insensitive",
			"Headers.get and has must match names case-insensitively, and get must return null for an absent name.",
			ProfileCore, "HTTP header names are case-insensitive; code that depends on spelling breaks against real servers.",
			"case-insensitive", []any{"a", "a", true, nil, false}),
		h("HDR-002", "append combines values",
			"Appending two values under one name (in any case) must make get return them joined by \", \".",
			ProfileCore, portable, "append-combines", "1, 2"),
		h("HDR-003", "values are normalised",
			"append and set must strip leading and trailing HTTP whitespace (tab, space, CR, LF) from values.",
			ProfileFetchAPI, portable, "value-normalised", []any{"one two", "three"}),
		h("HDR-004", "invalid names throw TypeError",
			"append with an empty name, or one containing a space, colon, non-ASCII character, newline or parenthesis, must throw TypeError.",
			ProfileCore, "An invalid name that is accepted ends up on the wire, where it can split or smuggle headers.",
			"invalid-names", []any{"TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError"}),
		h("HDR-005", "invalid values throw TypeError",
			"append with a value containing LF, CR or NUL must throw TypeError.",
			ProfileCore, "CR and LF in a value are header injection; the constructor must refuse them before anything is sent.",
			"invalid-values", []any{"TypeError", "TypeError", "TypeError"}),
		h("HDR-006", "iteration is sorted and combined",
			"Iterating a Headers must yield lower-cased names in sorted order, with the values of one name combined.",
			ProfileFetchAPI, portable, "sorted-iteration", [][]string{{"a", "1, 0"}, {"b", "2"}, {"c", "3"}}),
		h("HDR-007", "set-cookie values stay separate",
			"getSetCookie must return each Set-Cookie value separately, iteration must yield one set-cookie entry per value, and get must combine them.",
			ProfileFetchAPI, "Set-Cookie values contain commas; combining them loses information.",
			"set-cookie", map[string]any{
				"getSetCookie": []string{"a=1", "b=2"},
				"entries":      [][]string{{"set-cookie", "a=1"}, {"set-cookie", "b=2"}, {"x-a", "x"}},
				"get":          "a=1, b=2",
			}),
		h("HDR-008", "constructor accepts records, pairs and Headers",
			"new Headers must accept a record, a sequence of pairs and another Headers with the same result, and throw TypeError for a pair of the wrong length or a non-object init.",
			ProfileCore, portable, "init-forms", map[string]any{
				"fromObject":  [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"fromPairs":   [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"fromHeaders": [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"badPair":     "TypeError",
				"badInit":     "TypeError",
			}),
		h("HDR-009", "set replaces and delete removes",
			"set must replace every value of a name, and delete must remove the name entirely.",
			ProfileCore, portable, "set-and-delete", map[string]any{
				"afterSet": "9", "hasB": false, "entries": [][]string{{"x-a", "9"}},
			}),
		h("HDR-010", "forEach visits in order with thisArg",
			"forEach must call its callback with (value, name, headers) in sorted order, with the given thisArg.",
			ProfileFetchAPI, portable, "for-each", [][]any{{"1", "x-a", true, "this"}, {"2", "x-b", true, "this"}}),
		h("HDR-011", "keys and values iterate sorted",
			"keys() and values() must iterate the sorted, combined list.",
			ProfileFetchAPI, portable, "keys-and-values", map[string]any{"keys": []string{"x-a", "x-b"}, "values": []string{"1", "2"}}),
		h("HDR-012", "values are converted to strings",
			"Non-string values in a record must be converted to strings.",
			ProfileCore, portable, "values-stringified", []string{"1", "true"}),
		h("HDR-013", "Headers is iterable like entries()",
			"Headers.prototype[Symbol.iterator] must be entries, yielding [name, value] pairs.",
			ProfileFetchAPI, portable, "iterator", map[string]any{"sameAsEntries": true, "first": []string{"x-a", "1"}, "done": true}),
		h("HDR-014", "immutable headers refuse changes",
			"The headers of Response.error() are immutable: set, append and delete must throw TypeError.",
			ProfileFetchAPI, "Immutable guards stop code from rewriting what a response said.",
			"immutable-guard", []string{"TypeError", "TypeError", "TypeError"}),
	})
}
