package dsl

import (
	"encoding/json"
	"strings"
	"time"

	. "github.com/onsi/gomega" //nolint:revive
)

// The other ways out of a vat: network APIs beside the endowed fetch, tried by
// fixtures/egress/other-doors.js, and URLs without a host of their own. mocknet sees HTTP
// (the WebSocket handshake included) and the names looked up at its DNS; for the APIs whose
// traffic is UDP (WebTransport, RTCPeerConnection) it can see only the names, so those must
// be absent or refuse.

// FixtureDoors tries network APIs other than fetch; see fixtures/egress/other-doors.js.
const FixtureDoors = "egress/other-doors"

// HTTPDoors are the APIs other than fetch that speak HTTP (or start with it), as
// FixtureDoors names them: mocknet sees them when they are used.
func HTTPDoors() []string {
	return []string{"import", "importScripts", "Worker", "SharedWorker", "WebSocket", "EventSource", "XMLHttpRequest", "sendBeacon"}
}

// DoorsInWords names doors (FixtureDoors' names) as a requirement does, e.g. "dynamic
// import(), new Worker() or navigator.sendBeacon()".
func DoorsInWords(conj string, doors []string) string {
	words := map[string]string{"import": "dynamic import()", "importScripts": "importScripts()", "Worker": "new Worker()",
		"SharedWorker": "new SharedWorker()", "WebSocket": "new WebSocket()", "EventSource": "new EventSource()",
		"XMLHttpRequest": "XMLHttpRequest", "sendBeacon": "navigator.sendBeacon()", "WebTransport": "new WebTransport()",
		"RTCPeerConnection": "new RTCPeerConnection()", "keepalive": "fetch with keepalive: true"}
	named := make([]string, len(doors))
	for i, d := range doors {
		named[i] = words[d]
	}
	return Series(conj, "%s", named)
}

// UnwatchedDoors are the APIs whose traffic is UDP, which mocknet cannot see.
func UnwatchedDoors() []string { return []string{"WebTransport", "RTCPeerConnection"} }

// DoorURLs are the URLs a door spec tries, http://<host>/<id>/door for each host.
func DoorURLs(id string, hosts ...string) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = "http://" + h + "/" + strings.ToLower(id) + "/door"
	}
	return out
}

// Doors is the run of a spec about network APIs other than fetch: after the positive control
// (the vat's fetch reaches allowed.test, so mocknet would see traffic), FixtureDoors tries
// each of Doors on each of URLs and then fetches a fence on allowed.test. Nothing but the
// fence may reach any host afterwards (or, with Only, nothing may reach Only), also once the
// vat is terminated, and no name but allowed.test may be looked up.
type Doors struct {
	Doors, URLs []string
	// Chain takes each API from the global's prototype chain rather than by name.
	Chain bool
	// Unwatched requires every door to be absent or refuse: its traffic would pass unseen.
	Unwatched bool
	// Only, when set, is the one host that must not be contacted (a redirect's target).
	Only string
}

// Run runs the spec.
func (d Doors) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.ExpectCanReach(vat, HostAllowed)
	mark := t.Mark()
	fence := "/" + strings.ToLower(t.ID()) + "/fence"
	task := vat.Start(FixtureDoors, map[string]any{"doors": d.Doors, "urls": d.URLs, "chain": d.Chain, "fence": t.URL(HostAllowed, fence)})
	var got map[string]map[string]string
	if settled := task.Await(ReadyWithin); settled.Status == "fulfilled" {
		Expect(json.Unmarshal(settled.Value, &got)).To(Succeed(), "%s returned %s, which does not decode", FixtureDoors, settled.Value)
	} else {
		// The implementation refused the program whole (SES rejects a source that spells a
		// dynamic import, even in a string): no door was tried, and the checks below still
		// hold it to having contacted nothing.
		got = map[string]map[string]string{}
		for _, door := range d.Doors {
			got[door] = map[string]string{}
			for _, u := range d.URLs {
				got[door][u] = "threw " + DescribeSettlement(settled) + " (the whole program)"
			}
		}
	}
	t.Logf("what each door did: %v", got)
	vat.Terminate()
	where := "any host"
	if d.Only != "" {
		where = d.Only
	}
	contact := func() Seen {
		return Filter(t.ObservationsAfter(mark), func(o Observation) bool {
			if d.Only != "" {
				return o.Host == d.Only || o.Escape
			}
			return o.Host != HostAllowed || o.Path != fence || o.Preflight
		})
	}
	Expect(contact()).To(BeEmpty(), "nothing may reach %s through %s (the program saw %v); what mocknet saw after the positive control", where, DoorsInWords("or", d.Doors), got)
	if !allRefused(got) {
		// Something was accepted: a request it queued may arrive after the vat is gone.
		Consistently(contact).WithTimeout(SettleWindow).WithPolling(10*time.Millisecond).Should(BeEmpty(),
			"nothing may reach %s through %s, also after the vat was terminated (the program saw %v)", where, DoorsInWords("or", d.Doors), got)
	}
	Expect(t.Lookups().Except(HostAllowed)).To(BeEmpty(), "no name but %s may be looked up; what mocknet's DNS was asked", HostAllowed)
	if d.Unwatched {
		for door, outcomes := range got {
			for u, outcome := range outcomes {
				Expect(Refused(outcome)).To(BeTrue(), "%s of %s must be absent or refuse, since mocknet cannot see where its UDP goes; it %s", door, u, outcome)
			}
		}
	}
}

// Refused reports whether an outcome of FixtureDoors is a refusal: the API was absent, threw
// at once, or reported failure.
func Refused(outcome string) bool {
	for _, p := range []string{"absent", "threw", "failed"} {
		if strings.HasPrefix(outcome, p) {
			return true
		}
	}
	return false
}

func allRefused(got map[string]map[string]string) bool {
	for _, outcomes := range got {
		for _, o := range outcomes {
			if !Refused(o) {
				return false
			}
		}
	}
	return true
}

// RelativeFetch is the run of a spec about URLs without a host of their own: in a vat
// allowed only allowed.test, each fetch of URLs must reject, or resolve on allowed.test where
// mocknet saw it; nothing but allowed.test may be contacted or looked up.
type RelativeFetch struct{ URLs []string }

// Run runs the spec.
func (r RelativeFetch) Run(t *T) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.ExpectCanReach(vat, HostAllowed)
	mark := t.Mark()
	var got map[string]struct {
		Status int
		URL    string
		Error  string
	}
	vat.Run("egress/relative-urls", map[string]any{"urls": r.URLs}).Decode(&got)
	vat.Terminate()
	for _, u := range r.URLs {
		res := got[u]
		if res.Error != "" {
			continue
		}
		Expect(res.URL).To(HavePrefix("http://"+HostAllowed+"/"), "fetch(%q) resolved (status %d); only a URL on %s may resolve, it became %q", u, res.Status, HostAllowed, res.URL)
		path := PathOnly(strings.TrimPrefix(res.URL, "http://"+HostAllowed))
		Expect(Filter(t.ObservationsAfter(mark), OnPath(path))).NotTo(BeEmpty(), "fetch(%q) resolved with %s, which mocknet never saw: it reached something past the mock network", u, res.URL)
	}
	Expect(Filter(t.ObservationsAfter(mark), func(o Observation) bool { return o.Host != HostAllowed })).To(BeEmpty(),
		"only %s may be contacted (the program saw %v); what mocknet saw elsewhere", HostAllowed, got)
	Expect(t.Lookups().Except(HostAllowed)).To(BeEmpty(), "only %s may be looked up; what mocknet's DNS was asked", HostAllowed)
}
