package suite

import (
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// A kernel grants a vat a subset of the endowment (ocap-kernel: fetch, Request, Headers,
// Response, AbortController, AbortSignal and a few encoders, no DOMException and no
// ReadableStream). What it grants must work without what it does not.

// narrowGrant is the run of a spec granting exactly granted: each granted global works, every
// other web global the spec lists is absent.
func narrowGrant(granted ...string) func(t *T) {
	return func(t *T) {
		network := VatConfig{Globals: granted, AllowedHosts: []string{HostAllowed}}
		vat := t.NewVat(network)
		var got struct {
			Types       map[string]string
			Status      int
			TextLength  int
			ReaderBytes int
			IsResponse  *bool
			Request     map[string]any
			Response    map[string]any
		}
		vat.Run("availability/narrow-grant", map[string]any{
			"url": t.URL(HostAllowed, "/range/5000"), "granted": granted, "names": WebGlobals(),
		}).Decode(&got)
		for _, name := range granted {
			Expect(got.Types[name]).To(Equal("function"), "typeof %s in a vat granted exactly %v", name, granted)
		}
		if slices.Contains(granted, "fetch") {
			Expect(got.Status).To(Equal(200), "fetch of /range/5000 in a vat granted exactly %v", granted)
			Expect(got.TextLength).To(Equal(5000), "length of text() of a 5000-byte ASCII body")
			Expect(got.ReaderBytes).To(Equal(5000), "bytes read through res.body.getReader() to done, without ReadableStream granted")
			if got.IsResponse != nil {
				Expect(*got.IsResponse).To(BeTrue(), "(await fetch(u)) instanceof Response")
			}
			Expect(t.ObservationsOf(HostAllowed)).To(HaveLen(2), "mocknet must see both fetches reach %s", HostAllowed)
		} else {
			Expect(t.Observations()).To(BeEmpty(), "a vat without fetch sends nothing; what mocknet saw")
		}
		if got.Request != nil {
			Expect(got.Request).To(Equal(map[string]any{"method": "POST", "url": "http://allowed.test/x", "header": "1", "body": "sent"}), "a Request built and read without fetch")
			Expect(got.Response).To(Equal(map[string]any{"status": float64(201), "header": "2", "body": "made"}), "a Response built and read without fetch")
		}
	}
}

// hostAPIsBut is hostAPIs without the granted names.
func hostAPIsBut(granted ...string) []string {
	var out []string
	for _, name := range hostAPIs() {
		if !slices.Contains(granted, name) {
			out = append(out, name)
		}
	}
	return out
}

// hostAPIs are the host APIs a vat does not have unless it asked for them (harness/PROTOCOL.md
// §10): the web platform's globals, timers, the worker or window scope, the runtime's objects.
func hostAPIs() []string {
	return []string{
		"fetch", "Request", "Headers", "Response", "AbortController", "AbortSignal", "DOMException",
		"ReadableStream", "WritableStream", "TransformStream", "TextEncoder", "TextDecoder", "URL", "URLSearchParams",
		"Blob", "FormData", "Event", "EventTarget", "MessageChannel", "BroadcastChannel", "WebSocket", "EventSource",
		"Worker", "structuredClone", "atob", "btoa", "crypto", "performance", "navigator", "location", "caches",
		"setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask",
		"self", "postMessage", "close", "onmessage", "addEventListener", "name",
		"Deno", "process", "require", "module", "Buffer", "global",
	}
}

func narrowGrantSpecs() []Spec {
	abortNoDOMException := WithGlobals("AbortController", "AbortSignal")
	fetchAndResponse := []string{"fetch", "Response"}
	return Defaults{Area: AreaAvailability, Profile: ProfileCore, Since: "0.3.0", Fixture: "availability/narrow-grant",
		Source:    "ocap-kernel: VatSupervisor grants only the names of ALLOWED_GLOBAL_NAMES (packages/ocap-kernel/src/vats/endowments.ts) and refuses others at createVat; a vat's config names the globals it gets",
		Rationale: "Kernels grant a vat part of the endowment; a granted global that relies on one the kernel withholds fails in the kernel's vats and nowhere else.",
	}.Specs(
		Row{ID: "AVAIL-019", Title: "no host API beyond the grant",
			Requirement: "A vat granted " + Series("and", "%s", fetchAndResponse) + " must have them and none of " + Series("or", "%s", hostAPIsBut(fetchAndResponse...)) + " on its global object (own or inherited).",
			Fixture:     "availability/host-apis", Globals: fetchAndResponse,
			Source:    "harness/PROTOCOL.md §10 (a vat does not have any host API it did not ask for); ocap-kernel's VatSupervisor endows only granted names",
			Rationale: "Every host API left on a vat's global object is authority the kernel did not grant: a timer keeps a torn-down vat running, a socket or worker is a way out past the allowlist.",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var has map[string]bool
				vat.Run(t.Fixture(), map[string]any{"names": hostAPIs()}).Decode(&has)
				for _, granted := range t.Globals() {
					Expect(has[granted]).To(BeTrue(), "the granted %s must be on the vat's global object (the positive control of this check)", granted)
				}
				var present []string
				for _, name := range hostAPIsBut(t.Globals()...) {
					if has[name] {
						present = append(present, name)
					}
				}
				Expect(present).To(BeEmpty(), "host APIs on the global object of a vat granted only %v", t.Globals())
			}},
		Row{ID: "AVAIL-014", Title: "fetch alone works",
			Requirement: "A vat granted only fetch must fetch an allowed URL and read its body with text() and through res.body.getReader() to the end.",
			Globals:     []string{"fetch"}, Run: narrowGrant("fetch")},
		Row{ID: "AVAIL-015", Title: "Request, Headers and Response work without fetch",
			Requirement: "A vat granted Request, Headers and Response without fetch must build and read requests, headers and responses, and send nothing.",
			Globals:     []string{"Request", "Headers", "Response"}, Run: narrowGrant("Request", "Headers", "Response")},
		Row{ID: "AVAIL-016", Title: "bodies are readable without ReadableStream",
			Requirement: "A vat granted fetch, Request, Headers and Response but not ReadableStream must read a fetched body through res.body.getReader() to the end, and a fetched response must be an instance of Response.",
			Run:         narrowGrant(NetworkGlobals()...)},
		Row{ID: "AVAIL-017", Title: "abort works without DOMException",
			Requirement: "In a vat granted fetch, Request, Headers, Response, AbortController and AbortSignal but not DOMException, aborting an in-flight fetch must reject it with an error named AbortError and close its connection (mocknet sees the client close within 2 s).",
			Fixture:     "availability/abort-by-name", Globals: abortNoDOMException,
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				task := vat.Start("availability/abort-by-name", map[string]any{"url": t.URL(HostAllowed, "/hang")})
				t.AwaitObservation("the request to abort", ReadyWithin, PathIs("/hang"))
				vat.AwaitLog(ReadyMarker, ReadyWithin)
				t.ExpectOpen("the request to abort", 1, PathIs("/hang"))
				abortedAt := time.Now()
				Expect(vat.Eval("conformAbort()")).To(Returned(), "controller.abort() in a vat without DOMException must not throw")
				var got map[string]any
				task.AwaitValue(CloseDeadline, &got)
				Expect(got).To(HaveKeyWithValue("name", "AbortError"), fmt.Sprintf("the aborted fetch must reject with an error named AbortError; the program saw %v", got))
				t.ExpectClosedWithin("the aborted request", abortedAt, CloseDeadline, PathIs("/hang"))
			}},
		Row{ID: "AVAIL-018", Title: "ocap-kernel's grant works together",
			Requirement: "A vat granted ocap-kernel's network globals (fetch, Request, Headers, Response, AbortController, AbortSignal, TextEncoder, TextDecoder, URL, URLSearchParams) must fetch a URL object, send a URLSearchParams body and decode the answer with TextDecoder.",
			Fixture:     "availability/ocap-grant", Globals: WithGlobals("AbortController", "AbortSignal", "TextEncoder", "TextDecoder", "URL", "URLSearchParams"),
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				res := vat.Run("availability/ocap-grant", map[string]any{"url": t.URL(HostAllowed, "/anything/avail-018")})
				Expect(res).To(ReturnedJSON(map[string]any{"status": 200, "method": "POST", "form": map[string]any{"a": []any{"1"}, "b": []any{"two words"}}, "decoded": true}))
				seen := t.AwaitObservation("the POST to /anything/avail-018", ReadyWithin, PathIs("/anything/avail-018"))
				Expect(string(seen.BodyPrefix)).To(Equal("a=1&b=two+words"), "the body mocknet received: %s", DescribeObservation(seen))
				Expect(seen.Header.Get("Content-Type")).To(Equal("application/x-www-form-urlencoded;charset=UTF-8"), "a URLSearchParams body's Content-Type: %s", DescribeObservation(seen))
			}},
	)
}
