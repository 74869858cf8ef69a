package suite

import (
	"encoding/hex"
	"fmt"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// What a vat leaves outside itself without a request any host sees: the names its runtime
// looks up (suite/dsl/names.go), and state one vat's requests leave for the next vat's
// (suite/dsl/state.go).

const srcEgressState = "Security argument: vats are separate principals (ocap-kernel: each vat its own compartment and endowment); a lookup and a runtime's shared state are channels past the allowlist and between vats"

func egressStateSpecs() []Spec {
	denied := []string{"http://" + HostEvil + "/egress-017", "http://" + HostOther + "/egress-017", "http://" + HostSubAllowed + "/egress-017"}
	secret := hex.EncodeToString([]byte("vat secret"))
	encoded := []string{"http://" + secret + "." + HostEvil + "/", "http://" + secret + ".x." + HostEvil + "/", "http://" + secret + ".exfil.invalid/"}
	return Defaults{Area: AreaEgress, Profile: ProfileCore, Since: "0.3.0", Source: srcEgressState}.Specs(
		Row{ID: "EGRESS-017", Title: "no DNS lookup of a denied host's name",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, fetches of %s must reject without the DNS server of network.dns being asked for any name but %s (whose lookup, where the implementation resolves names through it, is the positive control).", HostAllowed, Series("and", "%s", denied), HostAllowed),
			Rationale:   "A runtime that resolves names itself (Deno looks up a proxied fetch's host) sends each name it resolves to a DNS server: asking for a name the vat may not reach is contact with that name's servers, and the project's own tests must send nothing off the machine.",
			Fixture:     "config/fetch-status", Run: DeniedNames{URLs: denied}.Run},
		Row{ID: "EGRESS-018", Title: "no DNS lookup of a name encoding data under a denied domain",
			Requirement: fmt.Sprintf("In a vat whose fetch may reach only %s, fetches of %s (a secret, hex-encoded, under a denied domain) must reject without the DNS server of network.dns being asked for any name but %s.", HostAllowed, Series("and", "%s", encoded), HostAllowed),
			Rationale:   "A lookup is a message: a name under a domain whose DNS server the attacker runs carries whatever its labels encode to that server, whether or not any connection follows. The allowlist must be checked before a name is resolved.",
			Fixture:     "config/fetch-status", Run: DeniedNames{URLs: encoded}.Run},
		Row{ID: "EGRESS-019", Title: "a cookie set for one vat is not sent with another's requests",
			Requirement: fmt.Sprintf("After %s's response to vat A's fetch (with credentials: 'include') sets a cookie, vat B's fetch of %s with credentials: 'include' must not carry it.", HostAllowed, HostAllowed),
			Rationale:   "Vats are separate principals: a cookie jar shared between them (one browsing context for every vat) lets one vat act with another's session and read what a host told another.",
			Fixture:     FixtureStateFetch, Run: CookieStaysInItsVat},
		Row{ID: "EGRESS-020", Title: "a response cached for one vat is not served to another",
			Requirement: fmt.Sprintf("After vat A fetched a response of %s marked Cache-Control: public, max-age=600, vat B's fetch of the same URL must reach %s and get a response of its own.", HostAllowed, HostAllowed),
			Rationale:   "An HTTP cache shared between vats tells one vat what another fetched (a cached answer comes back at once) and hands it responses made for another vat's request.",
			Fixture:     FixtureStateFetch, Run: CacheStaysInItsVat},
		Row{ID: "EGRESS-021", Title: "credentials sent by one vat are not sent with another's requests",
			Requirement: fmt.Sprintf("After vat A fetched %s's /basic-auth with an Authorization header, vat B's fetch of %s with credentials: 'include' must carry no Authorization header.", HostAllowed, HostAllowed),
			Rationale:   "A runtime that remembers the credentials a request used (an HTTP authentication cache) lends them to whoever asks the same host next: another vat must not be that.",
			Fixture:     FixtureStateFetch, Run: AuthStaysInItsVat},
	)
}
