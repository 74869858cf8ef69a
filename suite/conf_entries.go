package suite

import . "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose

const (
	// srcEntries is what ocap-kernel says about the entries themselves.
	srcEntries = "ocap-kernel: VatConfig.network.allowedHosts is an array of hostnames; makeHostCaveat (packages/ocap-kernel/src/vats/network-caveat.ts) admits a fetch when allowedHosts.includes(new URL(input).hostname): an exact comparison with the WHATWG URL hostname (lower-case ASCII, punycode, IPv4 in dotted decimal, IPv6 in brackets, trailing dot kept), ports and schemes not considered; docs/kernel-guide.md \"Network endowment\""
	// srcEntriesStrict is the security argument of the strict entry specs.
	srcEntriesStrict = "security argument (strict): the policy in force must be the policy written. ocap-kernel validates allowedHosts only as array(string()), so an entry no URL hostname can equal (a port, a URL, a path, whitespace, an unbracketed IPv6 address, the empty string) or one not in URL.hostname's canonical form is accepted and silently matches nothing; the reviewed configuration then differs from the enforced one, and other kernels (Deno's --allow-net reads host:port and wildcards) give the same text another meaning. Each entry must be parsed as a URL host (WHATWG URL §3.5 host parsing) and compared in canonical form, or createVat must fail with the config-denied code (harness/PROTOCOL.md)"

	rationaleEntryNotPattern = "An entry names one host. Suffix, prefix, substring, wildcard or port grammars read into the entry widen (or silently change) what the vat may reach."
	rationaleEntryCanonical  = "The URL parser canonicalises every hostname a vat fetches; an entry compared without the same canonicalisation either never matches (the written policy is not the enforced one) or matches the wrong spelling."
	rationaleEntryRefused    = "A configuration the kernel cannot apply as written must fail where it is written, not at the first fetch of a running vat."

	// Virtual hosts outside the standard scenario that entry specs name.
	hostTrailingDot = "allowed.test."
	hostPunycode    = "xn--bcher-kva.test" // bücher.test
	hostIPv4Doc     = "192.0.2.10"         // TEST-NET-1 (RFC 5737): no other spec uses it
	hostIPv6Doc     = "2001:db8::10"       // documentation prefix (RFC 3849)
	unmatchable     = ", so no URL hostname can equal it"
)

// entry is one spec of the entries of allowedHosts: its run is the Allowlist, and its
// requirement is written from it, why following. Strict specs hold an entry to the security
// argument; those whose entry must be refused need no rationale of their own.
type entry struct {
	id, title, why, rationale string
	strict                    bool
	Allowlist
}

// entrySpecs vary the entries of allowedHosts: case, trailing dots, ports, wildcard and
// suffix grammars, IDN, IP literals, duplicates, the empty string and entries that are not
// hostnames at all.
func entrySpecs() []Spec {
	var rows []Row
	for _, e := range []entry{
		{id: "CONF-008", title: "upper-case entry admits no other host", rationale: rationaleEntryNotPattern,
			Allowlist: Allowlist{Entries: []string{"ALLOWED.TEST", HostOther}, Refusal: MayRefuse, Control: true, Reach: FetchHosts(HostOther), Deny: FetchHosts(HostEvil, HostSubAllowed)}},
		{id: "CONF-009", title: "upper-case entry is canonicalised or refused", rationale: rationaleEntryCanonical, strict: true,
			why:       "the URL parser lower-cases every hostname, and an entry must not be accepted and then match nothing",
			Allowlist: Allowlist{Entries: []string{"ALLOWED.TEST"}, Refusal: MayRefuse, Reach: FetchSpelt(HostAllowed, HostAllowed, "Allowed.Test"), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-010", title: "trailing-dot URL is not a plain entry's host", why: "a hostname with a trailing dot is not the entry without it",
			rationale: "The Host header a trailing-dot URL sends is allowed.test., which a shared front end may route to another site; ocap-kernel compares URL.hostname, which keeps the dot, exactly.",
			Allowlist: Allowlist{Entries: []string{HostAllowed}, Control: true, Reach: FetchHosts(HostAllowed), Deny: FetchHosts(hostTrailingDot)}},
		{id: "CONF-011", title: "trailing-dot entry names the trailing-dot host",
			rationale: "An entry is compared with URL.hostname exactly: the dotted and undotted names are two hosts to the URL parser and to a virtual-hosting front end, and an entry for one must not grant the other.",
			Allowlist: Allowlist{Entries: []string{hostTrailingDot}, Refusal: MayRefuse, Reach: FetchHosts(hostTrailingDot), Deny: FetchHosts(HostAllowed)}},
		{id: "CONF-012", title: "entry with a port admits nothing", why: "an entry is read as a hostname, never as host:port",
			rationale: "Entries are hostnames and ports are not considered; reading host:port into an entry (Deno's --allow-net grammar) gives one configuration two meanings.",
			Allowlist: Allowlist{Entries: []string{"allowed.test:8080", HostOther}, Refusal: MayRefuse, Control: true, Reach: FetchHosts(HostOther), Deny: FetchSpelt(HostAllowed, "allowed.test:8080", HostAllowed)}},
		{id: "CONF-013", title: "entry with a port is refused", why: "a port is not part of a hostname (\":\" is a forbidden host code point)",
			Allowlist: Allowlist{Entries: []string{"allowed.test:8080"}, Refusal: MustRefuse}},
		{id: "CONF-014", title: "wildcard-looking entry is not a wildcard", rationale: rationaleEntryNotPattern, why: "\"*\" is a character of the entry, not a pattern",
			Allowlist: Allowlist{Entries: []string{"*.allowed.test", HostOther}, Refusal: MayRefuse, Control: true, Reach: FetchHosts(HostOther), Deny: FetchHosts(HostSubAllowed, HostAllowed)}},
		{id: "CONF-015", title: "leading-dot entry is not a suffix", rationale: rationaleEntryNotPattern,
			Allowlist: Allowlist{Entries: []string{".allowed.test", HostOther}, Refusal: MayRefuse, Control: true, Reach: FetchHosts(HostOther), Deny: FetchHosts(HostSubAllowed, HostAllowed)}},
		{id: "CONF-016", title: "parent-domain entry admits no subdomain", rationale: rationaleEntryNotPattern, why: "an entry is not a domain suffix",
			Allowlist: Allowlist{Entries: []string{"test", HostOther}, Control: true, Reach: FetchHosts(HostOther), Deny: FetchHosts(HostAllowed, HostEvil)}},
		{id: "CONF-017", title: "subdomain entry does not admit its parent", rationale: rationaleEntryNotPattern,
			Allowlist: Allowlist{Entries: []string{HostSubAllowed}, Reach: FetchHosts(HostSubAllowed), Deny: FetchHosts(HostAllowed)}},
		{id: "CONF-018", title: "punycode entry admits every spelling of its IDN",
			rationale: "The URL parser turns every spelling of an internationalised name into its punycode hostname, which is what an entry is compared with; a check on the text the vat wrote refuses the host the configuration names.",
			Allowlist: Allowlist{Entries: []string{hostPunycode}, Reach: FetchSpelt(hostPunycode, "bücher.test", "BÜCHER.test", hostPunycode), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-019", title: "Unicode entry is canonicalised or refused", rationale: rationaleEntryCanonical, strict: true,
			why:       "URL hostname canonicalisation makes the entry that host, and an entry must not be accepted and then match nothing",
			Allowlist: Allowlist{Entries: []string{"bücher.test"}, Refusal: MayRefuse, Reach: FetchSpelt(hostPunycode, hostPunycode, "bücher.test"), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-020", title: "IPv4 entry admits every spelling of the address",
			rationale: "The URL parser serialises every IPv4 spelling in dotted decimal before the comparison; the address the entry names is the address connected to, however the vat spells it.",
			Allowlist: Allowlist{Entries: []string{hostIPv4Doc}, Reach: FetchSpelt(hostIPv4Doc, hostIPv4Doc, "3221225994", "0xc0.0.2.10", "192.0.522"), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-021", title: "non-canonical IPv4 entry is canonicalised or refused", rationale: rationaleEntryCanonical, strict: true,
			why:       "the entry is that address in hexadecimal, and an entry must not be accepted and then match nothing",
			Allowlist: Allowlist{Entries: []string{"0xc0.0.2.10"}, Refusal: MayRefuse, Reach: FetchHosts(hostIPv4Doc), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-022", title: "bracketed IPv6 entry admits every spelling of the address", why: "the entry is in URL.hostname's form",
			rationale: "URL.hostname writes an IPv6 address compressed, in lower case and in brackets; an implementation comparing another form (a Go-style hostname without brackets) refuses the address the configuration names.",
			Allowlist: Allowlist{Entries: []string{"[" + hostIPv6Doc + "]"}, Reach: FetchSpelt(hostIPv6Doc, "["+hostIPv6Doc+"]", "[2001:DB8:0:0:0:0:0:10]"), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-023", title: "unbracketed IPv6 entry is refused", why: "an IPv6 address is a host only in brackets, as URL.hostname writes it",
			Allowlist: Allowlist{Entries: []string{hostIPv6Doc}, Refusal: MustRefuse}},
		{id: "CONF-024", title: "duplicate entries are one entry",
			rationale: "Configurations are merged from several sources; a repeated host is harmless and must neither break vat creation nor change what is allowed.",
			Allowlist: Allowlist{Entries: []string{HostAllowed, HostAllowed}, Reach: FetchHosts(HostAllowed), Deny: FetchHosts(HostEvil)}},
		{id: "CONF-025", title: "empty entry admits nothing",
			rationale: "The empty string is a suffix and a substring of every hostname: a check with endsWith or includes turns it into allow-all.",
			Allowlist: Allowlist{Entries: []string{"", HostAllowed}, Refusal: MayRefuse, Control: true, Reach: FetchHosts(HostAllowed), Deny: FetchHosts(HostEvil, HostOther)}},
		{id: "CONF-026", title: "empty entry is refused", why: "the empty string is no hostname",
			Allowlist: Allowlist{Entries: []string{""}, Refusal: MustRefuse}},
		{id: "CONF-027", title: "URL as an entry is refused", why: "a URL is not a hostname",
			Allowlist: Allowlist{Entries: []string{"http://allowed.test"}, Refusal: MustRefuse}},
		{id: "CONF-028", title: "entry with a path is refused", why: "a path is not part of a hostname (\"/\" is a forbidden host code point)",
			Allowlist: Allowlist{Entries: []string{"allowed.test/api"}, Refusal: MustRefuse}},
		{id: "CONF-029", title: "entry with whitespace is refused", why: "a space is a forbidden host code point",
			Allowlist: Allowlist{Entries: []string{" allowed.test"}, Refusal: MustRefuse}},
	} {
		r := Row{ID: e.id, Title: e.title, Rationale: e.rationale, Fixture: FixtureFetchStatus, Run: e.Run}
		if e.Refusal == MustRefuse {
			// Nothing runs in a vat that must not exist.
			r.Rationale, r.Fixture, e.strict, e.why = rationaleEntryRefused, "", true, e.why+unmatchable
		}
		if e.strict {
			r.Profile, r.Source = ProfileStrict, srcEntriesStrict
		}
		r.Requirement = e.Requirement(e.why)
		rows = append(rows, r)
	}
	return Defaults{Area: AreaConfig, Profile: ProfileCore, Since: "0.2.0", Source: srcEntries}.Specs(rows...)
}
