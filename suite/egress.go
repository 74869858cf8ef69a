package suite

import (
	"cmp"
	"fmt"
	"slices"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// The other ways out: a vat's endowed fetch is checked against its allowlist, but a runtime
// offers other network APIs beside it, and import() is syntax no removal of globals reaches.
// A vat may contact the network through none of them (suite/dsl/doors.go).

const srcEgress = "Security argument: a vat reaches the network only through its endowed fetch (harness/PROTOCOL.md §10: a vat has no host API it did not ask for); Snaps removed WebSocket from its endowments for this reason (MetaMask/snaps #846, #1122)"

// door is a spec about one network API other than fetch: Name is the fixture's name for it,
// What how a requirement names it, Of how it names the URLs tried ("of" when empty), Hosts
// the hosts tried (nil: evil.test and allowed.test).
type door struct {
	Row
	Name, What, Of string
	Hosts          []string
}

func egressSpecs() []Spec {
	doors := []door{
		{Row: Row{ID: "EGRESS-001", Title: "dynamic import() of a denied host contacts no host", Rationale: "import() is syntax: no kernel can delete it from a global, and it loads code under the runtime's module policy (CSP script-src, Deno's import permission), not the endowment's allowlist, notify or teardown."},
			Name: "import", What: "dynamic import()", Hosts: []string{HostEvil}},
		{Row: Row{ID: "EGRESS-002", Title: "dynamic import() of the allowed host contacts no host", Rationale: "A module load is a request the endowment never sees, to whatever host: no notify reports it, no teardown closes it, and what it returns runs as code in the vat."},
			Name: "import", What: "dynamic import()", Hosts: []string{HostAllowed}},
		{Row: Row{ID: "EGRESS-003", Rationale: "importScripts() fetches a script and runs it in the worker's scope, under script-src rather than the endowment's allowlist."},
			Name: "importScripts", What: "importScripts()"},
		{Row: Row{ID: "EGRESS-004", Rationale: "A Worker fetches its script and runs with a global of its own, fetch included: a vat that starts one holds a second network endowment nobody configured."},
			Name: "Worker", What: "new Worker()"},
		{Row: Row{ID: "EGRESS-005", Rationale: "A SharedWorker fetches its script and outlives the vat that started it, shared with whoever else names it."},
			Name: "SharedWorker", What: "new SharedWorker()"},
		{Row: Row{ID: "EGRESS-006", Rationale: "A WebSocket is a long-lived two-way channel no fetch allowlist governs; Snaps removed it from its endowments for this reason."},
			Name: "WebSocket", What: "new WebSocket()", Of: "of the ws:// form of"},
		{Row: Row{ID: "EGRESS-007", Rationale: "An EventSource reconnects by itself and keeps a stream open that no teardown of fetch closes."},
			Name: "EventSource", What: "new EventSource()"},
		{Row: Row{ID: "EGRESS-008", Rationale: "XMLHttpRequest is a second HTTP client beside fetch, with redirects and credentials of its own; an endowment that wraps fetch does not wrap it."},
			Name: "XMLHttpRequest", What: "XMLHttpRequest", Of: "opened on"},
		{Row: Row{ID: "EGRESS-009", Rationale: "A beacon is queued for delivery after its sender is gone: no notify reports it and no teardown stops it."},
			Name: "sendBeacon", What: "navigator.sendBeacon()"},
		{Row: Row{ID: "EGRESS-010", Rationale: "WebTransport speaks HTTP/3 over UDP, past the proxy and any allowlist of fetch."},
			Name: "WebTransport", What: "new WebTransport()", Of: "of the https:// form of"},
		{Row: Row{ID: "EGRESS-011", Rationale: "ICE sends STUN over UDP to any address a program names, and a peer connection carries data directly between peers; no allowlist of HTTP hosts applies."},
			Name: "RTCPeerConnection", What: "new RTCPeerConnection()", Of: "with, as its STUN server, the host of each of"},
	}
	rows := make([]Row, 0, len(doors)+5)
	for _, d := range doors {
		hosts, of, title := d.Hosts, cmp.Or(d.Of, "of"), cmp.Or(d.Title, d.What+" contacts no host")
		if hosts == nil {
			hosts = []string{HostEvil, HostAllowed}
		}
		urls := DoorURLs(d.ID, hosts...)
		unwatched := slices.Contains(UnwatchedDoors(), d.Name)
		must := "must contact no host: mocknet must see no request and no DNS lookup from it, whether the API is absent, throws or refuses"
		if unwatched {
			must = "must be absent or refuse (its traffic is UDP, which no allowlist of HTTP hosts governs), and contact no host mocknet can see"
		}
		d.Row.Title = title
		d.Requirement = fmt.Sprintf("In a vat whose fetch may reach only %s, %s %s %s %s.", HostAllowed, d.What, of, Series("and", "%s", urls), must)
		d.Run = Doors{Doors: []string{d.Name}, URLs: urls, Unwatched: unwatched}.Run
		rows = append(rows, d.Row)
	}
	chainURLs := DoorURLs("EGRESS-012", HostEvil, HostAllowed)
	chainDoors := slices.Concat(HTTPDoors()[1:], UnwatchedDoors()) // import() is syntax, on no object
	redirect := fmt.Sprintf("http://%s/redirect-host/%s?path=/egress-016/target", HostAllowed, HostEvil)
	relative := []string{"/egress-013/root", "egress-013/relative", "./egress-013/dot", "?egress-013"}
	protocolRelative := []string{"//" + HostEvil + "/egress-014/a", `\\` + HostEvil + `\egress-014\b`, "//" + HostAllowed + "/egress-014/c"}
	rows = append(rows,
		Row{ID: "EGRESS-012", Title: "the same APIs found on the global's prototype chain contact no host",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, %s, each taken from the first object of the global's prototype chain that holds it (not through the global itself), used on %s, must contact no host, and %s must be absent or refuse.",
				HostAllowed, DoorsInWords("and", chainDoors), Series("and", "%s", chainURLs), DoorsInWords("and", UnwatchedDoors())),
			Rationale: "A worker's or window's global keeps its APIs on prototypes (WorkerGlobalScope.prototype, EventTarget.prototype); a kernel that deletes or shadows the global's own property leaves the prototype's in reach of Object.getPrototypeOf(globalThis).",
			Run:       Doors{Doors: chainDoors, URLs: chainURLs, Chain: true}.Run},
		Row{ID: "EGRESS-013", Title: "relative URLs contact no host but the allowed ones",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, fetch(url) of each of %s must reject, or resolve on %s where mocknet sees it; no other host may be contacted or looked up.", HostAllowed, Series("and", "%q", relative), HostAllowed),
			Rationale:   "A relative URL resolves against the vat's own location where it has one (a worker's script URL, a page's origin): a request to a host nobody allowed, and one the proxy may never see.",
			Fixture:     "egress/relative-urls", Run: RelativeFetch{URLs: relative}.Run},
		Row{ID: "EGRESS-014", Title: "protocol-relative URLs contact no host but the allowed ones",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, fetch(url) of each of %s must reject, or resolve on %s where mocknet sees it; %s must never be contacted nor looked up.", HostAllowed, Series("and", "%q", protocolRelative), HostAllowed, HostEvil),
			Rationale:   "A protocol-relative URL takes its scheme from the vat's location and its host from the program, and URL parsing reads backslashes as slashes: either spelling names a host the allowlist must check.",
			Fixture:     "egress/relative-urls", Run: RelativeFetch{URLs: protocolRelative}.Run},
		Row{ID: "EGRESS-015", Title: "a keepalive request is closed at teardown",
			Requirement: fmt.Sprintf("Terminating a vat while a fetch with keepalive: true (a POST to http://%s/hang) waits for its response must close that connection within %s, and the fetch must never settle.", HostAllowed, CloseDeadline),
			Rationale:   "keepalive exists so that a request outlives the page or worker that made it, the opposite of teardown: a kernel that hands it to the browser or runtime loses the means to stop it.",
			Source:      "WHATWG Fetch §5.3 (RequestInit keepalive) and §4.1 (a keepalive request survives its fetch group's termination); ocap-kernel vat termination",
			Fixture:     "egress/keepalive", Run: HeldOpen{Path: "/hang"}.Run},
		Row{ID: "EGRESS-016", Title: "a redirect to a denied host is followed through no other API",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, a request for %s (a redirect to %s) through %s must never reach %s nor look its name up.", HostAllowed, redirect, HostEvil, DoorsInWords("or", append(HTTPDoors(), "keepalive")), HostEvil),
			Rationale:   "An allowlist checked on the first URL only is no allowlist: each API that follows redirects must check every hop, keepalive requests (which browsers hand to another process) included.",
			Run:         Doors{Doors: append(HTTPDoors(), "keepalive"), URLs: []string{redirect}, Only: HostEvil}.Run},
	)
	return Defaults{Area: AreaEgress, Profile: ProfileCore, Since: "0.3.0", Source: srcEgress, Fixture: FixtureDoors}.Specs(rows...)
}
