package suite

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/harness"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	// srcEntries is what ocap-kernel says about the entries themselves.
	srcEntries = "ocap-kernel: VatConfig.network.allowedHosts is an array of hostnames; makeHostCaveat (packages/ocap-kernel/src/vats/network-caveat.ts) admits a fetch when allowedHosts.includes(new URL(input).hostname): an exact comparison with the WHATWG URL hostname (lower-case ASCII, punycode, IPv4 in dotted decimal, IPv6 in brackets, trailing dot kept), ports and schemes not considered; docs/kernel-guide.md \"Network endowment\""
	// srcEntriesStrict is the security argument of the strict entry specs.
	srcEntriesStrict = "security argument (strict): the policy in force must be the policy written. ocap-kernel validates allowedHosts only as array(string()), so an entry no URL hostname can equal (a port, a URL, a path, whitespace, an unbracketed IPv6 address, the empty string) or one not in URL.hostname's canonical form is accepted and silently matches nothing; the reviewed configuration then differs from the enforced one, and other kernels (Deno's --allow-net reads host:port and wildcards) give the same text another meaning. Each entry must be parsed as a URL host (WHATWG URL §3.5 host parsing) and compared in canonical form, or createVat must fail with the config-denied code (harness/PROTOCOL.md)"

	rationaleEntryNotPattern = "An entry names one host. Suffix, prefix, substring, wildcard or port grammars read into the entry widen (or silently change) what the vat may reach."
	rationaleEntryCanonical  = "The URL parser canonicalises every hostname a vat fetches; an entry compared without the same canonicalisation either never matches (the written policy is not the enforced one) or matches the wrong spelling."
	rationaleEntryRefused    = "A configuration the kernel cannot apply as written must fail where it is written, not at the first fetch of a running vat."
)

// hostURL is one URL a vat fetches in an entry spec and where mocknet records it.
type hostURL struct {
	// url is what the vat passes to fetch; host and path are what mocknet records.
	url, host, path string
}

// refusal says whether createVat may, must or must not refuse an entry spec's allowedHosts.
type refusal int

const (
	// mustCreate: the configuration is valid and the vat must be created.
	mustCreate refusal = iota
	// mayRefuse: createVat may fail with the config-denied code (the spec then passes, and
	// says so); if the vat is created, the entries must behave as stated.
	mayRefuse
	// mustRefuse: createVat must fail with the config-denied code.
	mustRefuse
)

// entryCase is one allowedHosts configuration and what it must let through: every URL of
// reach must resolve and reach its host (the positive control, fetched first), every URL
// of deny must reject without reaching its host.
type entryCase struct {
	id      string
	entries []string
	reach   []hostURL
	deny    []hostURL
	refusal refusal
	// virtualHosts are added to mocknet (serving the standard catalogue) for this spec:
	// hosts outside the standard scenario that reach or deny URLs name.
	virtualHosts []string
	// control marks reach as the positive control of a spec about denial; otherwise
	// reaching those hosts is itself what the spec requires.
	control bool
}

// at builds the n-th URL of spec id for host, spelt as spelling in the URL: a path unique to
// the spec and the URL, so mocknet's record tells every fetch apart.
func at(id, spelling, host string, n int) hostURL {
	path := fmt.Sprintf("/anything/%s/%d", strings.ToLower(id), n)
	return hostURL{url: "http://" + spelling + path, host: host, path: path}
}

// expectConfigDenied asserts that err is the implementation refusing a vat configuration
// with the protocol's config-denied code.
func expectConfigDenied(err error, why string) {
	var rpcErr *harness.RPCError
	Expect(errors.As(err, &rpcErr)).To(BeTrue(), "createVat must be refused %s, got %v", why, err)
	Expect(rpcErr.Code).To(Equal(harness.CodeVatConfigDenied), "a refused vat configuration answers with code %d (PROTOCOL.md); got %v", harness.CodeVatConfigDenied, err)
}

// run is the body of an entry spec.
func (c entryCase) run(t *T) {
	for _, h := range c.virtualHosts {
		// Registering a route adds the virtual host; it serves the catalogue as well.
		t.Handle(h, "/conform/"+strings.ToLower(c.id)+"/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	}
	if c.refusal == mustRefuse {
		// Positive control: the same implementation creates a vat whose entries are valid,
		// so a refusal below is about the entry, not about every configuration.
		t.Precondition(fmt.Sprintf("a vat with allowedHosts [%q] must be created, or a refusal says nothing about the entry", HostAllowed), func() {
			control := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
			control.Terminate()
		})
		_, err := t.CreateVat(VatConfig{AllowedHosts: c.entries})
		expectConfigDenied(err, fmt.Sprintf("for allowedHosts %q (a vat with allowedHosts [%q] was created just before)", c.entries, HostAllowed))
		return
	}
	vat, err := t.CreateVat(VatConfig{AllowedHosts: c.entries})
	if err != nil {
		Expect(c.refusal).To(Equal(mayRefuse), "createVat(allowedHosts=%q) must succeed: every entry is a valid hostname; it was refused: %v", c.entries, err)
		expectConfigDenied(err, fmt.Sprintf("for allowedHosts %q, if at all,", c.entries))
		t.Logf("createVat(allowedHosts=%q) was refused with config-denied, which this requirement allows: passes without fetching", c.entries)
		return
	}
	var urls []string
	for _, u := range append(append([]hostURL(nil), c.reach...), c.deny...) {
		urls = append(urls, u.url)
	}
	var got []struct {
		URL, Error, Message string
		Status              int
	}
	vat.Run("config/fetch-status", map[string]any{"urls": urls}).Decode(&got)
	Expect(got).To(HaveLen(len(urls)), "config/fetch-status reports one result per URL")
	reached := func() {
		for i, u := range c.reach {
			Expect(got[i].Error).To(BeEmpty(), "with allowedHosts %q, fetch(%s) must resolve; it rejected with %s: %s", c.entries, u.url, got[i].Error, got[i].Message)
			Expect(got[i].Status).To(Equal(200), "with allowedHosts %q, fetch(%s) must resolve with the host's 200: %+v", c.entries, u.url, got[i])
			t.AwaitObservation(fmt.Sprintf("GET %s on %s (from fetch(%s))", u.path, u.host, u.url), ReadyWithin, func(o Observation) bool {
				return o.Host == u.host && o.Path == u.path
			})
		}
	}
	if c.control {
		t.Precondition(fmt.Sprintf("with allowedHosts %q the vat must reach the listed host, or a denial proves nothing", c.entries), reached)
	} else {
		reached()
	}
	for i, u := range c.deny {
		r := got[len(c.reach)+i]
		Expect(r.Error).NotTo(BeEmpty(), "with allowedHosts %q, fetch(%s) must reject; it resolved with status %d", c.entries, u.url, r.Status)
	}
	vat.Terminate()
	for _, u := range c.deny {
		var seen Seen
		for _, o := range t.ObservationsOf(u.host) {
			if o.Path == u.path {
				seen = append(seen, o)
			}
		}
		Expect(seen).To(BeEmpty(), "with allowedHosts %q, the denied fetch(%s) must not reach %s; what mocknet saw there", c.entries, u.url, u.host)
	}
}

// Virtual hosts outside the standard scenario that entry specs name.
const (
	hostTrailingDot = "allowed.test."
	hostPunycode    = "xn--bcher-kva.test" // bücher.test
	hostIPv4Doc     = "192.0.2.10"         // TEST-NET-1 (RFC 5737): no other spec uses it
	hostIPv6Doc     = "2001:db8::10"       // documentation prefix (RFC 3849)
)

// entrySpecs vary the entries of allowedHosts: case, trailing dots, ports, wildcard and
// suffix grammars, IDN, IP literals, duplicates, the empty string and entries that are not
// hostnames at all.
func entrySpecs() []Spec {
	spec := func(id, title, requirement, rationale, profile, source string, c entryCase) Spec {
		c.id = id
		return Spec{
			Requirement: Requirement{
				File: "conf_entries.go", Globals: NetworkGlobals(),
				ID: id, Title: title, Requirement: requirement, Rationale: rationale,
				Profile: profile, Area: AreaConfig, Since: "0.2.0", Source: source,
				Fixture: "config/fetch-status",
			},
			Run: c.run,
		}
	}
	allowed := func(id string, n int) hostURL { return at(id, HostAllowed, HostAllowed, n) }
	other := func(id string, n int) hostURL { return at(id, HostOther, HostOther, n) }
	evil := func(id string, n int) hostURL { return at(id, HostEvil, HostEvil, n) }
	sub := func(id string, n int) hostURL { return at(id, HostSubAllowed, HostSubAllowed, n) }
	refused := func(id, title, entry, what string) Spec {
		s := spec(id, title,
			fmt.Sprintf("createVat with allowedHosts [%q] must fail with the config-denied code: %s, so no URL hostname can equal it.", entry, what),
			rationaleEntryRefused, ProfileStrict, srcEntriesStrict,
			entryCase{entries: []string{entry}, refusal: mustRefuse})
		s.Fixture = "" // nothing runs in a vat that must not exist
		return s
	}
	return []Spec{
		spec("CONF-008", "upper-case entry admits no other host",
			"A vat whose allowedHosts is [\"ALLOWED.TEST\", \"other.test\"] must reach other.test and must never reach evil.test or a.allowed.test (createVat may instead be refused with config-denied).",
			rationaleEntryNotPattern, ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{"ALLOWED.TEST", HostOther}, refusal: mayRefuse,
				reach: []hostURL{other("CONF-008", 1)},
				deny:  []hostURL{evil("CONF-008", 2), sub("CONF-008", 3)}}),
		spec("CONF-009", "upper-case entry is canonicalised or refused",
			"An entry in upper case (\"ALLOWED.TEST\") must admit fetches of allowed.test, as the URL parser lower-cases every hostname, or createVat must fail with config-denied; it must not be accepted and then match nothing.",
			rationaleEntryCanonical, ProfileStrict, srcEntriesStrict,
			entryCase{entries: []string{"ALLOWED.TEST"}, refusal: mayRefuse,
				reach: []hostURL{allowed("CONF-009", 1), at("CONF-009", "Allowed.Test", HostAllowed, 2)},
				deny:  []hostURL{evil("CONF-009", 3)}}),
		spec("CONF-010", "trailing-dot URL is not a plain entry's host",
			"With allowedHosts [\"allowed.test\"], fetch(\"http://allowed.test./…\") must reject and reach no host, while fetch(\"http://allowed.test/…\") resolves: the URL hostname allowed.test. is not the entry allowed.test.",
			"The Host header a trailing-dot URL sends is allowed.test., which a shared front end may route to another site; ocap-kernel compares URL.hostname, which keeps the dot, exactly.",
			ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{HostAllowed}, virtualHosts: []string{hostTrailingDot},
				reach: []hostURL{allowed("CONF-010", 1)},
				deny:  []hostURL{at("CONF-010", hostTrailingDot, hostTrailingDot, 2)}}),
		spec("CONF-011", "trailing-dot entry names the trailing-dot host",
			"With allowedHosts [\"allowed.test.\"], fetch(\"http://allowed.test./…\") must resolve and fetch(\"http://allowed.test/…\") must reject without reaching allowed.test (createVat may instead be refused with config-denied).",
			"An entry is compared with URL.hostname exactly: the dotted and undotted names are two hosts to the URL parser and to a virtual-hosting front end, and an entry for one must not grant the other.",
			ProfileCore, srcEntries,
			entryCase{entries: []string{hostTrailingDot}, refusal: mayRefuse, virtualHosts: []string{hostTrailingDot},
				reach: []hostURL{at("CONF-011", hostTrailingDot, hostTrailingDot, 1)},
				deny:  []hostURL{allowed("CONF-011", 2)}}),
		spec("CONF-012", "entry with a port admits nothing",
			"A vat whose allowedHosts is [\"allowed.test:8080\", \"other.test\"] must reach other.test and must never reach allowed.test, on port 8080 or any other (createVat may instead be refused with config-denied).",
			"Entries are hostnames and ports are not considered; reading host:port into an entry (Deno's --allow-net grammar) gives one configuration two meanings.",
			ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{"allowed.test:8080", HostOther}, refusal: mayRefuse,
				reach: []hostURL{other("CONF-012", 1)},
				deny:  []hostURL{at("CONF-012", "allowed.test:8080", HostAllowed, 2), allowed("CONF-012", 3)}}),
		refused("CONF-013", "entry with a port is refused", "allowed.test:8080", "a port is not part of a hostname (\":\" is a forbidden host code point)"),
		spec("CONF-014", "wildcard-looking entry is not a wildcard",
			"A vat whose allowedHosts is [\"*.allowed.test\", \"other.test\"] must reach other.test and must never reach a.allowed.test or allowed.test: \"*\" is a character of the entry, not a pattern (createVat may instead be refused with config-denied).",
			rationaleEntryNotPattern, ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{"*.allowed.test", HostOther}, refusal: mayRefuse,
				reach: []hostURL{other("CONF-014", 1)},
				deny:  []hostURL{sub("CONF-014", 2), allowed("CONF-014", 3)}}),
		spec("CONF-015", "leading-dot entry is not a suffix",
			"A vat whose allowedHosts is [\".allowed.test\", \"other.test\"] must reach other.test and must never reach a.allowed.test or allowed.test (createVat may instead be refused with config-denied).",
			rationaleEntryNotPattern, ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{".allowed.test", HostOther}, refusal: mayRefuse,
				reach: []hostURL{other("CONF-015", 1)},
				deny:  []hostURL{sub("CONF-015", 2), allowed("CONF-015", 3)}}),
		spec("CONF-016", "parent-domain entry admits no subdomain",
			"A vat whose allowedHosts is [\"test\", \"other.test\"] must reach other.test and must never reach allowed.test or evil.test: an entry is not a domain suffix.",
			rationaleEntryNotPattern, ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{"test", HostOther},
				reach: []hostURL{other("CONF-016", 1)},
				deny:  []hostURL{allowed("CONF-016", 2), evil("CONF-016", 3)}}),
		spec("CONF-017", "subdomain entry does not admit its parent",
			"A vat whose allowedHosts is [\"a.allowed.test\"] must reach a.allowed.test and must never reach allowed.test.",
			rationaleEntryNotPattern, ProfileCore, srcEntries,
			entryCase{entries: []string{HostSubAllowed},
				reach: []hostURL{sub("CONF-017", 1)},
				deny:  []hostURL{allowed("CONF-017", 2)}}),
		spec("CONF-018", "punycode entry admits every spelling of its IDN",
			"With allowedHosts [\"xn--bcher-kva.test\"], fetches of http://bücher.test/…, http://BÜCHER.test/… and http://xn--bcher-kva.test/… must all resolve and reach xn--bcher-kva.test, and evil.test must be denied.",
			"The URL parser turns every spelling of an internationalised name into its punycode hostname, which is what an entry is compared with; a check on the text the vat wrote refuses the host the configuration names.",
			ProfileCore, srcEntries,
			entryCase{entries: []string{hostPunycode}, virtualHosts: []string{hostPunycode},
				reach: []hostURL{at("CONF-018", "bücher.test", hostPunycode, 1), at("CONF-018", "BÜCHER.test", hostPunycode, 2), at("CONF-018", hostPunycode, hostPunycode, 3)},
				deny:  []hostURL{evil("CONF-018", 4)}}),
		spec("CONF-019", "Unicode entry is canonicalised or refused",
			"An entry in Unicode (\"bücher.test\") must admit fetches of http://xn--bcher-kva.test/… and http://bücher.test/… (the same host after URL hostname canonicalisation), or createVat must fail with config-denied; it must not be accepted and then match nothing.",
			rationaleEntryCanonical, ProfileStrict, srcEntriesStrict,
			entryCase{entries: []string{"bücher.test"}, refusal: mayRefuse, virtualHosts: []string{hostPunycode},
				reach: []hostURL{at("CONF-019", hostPunycode, hostPunycode, 1), at("CONF-019", "bücher.test", hostPunycode, 2)},
				deny:  []hostURL{evil("CONF-019", 3)}}),
		spec("CONF-020", "IPv4 entry admits every spelling of the address",
			"With allowedHosts [\"192.0.2.10\"], fetches of http://192.0.2.10/…, http://3221225994/…, http://0xc0.0.2.10/… and http://192.0.522/… must all resolve and reach 192.0.2.10, and evil.test must be denied.",
			"The URL parser serialises every IPv4 spelling in dotted decimal before the comparison; the address the entry names is the address connected to, however the vat spells it.",
			ProfileCore, srcEntries,
			entryCase{entries: []string{hostIPv4Doc}, virtualHosts: []string{hostIPv4Doc},
				reach: []hostURL{at("CONF-020", hostIPv4Doc, hostIPv4Doc, 1), at("CONF-020", "3221225994", hostIPv4Doc, 2), at("CONF-020", "0xc0.0.2.10", hostIPv4Doc, 3), at("CONF-020", "192.0.522", hostIPv4Doc, 4)},
				deny:  []hostURL{evil("CONF-020", 5)}}),
		spec("CONF-021", "non-canonical IPv4 entry is canonicalised or refused",
			"An IPv4 entry in hexadecimal (\"0xc0.0.2.10\") must admit fetches of http://192.0.2.10/…, the same address, or createVat must fail with config-denied; it must not be accepted and then match nothing.",
			rationaleEntryCanonical, ProfileStrict, srcEntriesStrict,
			entryCase{entries: []string{"0xc0.0.2.10"}, refusal: mayRefuse, virtualHosts: []string{hostIPv4Doc},
				reach: []hostURL{at("CONF-021", hostIPv4Doc, hostIPv4Doc, 1)},
				deny:  []hostURL{evil("CONF-021", 2)}}),
		spec("CONF-022", "bracketed IPv6 entry admits every spelling of the address",
			"With allowedHosts [\"[2001:db8::10]\"] (URL.hostname's form), fetches of http://[2001:db8::10]/… and http://[2001:DB8:0:0:0:0:0:10]/… must resolve and reach 2001:db8::10, and evil.test must be denied.",
			"URL.hostname writes an IPv6 address compressed, in lower case and in brackets; an implementation comparing another form (a Go-style hostname without brackets) refuses the address the configuration names.",
			ProfileCore, srcEntries,
			entryCase{entries: []string{"[" + hostIPv6Doc + "]"}, virtualHosts: []string{hostIPv6Doc},
				reach: []hostURL{at("CONF-022", "["+hostIPv6Doc+"]", hostIPv6Doc, 1), at("CONF-022", "[2001:DB8:0:0:0:0:0:10]", hostIPv6Doc, 2)},
				deny:  []hostURL{evil("CONF-022", 3)}}),
		refused("CONF-023", "unbracketed IPv6 entry is refused", hostIPv6Doc, "an IPv6 address is a host only in brackets, as URL.hostname writes it"),
		spec("CONF-024", "duplicate entries are one entry",
			"A vat whose allowedHosts lists allowed.test twice must be created, must reach allowed.test and must never reach evil.test.",
			"Configurations are merged from several sources; a repeated host is harmless and must neither break vat creation nor change what is allowed.",
			ProfileCore, srcEntries,
			entryCase{entries: []string{HostAllowed, HostAllowed},
				reach: []hostURL{allowed("CONF-024", 1)},
				deny:  []hostURL{evil("CONF-024", 2)}}),
		spec("CONF-025", "empty entry admits nothing",
			"A vat whose allowedHosts is [\"\", \"allowed.test\"] must reach allowed.test and must never reach evil.test or other.test (createVat may instead be refused with config-denied).",
			"The empty string is a suffix and a substring of every hostname: a check with endsWith or includes turns it into allow-all.",
			ProfileCore, srcEntries,
			entryCase{control: true, entries: []string{"", HostAllowed}, refusal: mayRefuse,
				reach: []hostURL{allowed("CONF-025", 1)},
				deny:  []hostURL{evil("CONF-025", 2), other("CONF-025", 3)}}),
		refused("CONF-026", "empty entry is refused", "", "the empty string is no hostname"),
		refused("CONF-027", "URL as an entry is refused", "http://allowed.test", "a URL is not a hostname"),
		refused("CONF-028", "entry with a path is refused", "allowed.test/api", "a path is not part of a hostname (\"/\" is a forbidden host code point)"),
		refused("CONF-029", "entry with whitespace is refused", " allowed.test", "a space is a forbidden host code point"),
	}
}
