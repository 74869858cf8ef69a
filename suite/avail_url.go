package suite

import . "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose

// URL and URLSearchParams, endowed when a vat asks for them, are hardened like the network globals.
func availURLSpecs() []Spec {
	frozenClass := map[string]any{"type": "function", "frozen": true, "prototypeFrozen": true}
	return Defaults{Area: AreaAvailability, Profile: ProfileStrict, Since: "0.3.0", Fixture: "availability/describe-globals", Globals: WithGlobals("URL", "URLSearchParams"),
		Source:    "Security argument: an endowed class and its prototype are shared by every piece of code in the vat",
		Rationale: "A writable URL.prototype lets one program in the vat change how every other parses the URLs it fetches, or what URLSearchParams bodies it sends.",
	}.Specs(
		Row{ID: "AVAIL-020", Title: "URL and URLSearchParams are frozen",
			Requirement: "A vat given URL and URLSearchParams beside the network globals must see each of them, and its prototype, frozen.",
			Run:         Case{Params: map[string]any{"names": []string{"URL", "URLSearchParams"}}, Want: map[string]any{"URL": frozenClass, "URLSearchParams": frozenClass}}.Run},
	)
}
