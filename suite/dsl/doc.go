// Package dsl is the language conformance specs are written in: the guide for spec writers.
//
// A spec body receives a *T. Through it the spec creates vats on the implementation under
// test, runs fixture programs in them, and asserts on two things: what the vat returned, and
// what the mock network saw. Assertions are Gomega's, plus the matchers here (Returned,
// ReturnedJSON, Threw), whose failure messages say what the program did.
//
//	func(t *dsl.T) {
//		vat := t.NewVat(dsl.VatConfig{AllowedHosts: []string{dsl.HostAllowed}})
//		res := vat.Run("allowlist/fetch-url", map[string]any{"url": t.URL(dsl.HostEvil, "/anything")})
//		Expect(res).To(dsl.Threw(""))        // what the vat saw
//		vat.Terminate()
//		t.ExpectNoContact(dsl.HostEvil)       // what the network saw
//	}
//
// The pieces:
//
//   - T: the spec's handle. NewVat/CreateVat make vats (VatConfig: globals and allowedHosts);
//     Observations, ObservationsOf, AwaitObservation, ExpectNoContact and ExpectClosedWithin
//     read mocknet's record of this spec; Handle adds a route to a virtual host; Logf adds a
//     line to the journal printed when the spec fails.
//   - Vat: Run (a fixture from fixtures/, awaited), Eval (an inline program), Start (a Task
//     that keeps running), Terminate (teardown), AwaitLog (wait for the fixture's
//     ReadyMarker), Notifications and Logs (what the vat emitted).
//   - Task: Await, AwaitValue, Settlement, ExpectNeverSettles — for programs that must keep
//     running, or must never settle once their vat is gone.
//   - Seen and DescribeObservations: mocknet's exchanges printed one readable line each in
//     failure messages; PathIs, Streaming and Filter pick exchanges out of them.
//   - https: HTTPSURL; Tunnels, TunnelsTo and TunnelOf (the CONNECT tunnels mocknet saw, each
//     with its TLS handshake, whether or not a request followed); AwaitHandshake, OverTLS,
//     ExpectNoTunnel; the hosts whose certificate must be refused (HostWrongName, HostExpired,
//     HostSelfSigned, HostUnknownCA) and the runs the https specs share (tls_runs.go).
//   - DNS: Lookups, LookupsOf and ExpectNoLookup read what mocknet's DNS server (initialize's
//     network.dns) was asked since the spec began; ObserveLookup is the positive control of
//     a spec about names, which a runtime that resolves nothing cannot give.
//   - Note: what a passing spec could not observe of this implementation (no lookup, no
//     cookie jar), shown in the report so that the spec does not pass silently.
//   - The ways out other than fetch (doors.go, names.go, state.go): Doors, RelativeFetch,
//     DeniedNames, and the runs about cookies, caches and credentials shared between vats.
//   - The standard scenario: HostAllowed, HostOther, HostSubAllowed, HostEvil; NetworkGlobals();
//     the deadlines every spec states (CloseDeadline, SettleWindow).
//
// Rules every spec keeps. Wait on observations, never sleep: AwaitObservation and
// ExpectClosedWithin poll mocknet until a stated deadline, and the only fixed waits are
// never-settles watches (ExpectNeverSettles). A negative spec first shows, in the same vat,
// that what it watches for would have been seen (a positive control). Every message says
// what was expected and what was seen.
//
// Specs never call Ginkgo's It: they are values in the catalogue (package suite), and the
// runner (package suite/runner) builds a T for each, with a fresh Session, and finishes it
// with TerminateVats and an escape check.
package dsl
