package suite

import (
	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// A response fetched from the network, not built by the vat: code written for the web
// platform reads it the same way (Snaps' and ocap-kernel's callers do).

func fetchedResponseSpecs() []Spec {
	fetched := func(t *T, check string) map[string]any {
		var got map[string]any
		vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
		vat.Run(t.Fixture(), map[string]any{"url": t.URL(HostAllowed, "/base64/aGVsbG8="), "check": check}).Decode(&got)
		t.AwaitObservation("the fetch of /base64/aGVsbG8=", ReadyWithin, PathIs("/base64/aGVsbG8="))
		return got
	}
	return Defaults{Area: AreaResponse, Profile: ProfileFetchAPI, Since: "0.3.0", Fixture: "response/fetched",
		Source:    "WHATWG Fetch §5.3 Body mixin (bytes()), §5.5 Response class (clone()); WebIDL §3.7.6 class string",
		Rationale: "A fetched response is what a vat reads most; code that works on a constructed Response and breaks on a fetched one fails only in production.",
	}.Specs(
		Row{ID: "RES-032", Title: "a fetched body's bytes()",
			Requirement: "bytes() of a fetched response must resolve with a Uint8Array of the body's bytes and mark the body used.",
			Run: func(t *T) {
				got := fetched(t, "bytes")
				Expect(got).To(HaveKeyWithValue("bytesTag", "[object Uint8Array]"))
				Expect(got).To(HaveKeyWithValue("bytes", []any{104.0, 101.0, 108.0, 108.0, 111.0}), "the bytes of \"hello\"")
				Expect(got).To(HaveKeyWithValue("bodyUsed", true))
			}},
		Row{ID: "RES-033", Title: "a fetched response's class strings",
			Requirement: "Object.prototype.toString of a fetched response, its headers and its body must give [object Response], [object Headers] and [object ReadableStream].",
			Run: func(t *T) {
				got := fetched(t, "tags")
				Expect(got).To(HaveKeyWithValue("responseTag", "[object Response]"))
				Expect(got).To(HaveKeyWithValue("headersTag", "[object Headers]"))
				Expect(got).To(HaveKeyWithValue("bodyTag", "[object ReadableStream]"))
			}},
		Row{ID: "RES-034", Title: "a fetched response's clone is a Response",
			Requirement: "clone() of a fetched response must be an instance of Response whose body reads the same bytes.",
			Run: func(t *T) {
				got := fetched(t, "clone")
				Expect(got).To(HaveKeyWithValue("cloneIsResponse", true))
				Expect(got).To(HaveKeyWithValue("cloneText", "hello"))
			}},
	)
}
