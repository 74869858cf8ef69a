package suite

import . "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose

// HeadersInit is a WebIDL union, converted by WebIDL's rules on every platform.
func headersInitSpecs() []Spec {
	return Defaults{Area: AreaHeaders, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "headers/init",
		Source:    "WebIDL §3.2.24 union types (an object with @@iterator is a sequence, any other object a record), §3.2.19 records; WHATWG Fetch §5.2 Headers class (fill)",
		Rationale: "Headers are built from whatever a vat has at hand; an argument that is refused on one platform and turned into headers on another, or that sends headers the vat did not list, makes the request depend on where it runs.",
	}.Specs(
		Row{ID: "HDR-017", Title: "HeadersInit: primitives throw, functions are objects",
			Requirement: "new Headers(init) must give no headers for undefined; throw TypeError for null, a number, a string, a boolean or a symbol; read a function as a record of its own enumerable properties, or as a sequence when it has @@iterator; throw TypeError for a pair that is a string and accept one that is any iterable object; and convert values with toString.",
			Run: Returns(map[string]any{"undefined": []any{}, "null": "TypeError", "number": "TypeError", "string": "TypeError", "boolean": "TypeError", "symbol": "TypeError",
				"functionAsRecord": [][]string{{"x-f", "1"}}, "functionAsSequence": [][]string{{"x-g", "2"}}, "stringAsPair": "TypeError", "iterableAsPair": [][]string{{"x-s", "1"}}, "valueWithToString": [][]string{{"x-o", "v"}}})},
		Row{ID: "HDR-018", Title: "HeadersInit records take enumerable own keys",
			Requirement: "new Headers(record) must take the record's enumerable own string-keyed properties only (not a non-enumerable or inherited one, and no error for a non-enumerable symbol) and throw TypeError for an enumerable symbol-keyed property.",
			Run:         Returns(map[string]any{"nonEnumerable": [][]string{{"x-shown", "1"}}, "inherited": [][]string{{"x-own", "5"}}, "enumerableSymbol": "TypeError"})},
	)
}
