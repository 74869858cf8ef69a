package suite

import (
	"fmt"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	srcHTTPS      = "ocap-kernel: VatConfig.network.allowedHosts (makeHostCaveat: exact match on URL.hostname, ports and schemes ignored); Snaps network endowment (fetch of https APIs)"
	srcHTTPSRedir = "WHATWG Fetch §4.4 HTTP-redirect fetch (each hop is a new request, its origin scheme, host and port); ocap-kernel makeHostCaveat"
)

// httpsSpecs are what a vat's fetch of an https URL relies on, certificate validation aside
// (tls_certs.go): the host reached over TLS, notify and teardown as over http, the allowlist
// whatever the scheme, across redirects that change it, credentials dropped when the origin
// changes with it, and ports.
func httpsSpecs() []Spec {
	return Defaults{Area: AreaHTTPS, Profile: ProfileCore, Since: "0.3.0", Source: srcHTTPS,
		Rationale: "Real vats fetch https APIs; an endowment measured only over http may fail, or be unsafe, on every request that matters.",
		Fixture:   "https/fetch-outcome",
	}.Specs(
		Row{ID: "TLS-001", Title: "an allowed host is reached over https",
			Requirement: fmt.Sprintf("With allowedHosts [%q], fetch(%q) must resolve with the host's 200 and url %q, the request reaching the host over TLS with %s as the server name.",
				HostAllowed, "https://"+HostAllowed+"/anything/tls-001", "https://"+HostAllowed+"/anything/tls-001", HostAllowed),
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				url := t.HTTPSURL(HostAllowed, "/anything/tls-001")
				t.ExpectFetched(vat.Run(t.Fixture(), map[string]any{"url": url}), url, 200, url)
				o := t.AwaitObservation("GET /anything/tls-001 over TLS on "+HostAllowed, ReadyWithin, OverTLS(PathIs("/anything/tls-001")))
				Expect(o.TLS.SNI).To(Equal(HostAllowed), "the client must name the host it wants (SNI), or a server with many names cannot present the right certificate: %s", DescribeObservation(o))
			}},
		Row{ID: "TLS-002", Title: "an https fetch is notified as an http one",
			Requirement: "A completed fetch of an https URL must emit OutboundRequest and then OutboundResponse through notify, each with params {source: 'fetch'}, before the evaluate that made it returns.",
			Source:      "MetaMask Snaps network endowment: notify({method: 'OutboundRequest' | 'OutboundResponse', params: {source: 'fetch'}})",
			Rationale:   "The kernel accounts for a vat's network time with these events whatever the scheme; an https path that skips them lets a vat's timeout run out while it waits on a TLS API.",
			Fixture:     "notify/fetch-and-read",
			Run: func(t *T) {
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				Expect(vat.Run(t.Fixture(), map[string]any{"url": t.HTTPSURL(HostAllowed, "/status/200"), "read": "none"})).To(ReturnedJSON(200), "%s", t.DescribeTLS())
				Expect(vat.NotifyMethods()).To(Equal([]string{OutboundRequest, OutboundResponse}), "notify methods emitted by one https fetch without a body read")
				for _, ev := range vat.Notifications() {
					Expect(ev.Params).To(MatchJSON(`{"source": "fetch"}`), "params of %s", ev.Method)
				}
			}},
		Row{ID: "TLS-003", Title: "teardown aborts an https request in flight",
			Requirement: "Terminating a vat while an https fetch waits for response headers must close that request (mocknet sees the client close it within 2 s) and the fetch must never settle.",
			Source:      "Snaps network endowment teardownFunction; ocap-kernel vat termination",
			Rationale:   "A TLS connection is a socket like any other: a stopped vat must not keep it open, nor run code when a late answer arrives.",
			Fixture:     "teardown/fetch-and-wait",
			Run:         HeldOpen{Path: "/hang", HTTPS: true}.Run},
		Row{ID: "TLS-004", Title: "teardown cancels an unread https body",
			Requirement: "Terminating a vat that holds an https response whose body it has not read must close that response within 2 s.",
			Source:      "Snaps network endowment teardownFunction; ocap-kernel vat termination",
			Rationale:   "Bodies over TLS are decrypted by a layer of their own; teardown must reach through it and stop the download.",
			Fixture:     "teardown/hold-response",
			Run:         HeldOpen{Path: "/drip-forever?interval=20", Reading: true, HTTPS: true}.Run},
		Row{ID: "TLS-005", Title: "an entry allows its host over http and https, and no other host over either",
			Requirement: fmt.Sprintf("With allowedHosts [%q], fetches of http://%s/… and https://%s/… must both reach the host, and a fetch of https://%s/… must reject, with no tunnel opened to %s.",
				HostAllowed, HostAllowed, HostAllowed, HostSubAllowed, HostSubAllowed),
			Rationale: "ocap-kernel's allowlist names hosts, not origins: the scheme must neither widen an entry (a subdomain over https) nor narrow it (an https API refused).",
			Run:       DeniedOverHTTPS{Denied: HostSubAllowed}.Run},
		Row{ID: "TLS-006", Title: "a denied https host gets no CONNECT",
			Requirement: fmt.Sprintf("With allowedHosts [%q], fetch(%q) must reject, and no tunnel may be opened to %s, nor any request reach it.", HostAllowed, "https://"+HostEvil+"/anything/tls-006", HostEvil),
			Rationale:   "An https fetch starts with a CONNECT and a handshake that name the host before any request: an allowlist checked after connecting has already told the network, and the host, whom the vat wanted to reach.",
			Run:         DeniedOverHTTPS{Denied: HostEvil}.Run},
		Row{ID: "TLS-007", Title: "a redirect from http to a denied https host is refused",
			Requirement: fmt.Sprintf("With allowedHosts [%q], a fetch of http://%s/ redirected to https://%s/… must reject, with no tunnel opened to %s.", HostAllowed, HostAllowed, HostEvil, HostEvil),
			Source:      srcHTTPSRedir,
			Rationale:   "Each hop is checked whatever its scheme: an upgrade to https is no reason to skip the allowlist.",
			Run:         SchemeRedirect{From: "http", To: "https", Target: HostEvil}.RunDenied},
		Row{ID: "TLS-008", Title: "a redirect from https to a denied http host is refused",
			Requirement: fmt.Sprintf("With allowedHosts [%q], a fetch of https://%s/ redirected to http://%s/… must reject, with no request reaching %s.", HostAllowed, HostAllowed, HostEvil, HostEvil),
			Source:      srcHTTPSRedir,
			Rationale:   "An https host the vat may reach can redirect anywhere; the hop it redirects to is checked like any other, downgrade or not.",
			Run:         SchemeRedirect{From: "https", To: "http", Target: HostEvil}.RunDenied},
		Row{ID: "TLS-009", Title: "redirects between http and https of allowed hosts are followed",
			Requirement: fmt.Sprintf("With allowedHosts [%q, %q], a fetch of http://%s/ redirected to https://%s/… and one of https://%s/ redirected to http://%s/… must each resolve at the target, over the target's scheme.",
				HostAllowed, HostOther, HostAllowed, HostOther, HostAllowed, HostOther),
			Source:    srcHTTPSRedir,
			Rationale: "APIs move from http to https (and CDNs sometimes back): a hop's scheme must not make an allowed host unreachable.",
			Run: func(t *T) {
				SchemeRedirect{From: "http", To: "https", Target: HostOther}.RunFollowed(t)
				SchemeRedirect{From: "https", To: "http", Target: HostOther}.RunFollowed(t)
			}},
		Row{ID: "TLS-014", Title: "credentials are dropped on a redirect from https to http",
			Requirement: fmt.Sprintf("Authorization and Cookie headers the vat set on a fetch of https://%s/ must not be sent to http://%s/…, the target of its redirect: same host, another origin.", HostAllowed, HostAllowed),
			Source:      srcHTTPSRedir + " step 13 (remove Authorization when the origin changes)",
			Rationale:   "A downgrade sends the next request in clear: credentials given to the https origin must not follow, or anyone on the path reads them.",
			Run:         SchemeRedirect{From: "https", To: "http", Target: HostAllowed}.RunCredentials},
		Row{ID: "TLS-015", Title: "credentials are dropped on a redirect from http to https",
			Requirement: fmt.Sprintf("Authorization and Cookie headers the vat set on a fetch of http://%s/ must not be sent to https://%s/…, the target of its redirect: same host, another origin.", HostAllowed, HostAllowed),
			Source:      srcHTTPSRedir + " step 13 (remove Authorization when the origin changes)",
			Rationale:   "The origin is scheme, host and port: credentials scoped to one origin are not handed to another because the host name is the same.",
			Run:         SchemeRedirect{From: "http", To: "https", Target: HostAllowed}.RunCredentials},
		Row{ID: "TLS-016", Title: "an explicit port on https",
			Requirement: fmt.Sprintf("With allowedHosts [%q], fetch(%q) must resolve with the host's 200 and that URL, through a tunnel to %s:8443 whose requests carry Host %s:8443.", HostAllowed, "https://"+HostAllowed+":8443/anything/tls-016", HostAllowed, HostAllowed),
			Rationale:   "Entries name hosts, not ports: an https API on a non-default port is the same host, and the port must reach the network as written.",
			Run:         HTTPSPort{URL: "https://" + HostAllowed + ":8443/anything/tls-016", Final: "https://" + HostAllowed + ":8443/anything/tls-016", Tunnel: HostAllowed + ":8443", Host: HostAllowed + ":8443"}.Run},
		Row{ID: "TLS-017", Title: "https's default port is left out",
			Requirement: fmt.Sprintf("fetch(%q) must resolve with url %q, through a tunnel to port 443 whose requests carry Host %s.", "https://"+HostAllowed+":443/anything/tls-017", "https://"+HostAllowed+"/anything/tls-017", HostAllowed),
			Profile:     ProfileFetchAPI,
			Source:      "WHATWG URL §4.4 (a port equal to the scheme's default port is null); RFC 9110 §7.2 (Host omits the default port)",
			Rationale:   "https://host:443/ and https://host/ are one origin: a response URL or Host header that keeps the port breaks comparisons and virtual hosts that expect it without.",
			Run:         HTTPSPort{URL: "https://" + HostAllowed + ":443/anything/tls-017", Final: "https://" + HostAllowed + "/anything/tls-017", Tunnel: HostAllowed + ":443", Host: HostAllowed}.Run},
	)
}
