package suite

import (
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Request specs for classes conform fuzz found: RequestInit members the reference ignored
// (window, the enumerations mode, credentials, cache and referrerPolicy, referrer), where
// engines throw as the Request constructor says.
func requestFuzzedSpecs() []Spec {
	return Defaults{Area: AreaRequest, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "request/cases", Globals: NetworkGlobals(),
		Source:    "WHATWG Fetch §5.4 Request constructor and the RequestInit dictionary's WebIDL enumerations",
		Rationale: "Code written for the web platform relies on the constructor refusing what it cannot honour; an endowment that accepts anything hides a vat's mistakes until it runs elsewhere."}.Specs(
		Row{ID: "REQ-034", Title: "window must be null",
			Requirement: "new Request(url, {window: {}}) must throw TypeError; {window: null} is accepted.",
			Run:         Returns(map[string]any{"object": "TypeError", "null": "no error"})},
		Row{ID: "REQ-035", Title: "RequestInit enumerations are checked and reflected",
			Requirement: "new Request must throw TypeError for mode \"bogus\" or \"navigate\", credentials \"bogus\", cache \"bogus\", cache \"only-if-cached\" outside mode \"same-origin\", and referrerPolicy \"bogus\"; mode, credentials and cache it accepts must read back as given (same-origin, omit, no-store).",
			Run: Returns(map[string]any{
				"mode bogus": "TypeError", "mode navigate": "TypeError", "credentials bogus": "TypeError", "cache bogus": "TypeError",
				"cache only-if-cached": "TypeError", "referrerPolicy bogus": "TypeError", "reflected": []string{"same-origin", "omit", "no-store"},
			})},
		Row{ID: "REQ-036", Title: "referrer must be a URL",
			Requirement: "new Request(url, {referrer: \"bad url\"}) must throw TypeError (a vat has no base URL to resolve it against); an absolute URL or \"\" is accepted.",
			Run:         Returns(map[string]any{"notAURL": "TypeError", "url": "no error", "empty": "no error"})},
	)
}
