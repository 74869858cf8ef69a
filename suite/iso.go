package suite

import (
	"slices"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/mocknet"
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcIsolation       = "ocap-kernel: each vat is its own compartment with its own endowments"
	srcIsolationStrict = "security argument (strict): vat code must not reach host capabilities or another vat's state through the endowment's objects; WebIDL defines the members an interface object has"
)

// webIDLMembers are the own keys the WebIDL definitions of fetch, Headers, Request and
// Response give their interface and prototype objects (symbols as @@name). Implementations
// may omit members but not add any.
var webIDLMembers = map[string][]string{
	"fetch":   {"length", "name"},
	"Headers": {"length", "name", "prototype"},
	"Headers.prototype": {"constructor", "append", "delete", "get", "getSetCookie", "has", "set",
		"forEach", "entries", "keys", "values", "@@iterator", "@@toStringTag"},
	"Request": {"length", "name", "prototype"},
	"Request.prototype": {"constructor", "method", "url", "headers", "destination", "referrer",
		"referrerPolicy", "mode", "credentials", "cache", "redirect", "integrity", "keepalive",
		"isReloadNavigation", "isHistoryNavigation", "signal", "duplex", "clone", "body", "bodyUsed",
		"arrayBuffer", "blob", "bytes", "formData", "json", "text", "@@toStringTag"},
	"Response": {"length", "name", "prototype", "error", "redirect", "json"},
	"Response.prototype": {"constructor", "type", "url", "redirected", "status", "ok", "statusText",
		"headers", "clone", "body", "bodyUsed", "arrayBuffer", "blob", "bytes", "formData", "json",
		"text", "@@toStringTag"},
	"fetched Response":         {},
	"fetched Response headers": {},
	"fetched Response body":    {},
}

func isolationSpecs() []Spec {
	return Defaults{Area: AreaIsolation, Profile: ProfileCore, Since: "0.1.0", Source: srcIsolation}.Specs(
		Row{ID: "ISO-001", Title: "globals are not shared",
			Requirement: "A global a vat defines must not be visible in another vat.",
			Rationale:   "Vats are separate principals; a shared global object is a channel between them.",
			Fixture:     "isolation/global",
			Run: func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(a.Run("isolation/global", map[string]any{"op": "set", "name": "conformShared", "value": "from A"})).To(Returned())
				Expect(b.Run("isolation/global", map[string]any{"op": "get", "name": "conformShared"})).
					To(ReturnedJSON(map[string]any{"type": "undefined", "value": nil}), "vat B must not see vat A's global")
			}},
		Row{ID: "ISO-002", Title: "tampering stays in its vat",
			Requirement: "Whatever one vat does to its fetch, Headers, Request and Response (replacing methods, statics or prototypes), another vat's must behave as specified.",
			Rationale:   "Endowments shared between vats let one vat rewrite what another sees from the network.",
			Fixture:     "isolation/tamper",
			// The program rewrites the endowment; it runs after every other spec.
			Tampers: true,
			Run: func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var tookEffect []string
				a.Run("isolation/tamper", nil).Decode(&tookEffect)
				t.Logf("tampering that took effect in vat A: %v", tookEffect)
				Expect(b.Run("isolation/check-intact", map[string]any{"url": t.URL(HostAllowed, "/")})).To(ReturnedJSON(map[string]any{
					"headersGet": "1", "responseText": "body", "responseJson": map[string]any{"a": 1}, "requestClone": true, "fetchCall": true,
				}), "vat B's endowment after vat A tampered with %v", tookEffect)
			}},
		Row{ID: "ISO-003", Title: "concurrent vats get their own responses",
			Requirement: "Two vats fetching at the same time must each receive the response to their own request.",
			Rationale:   "Responses crossing between vats would leak one principal's data to another.",
			Fixture:     "isolation/echo",
			Run: func(t *T) {
				var tasks []*Task
				tags := []string{"vat-a", "vat-b", "vat-c"}
				for _, tag := range tags {
					v := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
					tasks = append(tasks, v.Start("isolation/echo", map[string]any{"base": "http://" + HostAllowed, "tag": tag}))
				}
				for i, task := range tasks {
					var got string
					task.AwaitValue(CloseDeadline*5, &got)
					Expect(got).To(Equal(tags[i]), "each vat must receive its own response")
				}
			}},
		Row{ID: "ISO-004", Title: "endowed objects have only WebIDL members",
			Requirement: "fetch, Headers, Request, Response and their prototypes must have no own properties beyond their WebIDL members, and a fetched response, its headers and its body no own properties at all.",
			Profile:     ProfileStrict,
			Source:      srcIsolationStrict,
			Rationale:   "Extra members (internal slots as symbols, handles to the host's fetch, wrappers' private state) are paths from vat code to host capabilities or to state the vat must not touch.",
			Fixture:     "isolation/own-keys",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				var got map[string][]string
				vat.Run("isolation/own-keys", map[string]any{"url": t.URL(HostAllowed, "/bytes/8")}).Decode(&got)
				extra := map[string][]string{}
				for object, keys := range got {
					for _, k := range keys {
						if !slices.Contains(webIDLMembers[object], k) {
							extra[object] = append(extra[object], k)
						}
					}
					slices.Sort(extra[object])
				}
				Expect(extra).To(BeEmpty(), "own properties beyond WebIDL's, by object")
			}},
		Row{ID: "ISO-005", Title: "one vat's abort does not reach another",
			Requirement: "Aborting a fetch in one vat must not affect a fetch of the same URL in another vat.",
			Rationale:   "Shared abort or request state would let one vat cancel another's work.",
			Fixture:     "isolation/read-until-aborted", Globals: WithGlobals("AbortController"),
			Run: func(t *T) {
				a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				// Both read a body that never ends, so vat A's abort cannot race the end of a body.
				url := t.URL(HostAllowed, "/drip-forever?interval=20")
				taskA := a.Start("isolation/read-until-aborted", map[string]any{"url": url})
				taskB := b.Start("isolation/read-until-aborted", map[string]any{"url": url})
				a.AwaitLog(ReadyMarker, ReadyWithin)
				b.AwaitLog(ReadyMarker, ReadyWithin)
				streaming := PathIs("/drip-forever")
				t.ExpectOpen("both vats' streams", 2, streaming)
				Expect(a.Eval("conformAbort()")).To(Returned())
				settledA := taskA.Await(CloseDeadline)
				Expect(string(settledA.Value)).To(Equal(`"AbortError"`), "vat A's own fetch is aborted: %s", DescribeSettlement(settledA))
				open := func() int {
					return len(Filter(t.Observations(), func(o Observation) bool { return streaming(o) && o.Outcome == mocknet.OutcomeInFlight }))
				}
				Eventually(open).WithTimeout(CloseDeadline).WithPolling(5*time.Millisecond).Should(Equal(1), "vat A's aborted stream must close, vat B's stay open")
				Consistently(open).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).Should(Equal(1), "vat B's stream must stay open when vat A aborts its own")
				_, settled := taskB.Settlement()
				Expect(settled).To(BeFalse(), "vat B's read must still be pending when vat A aborts")
			}},
	)
}
