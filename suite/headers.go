package suite

const srcHeaders = "WHATWG Fetch §5.2 Headers class"

func headersSpecs() []Spec {
	const portable = "Programs move between the web platform and vats; header handling that differs breaks them silently."
	return []Spec{
		{
			Requirement: Requirement{
				ID: "HDR-001", Title: "names are case-insensitive",
				Requirement: "Headers.get and has must match names case-insensitively, and get must return null for an absent name.",
				Rationale:   "HTTP header names are case-insensitive; code that depends on spelling breaks against real servers.",
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "case-insensitive", want: []any{"a", "a", true, nil, false}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-002", Title: "append combines values",
				Requirement: "Appending two values under one name (in any case) must make get return them joined by \", \".",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "append-combines", want: "1, 2"}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-003", Title: "values are normalised",
				Requirement: "append and set must strip leading and trailing HTTP whitespace (tab, space, CR, LF) from values.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "value-normalised", want: []any{"one two", "three"}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-004", Title: "invalid names throw TypeError",
				Requirement: "append with an empty name, or one containing a space, colon, non-ASCII character, newline or parenthesis, must throw TypeError.",
				Rationale:   "An invalid name that is accepted ends up on the wire, where it can split or smuggle headers.",
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "invalid-names", want: []any{"TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-005", Title: "invalid values throw TypeError",
				Requirement: "append with a value containing LF, CR or NUL must throw TypeError.",
				Rationale:   "CR and LF in a value are header injection; the constructor must refuse them before anything is sent.",
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "invalid-values", want: []any{"TypeError", "TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-006", Title: "iteration is sorted and combined",
				Requirement: "Iterating a Headers must yield lower-cased names in sorted order, with the values of one name combined.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "sorted-iteration", want: [][]string{{"a", "1, 0"}, {"b", "2"}, {"c", "3"}}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-007", Title: "set-cookie values stay separate",
				Requirement: "getSetCookie must return each Set-Cookie value separately, iteration must yield one set-cookie entry per value, and get must combine them.",
				Rationale:   "Set-Cookie values contain commas; combining them loses information.",
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "set-cookie", want: map[string]any{
				"getSetCookie": []string{"a=1", "b=2"},
				"entries":      [][]string{{"set-cookie", "a=1"}, {"set-cookie", "b=2"}, {"x-a", "x"}},
				"get":          "a=1, b=2",
			}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-008", Title: "constructor accepts records, pairs and Headers",
				Requirement: "new Headers must accept a record, a sequence of pairs and another Headers with the same result, and throw TypeError for a pair of the wrong length or a non-object init.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "init-forms", want: map[string]any{
				"fromObject":  [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"fromPairs":   [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"fromHeaders": [][]string{{"x-a", "1"}, {"x-b", "2"}},
				"badPair":     "TypeError",
				"badInit":     "TypeError",
			}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-009", Title: "set replaces and delete removes",
				Requirement: "set must replace every value of a name, and delete must remove the name entirely.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "set-and-delete", want: map[string]any{
				"afterSet": "9", "hasB": false, "entries": [][]string{{"x-a", "9"}},
			}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-010", Title: "forEach visits in order with thisArg",
				Requirement: "forEach must call its callback with (value, name, headers) in sorted order, with the given thisArg.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "for-each", want: [][]any{{"1", "x-a", true, "this"}, {"2", "x-b", true, "this"}}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-011", Title: "keys and values iterate sorted",
				Requirement: "keys() and values() must iterate the sorted, combined list.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "keys-and-values", want: map[string]any{"keys": []string{"x-a", "x-b"}, "values": []string{"1", "2"}}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-012", Title: "values are converted to strings",
				Requirement: "Non-string values in a record must be converted to strings.",
				Rationale:   portable,
				Profile:     ProfileCore, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "values-stringified", want: []string{"1", "true"}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-013", Title: "Headers is iterable like entries()",
				Requirement: "Headers.prototype[Symbol.iterator] must be entries, yielding [name, value] pairs.",
				Rationale:   portable,
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "iterator", want: map[string]any{"sameAsEntries": true, "first": []string{"x-a", "1"}, "done": true}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-014", Title: "immutable headers refuse changes",
				Requirement: "The headers of Response.error() are immutable: set, append and delete must throw TypeError.",
				Rationale:   "Immutable guards stop code from rewriting what a response said.",
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.1.0",
				Source:  srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "immutable-guard", want: []string{"TypeError", "TypeError", "TypeError"}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-015", Title: "header pairs have exactly two items",
				Requirement: "new Headers(sequence) must throw TypeError for a pair of one, zero or three items or a string, and accept any iterable of two items as a pair.",
				Rationale:   "A malformed pair is a bug in the caller; silently taking part of it sends headers nobody wrote.",
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.2.0",
				Source:  srcHeaders + " (fill, step 1.1) and WebIDL §3.2.17 sequence<sequence<ByteString>>",
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "pair-lengths", want: map[string]any{
				"one": "TypeError", "three": "TypeError", "empty": "TypeError", "stringPair": "TypeError", "two": "no error", "twoFromIterable": "1",
			}}),
		},
		{
			Requirement: Requirement{
				ID: "HDR-016", Title: "the Headers iterator prototype",
				Requirement: "Iterators from entries(), keys() and values() must share one prototype whose [Symbol.toStringTag] is \"Headers Iterator\" (not writable, not enumerable), which has next as an enumerable method, inherits %IteratorPrototype%, and is not the iterator itself.",
				Rationale:   "WebIDL defines the iterator's shape; code that tags, wraps or extends iterators (iterator helpers, polyfills) depends on it.",
				Profile:     ProfileFetchAPI, Area: AreaHeaders, Since: "0.2.0",
				Source:  "WebIDL §3.7.10.1 default iterator objects and §3.7.10.2 iterator prototype object; " + srcHeaders,
				Fixture: fixtureHeadersCases,
			},
			Run: runCase(fixtureHeadersCases, semanticCase{name: "iterator-prototype", want: map[string]any{
				"tag": "Headers Iterator", "toString": "[object Headers Iterator]", "tagWritable": false, "tagEnumerable": false,
				"nextOnInstance": false, "nextIsMethod": true, "nextEnumerable": true, "sharedByKeysAndValues": true,
				"inheritsIteratorPrototype": true, "selfIterable": true, "first": []string{"a", "1"},
			}}),
		},
	}
}
