package suite

import (
	"slices"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcNotify = "MetaMask Snaps network endowment: notify({method: 'OutboundRequest' | 'OutboundResponse', params: {source: 'fetch'}}), used by the execution service to pause the snap's timeout while a request is out"

func notifySpecs() []Spec {
	newVat := func(t *T) *Vat { return t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}}) }
	// fetchAndRead fetches path on allowed.test in vat and reads the body with read ('none',
	// 'text', 'json' or 'arrayBuffer'); it returns the status.
	fetchAndRead := func(t *T, vat *Vat, path, read string) Result {
		return vat.Run("notify/fetch-and-read", map[string]any{"url": t.URL(HostAllowed, path), "read": read})
	}
	// failed runs notify/fetch-failing, which fetches url and reads the body, and requires
	// that either fails.
	failed := func(vat *Vat, url, why string) {
		var got struct{ Failed bool }
		vat.Run("notify/fetch-failing", map[string]any{"url": url}).Decode(&got)
		Expect(got.Failed).To(BeTrue(), why)
	}
	pair := []string{OutboundRequest, OutboundResponse}
	twoPairs := []string{OutboundRequest, OutboundResponse, OutboundRequest, OutboundResponse}
	return Defaults{Area: AreaNotify, Profile: ProfileCore, Since: "0.1.0", Source: srcNotify, Fixture: "notify/fetch-and-read"}.Specs(
		Row{ID: "NOTIFY-001", Title: "a fetch reports request and response",
			Requirement: "A completed fetch must emit OutboundRequest and then OutboundResponse through notify, both delivered before the evaluate that made the fetch returns.",
			Rationale:   "The kernel accounts for a vat's network time with these events; they must exist and be in order by the time the vat's code finishes.",
			Run: func(t *T) {
				vat := newVat(t)
				Expect(fetchAndRead(t, vat, "/status/200", "none")).To(ReturnedJSON(200))
				Expect(vat.NotifyMethods()).To(Equal(pair), "notify methods emitted by one fetch without a body read")
			}},
		Row{ID: "NOTIFY-002", Title: "OutboundRequest while the request is out",
			Requirement: "While a fetch waits for response headers, OutboundRequest must already have been emitted and OutboundResponse not yet.",
			Rationale:   "The execution service pauses the vat's timeout on OutboundRequest; emitting it late (or OutboundResponse early) lets a slow server kill a healthy vat.",
			Fixture:     "teardown/fetch-and-wait",
			Run: func(t *T) {
				vat := newVat(t)
				vat.Start("teardown/fetch-and-wait", map[string]any{"url": t.URL(HostAllowed, "/hang")})
				t.AwaitObservation("the request to /hang", CloseDeadline, PathIs("/hang"))
				Eventually(vat.NotifyMethods).WithTimeout(CloseDeadline).WithPolling(5*time.Millisecond).Should(ContainElement(OutboundRequest),
					"OutboundRequest must be emitted while the request is out")
				Expect(vat.NotifyMethods()).NotTo(ContainElement(OutboundResponse), "no response has arrived yet")
			}},
		Row{ID: "NOTIFY-003", Title: "OutboundResponse when headers arrive",
			Requirement: "OutboundResponse must be emitted once response headers arrive, without waiting for the body to end.",
			Rationale:   "A streaming response may never end; the vat is no longer waiting on the network once it holds the response.",
			Fixture:     "teardown/hold-response",
			Run: func(t *T) {
				vat := newVat(t)
				vat.Start("teardown/hold-response", map[string]any{"url": t.URL(HostAllowed, "/drip-forever?interval=50")})
				Eventually(vat.NotifyMethods).WithTimeout(CloseDeadline).WithPolling(5*time.Millisecond).Should(ContainElement(OutboundResponse),
					"OutboundResponse must follow the headers of a body that never ends")
			}},
		Row{ID: "NOTIFY-004", Title: "notify params name the source",
			Requirement: "Every notify event of a fetch must carry params {source: 'fetch'}.",
			Rationale:   "Consumers route events by source; other endowments emit the same methods.",
			Run: func(t *T) {
				vat := newVat(t)
				Expect(fetchAndRead(t, vat, "/status/200", "text")).To(ReturnedJSON(200))
				Expect(vat.Notifications()).NotTo(BeEmpty())
				for _, ev := range vat.Notifications() {
					Expect(ev.Params).To(MatchJSON(`{"source": "fetch"}`), "params of %s", ev.Method)
				}
			}},
		Row{ID: "NOTIFY-005", Title: "denied fetch reports nothing",
			Requirement: "A fetch rejected by the allowlist must not emit OutboundRequest or OutboundResponse.",
			Rationale:   "Nothing went out; reporting an outbound request that never existed skews the kernel's accounting and hides the denial.",
			Fixture:     "notify/fetch-failing",
			Run: func(t *T) {
				vat := newVat(t)
				t.Precondition("an allowed fetch in the same vat must emit OutboundRequest and OutboundResponse (NOTIFY-001), or silence after a denied one proves nothing", func() {
					Expect(fetchAndRead(t, vat, "/status/200", "none")).To(ReturnedJSON(200))
					Expect(vat.NotifyMethods()).To(Equal(pair), "notify methods of the allowed fetch")
				})
				before := len(vat.Notifications())
				failed(vat, t.URL(HostEvil, "/status/200"), "fetch of a denied host must reject")
				Expect(vat.NotifyMethods()[before:]).To(BeEmpty(), "a denied fetch emitted notify events")
			}},
		Row{ID: "NOTIFY-006", Title: "failed fetch still pairs its events",
			Requirement: "A fetch that fails after going out (the server cuts the connection) must emit OutboundResponse after its OutboundRequest.",
			Rationale:   "An unpaired OutboundRequest leaves the kernel believing the vat is still waiting on the network, so its timeout stays paused forever.",
			Fixture:     "notify/fetch-failing",
			Run: func(t *T) {
				vat := newVat(t)
				failed(vat, t.URL(HostAllowed, "/reset"), "reading a body whose connection was cut must fail")
				methods := vat.NotifyMethods()
				Expect(methods).To(ContainElement(OutboundRequest))
				count := func(method string) int {
					return len(slices.DeleteFunc(slices.Clone(methods), func(m string) bool { return m != method }))
				}
				Expect(count(OutboundResponse)).To(Equal(count(OutboundRequest)), "every OutboundRequest must be paired by an OutboundResponse, got %v", methods)
			}},
		Row{ID: "NOTIFY-007", Title: "body reads are reported as a pair",
			Requirement: "Reading a response body with text(), json() or arrayBuffer() must emit a further OutboundRequest/OutboundResponse pair around the read.",
			Profile:     ProfileSnapsCompat,
			Rationale:   "Snaps pauses the snap's timeout while a body is being read from the network; kernels that run snaps rely on the pair.",
			Run: func(t *T) {
				for _, read := range []string{"text", "json", "arrayBuffer"} {
					vat := newVat(t)
					Expect(fetchAndRead(t, vat, "/json", read)).To(ReturnedJSON(200))
					Expect(vat.NotifyMethods()).To(Equal(twoPairs), "notify methods of fetch + %s()", read)
				}
			}},
		Row{ID: "NOTIFY-009", Title: "one body-read pair per fetch, clones included",
			Requirement: "Reading the body of a fetched response and then of its clone must emit one further OutboundRequest/OutboundResponse pair in total, not one per read.",
			Profile:     ProfileSnapsCompat,
			Rationale:   "Snaps shares the body-read pair between a response and its clones; a kernel that pauses a snap's clock on OutboundRequest and resumes it on OutboundResponse counts on pairs that never nest or repeat.",
			Fixture:     "notify/read-original-and-clone",
			Run: func(t *T) {
				vat := newVat(t)
				Expect(vat.Run("notify/read-original-and-clone", map[string]any{"url": t.URL(HostAllowed, "/bytes/32")})).To(ReturnedJSON(200))
				Expect(vat.NotifyMethods()).To(Equal(twoPairs), "notify methods of fetch, clone, and text() of both")
			}},
		Row{ID: "NOTIFY-008", Title: "events reach only the emitting vat",
			Requirement: "Notify events of a fetch in one vat must be reported for that vat only.",
			Rationale:   "The kernel keeps a timeout per vat; an event attributed to the wrong vat pauses or resumes the wrong clock.",
			Run: func(t *T) {
				a, b := newVat(t), newVat(t)
				Expect(fetchAndRead(t, a, "/status/200", "none")).To(ReturnedJSON(200))
				Expect(a.NotifyMethods()).To(ContainElement(OutboundRequest))
				Expect(b.NotifyMethods()).To(BeEmpty(), "vat %s made no request but received notify events", b.ID())
			}},
	)
}
