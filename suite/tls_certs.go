package suite

import (
	"fmt"

	"github.com/conform-suite/conform/mocknet"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const srcCertificates = "RFC 9110 §4.3.4 (https: the client verifies that the certificate is valid for the host, or treats the connection as failed); RFC 5280 §6 (path validation to a trusted root, validity period); WHATWG Fetch §4.6 HTTP-network fetch (a failed connection is a network error, a TypeError)"

// certificateSpecs are the certificate checks of an https fetch: each misbehaving virtual
// host of mocknet presents a certificate the vat's fetch must refuse before any request is
// sent, while the same vat reaches a good https host.
func certificateSpecs() []Spec {
	var rows []Row
	for _, c := range []struct {
		Row
		Cert     RefusedCertificate
		Presents string
	}{
		{Row: Row{ID: "TLS-010", Title: "a certificate for another name is refused"}, Cert: RefusedCertificate{Host: HostWrongName, Kind: mocknet.CertificateWrongName},
			Presents: fmt.Sprintf("a certificate of the run's authority for %s only", mocknet.NameOfWrongCertificate)},
		{Row: Row{ID: "TLS-011", Title: "an expired certificate is refused"}, Cert: RefusedCertificate{Host: HostExpired, Kind: mocknet.CertificateExpired},
			Presents: "a certificate of the run's authority for its name that expired an hour ago"},
		{Row: Row{ID: "TLS-012", Title: "a self-signed certificate is refused"}, Cert: RefusedCertificate{Host: HostSelfSigned, Kind: mocknet.CertificateSelfSigned},
			Presents: "a certificate for its name signed by its own key"},
		{Row: Row{ID: "TLS-013", Title: "a certificate from an unknown authority is refused"}, Cert: RefusedCertificate{Host: HostUnknownCA, Kind: mocknet.CertificateUnknownCA},
			Presents: "a certificate for its name from an authority the implementation was not given"},
	} {
		r, host := c.Row, c.Cert.Host
		r.Requirement = fmt.Sprintf("With allowedHosts [%q, %q], where %s presents %s, a fetch of https://%s/… must reject with TypeError and no HTTP request may reach %s, while the same vat's fetch of https://%s/ resolves.",
			HostAllowed, host, host, c.Presents, host, host, HostAllowed)
		r.Run = c.Cert.Run
		rows = append(rows, r)
	}
	return Defaults{Area: AreaHTTPS, Profile: ProfileCore, Since: "0.3.0", Source: srcCertificates,
		Rationale: "An endowment that accepts any certificate (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, --unsafely-ignore-certificate-errors, InsecureSkipVerify: the usual shortcut to make a proxy work) passes every http spec while every https request of every vat can be read and changed on its way.",
		Fixture:   FixtureFetchOutcome,
	}.Specs(append(rows,
		Row{ID: "TLS-018", Title: "a fetch refused for its certificate still pairs its notify events",
			Requirement: fmt.Sprintf("A fetch of https://%s/ that fails on the certificate must emit as many OutboundResponse as OutboundRequest events.", HostUnknownCA),
			Source:      "MetaMask Snaps network endowment: OutboundRequest before the request, OutboundResponse in a finally",
			Rationale:   "A TLS failure is a failure path of its own in most HTTP stacks; an OutboundRequest left unpaired there keeps the kernel believing the vat waits on the network, its timeout paused for ever.",
			Fixture:     "notify/fetch-failing",
			Run:         RefusedCertificate{Host: HostUnknownCA, Kind: mocknet.CertificateUnknownCA}.RunNotify},
	)...)
}
