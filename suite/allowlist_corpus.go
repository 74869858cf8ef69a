package suite

import (
	"fmt"

	. "github.com/onsi/gomega" //nolint:revive
)

const (
	srcStrictParse    = "security argument (strict): the hostname checked must be the hostname connected to, whatever the URL's spelling; WHATWG URL §4.4 host parsing"
	srcStrictOnce     = "security argument (strict): the URL that was checked is the URL fetched; WHATWG Fetch §5.4 (the Request constructor parses its input once)"
	srcStrictRedirect = "security argument (strict): every redirect hop is a new request to a new host; WHATWG Fetch §4.4 HTTP-redirect fetch"
	srcStrictHost     = "security argument (strict): Host is a forbidden request-header (WHATWG Fetch §2.2.2); a vat must not pick the virtual host behind an allowed address"
)

// attempt is one way a vat might try to reach a host its allowlist denies. Every attempt is
// made with allowedHosts [allowed.test].
type attempt struct {
	id, title, requirement, profile, source, rationale string
	// kind and url build the fetch input (see fixtures/allowlist/fetch-input.js); first is
	// the decoy some kinds show before url.
	kind, url, first string
	init             map[string]any
	// mayResolve marks attempts whose WHATWG-parsed hostname is allowed.test: they may
	// resolve, but only allowed.test may be contacted. All others must reject.
	mayResolve bool
}

// bypassCorpus lists the attempts. Each becomes one spec; IDs never change meaning.
func bypassCorpus() []attempt {
	core := func(id, title, kind, url, why string) attempt {
		return attempt{id: id, title: title, kind: kind, url: url, profile: ProfileCore, source: srcAllowlist,
			requirement: fmt.Sprintf("fetch(%s) must reject and no host may be contacted: %s", describeInput(kind, url, ""), why),
			rationale:   "Every form of input reaches the same allowlist; a form the check does not understand must be denied, not waved through."}
	}
	trick := func(id, title, url, why string) attempt {
		return attempt{id: id, title: title, kind: "string", url: url, profile: ProfileStrict, source: srcStrictParse,
			requirement: fmt.Sprintf("fetch(%q) must reject and no host may be contacted: %s", url, why),
			rationale:   "A check that parses the URL differently from the code that connects lets a vat name one host and reach another."}
	}
	redirect := func(id string, status int) attempt {
		return attempt{id: id, title: fmt.Sprintf("%d redirect to a denied host is not followed", status), kind: "string",
			url:     fmt.Sprintf("http://%s/redirect-host/%s?status=%d&path=/anything", HostAllowed, HostEvil, status),
			profile: ProfileStrict, source: srcStrictRedirect,
			requirement: fmt.Sprintf("A %d redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.", status),
			rationale:   "An allowlist checked only on the first URL is bypassed by any open redirect on an allowed host."}
	}
	return []attempt{
		core("ALLOW-003", "denied host as a URL object", "url", "http://evil.test/anything", "URL inputs are checked"),
		core("ALLOW-004", "denied host as a Request", "request", "http://evil.test/anything", "Request inputs are checked"),
		core("ALLOW-005", "denied host as a Request of a Request", "request-twice", "http://evil.test/anything", "a Request made from a Request keeps its URL"),
		core("ALLOW-006", "denied host behind a stringifier", "object", "http://evil.test/anything", "objects are converted with toString, as fetch does"),
		core("ALLOW-007", "denied host behind Symbol.toPrimitive", "primitive", "http://evil.test/anything", "objects are converted with Symbol.toPrimitive, as fetch does"),
		{id: "ALLOW-008", title: "URL object moved to a denied host", kind: "mutated-url", first: "http://allowed.test/", url: "http://evil.test/anything",
			profile: ProfileCore, source: srcAllowlist,
			requirement: "A URL object created for an allowed host and then given a denied href must be denied when fetched: the URL's current value is what counts.",
			rationale:   "URL objects are mutable; a check of where it pointed when created is no check."},
		core("ALLOW-009", "subdomain of an allowed host", "string", "http://a.allowed.test/anything", "matching is exact, so a subdomain of an allowed host is not allowed"),
		core("ALLOW-010", "allowed host as a prefix of a denied one", "string", "http://allowed.test.evil.test/anything", "matching is on the whole hostname, not a prefix"),
		core("ALLOW-011", "allowed host as a suffix of a denied one", "string", "http://evilallowed.test/anything", "matching is on the whole hostname, not a suffix"),
		core("ALLOW-012", "allowed host in the path", "string", "http://evil.test/allowed.test", "the hostname is what is checked, not the URL text"),
		core("ALLOW-013", "allowed host in the query", "string", "http://evil.test/anything?host=allowed.test", "the hostname is what is checked, not the URL text"),
		core("ALLOW-014", "allowed host in the fragment", "string", "http://evil.test/anything#allowed.test", "the hostname is what is checked, not the URL text"),
		core("ALLOW-015", "denied host in upper case", "string", "http://EVIL.TEST/anything", "hostnames are compared after canonicalisation to lower case"),
		core("ALLOW-016", "denied host with a trailing dot", "string", "http://evil.test./anything", "the trailing-dot form of a host is still not an allowed host"),
		core("ALLOW-017", "denied host with an explicit port", "string", "http://evil.test:80/anything", "ports are ignored, in both directions"),
		core("ALLOW-018", "file: URL", "string", "file:///etc/passwd", "file: has no host to allow"),
		core("ALLOW-019", "data: URL", "string", "data:text/plain,hello", "data: has no host to allow"),
		core("ALLOW-020", "blob: URL", "string", "blob:http://allowed.test/0b1d7c6e-0000-4000-8000-000000000000", "blob: has no host to allow, even when it names an allowed origin"),
		core("ALLOW-021", "loopback address", "string", "http://127.0.0.1/anything", "an IP address is a host like any other and is not in the list"),
		core("ALLOW-022", "localhost", "string", "http://localhost/anything", "localhost is a host like any other and is not in the list"),
		core("ALLOW-023", "surrounding whitespace", "string", "  http://evil.test/anything\n", "the URL parser strips surrounding whitespace before the hostname is known"),
		core("ALLOW-024", "scheme in upper case", "string", "HTTP://evil.test/anything", "the scheme's spelling does not change the host"),
		trick("ALLOW-025", "userinfo naming the allowed host", "http://allowed.test@evil.test/anything", "the host is what follows the last @, evil.test"),
		trick("ALLOW-026", "userinfo with a port naming the allowed host", "http://allowed.test:80@evil.test/anything", "the host is what follows the last @, evil.test"),
		trick("ALLOW-027", "backslash before the allowed host", `http://evil.test\@allowed.test/anything`, "in special URLs a backslash ends the authority, so the host is evil.test"),
		trick("ALLOW-028", "fragment before the allowed host", "http://evil.test#@allowed.test/", "a # ends the authority, so the host is evil.test"),
		trick("ALLOW-029", "query before the allowed host", "http://evil.test?@allowed.test/", "a ? ends the authority, so the host is evil.test"),
		trick("ALLOW-030", "percent-encoded dot", "http://evil%2Etest/anything", "the host is percent-decoded before it is checked: evil.test"),
		trick("ALLOW-031", "percent-encoded letter", "http://%65vil.test/anything", "the host is percent-decoded before it is checked: evil.test"),
		trick("ALLOW-032", "full-width letters", "http://ｅｖｉｌ.test/anything", "IDNA maps full-width letters to ASCII: evil.test"),
		trick("ALLOW-033", "Cyrillic look-alike of the allowed host", "http://аllowed.test/anything", "the first letter is U+0430, so the host is xn--llowed-3ve.test, not allowed.test"),
		trick("ALLOW-034", "tab inside the host", "http://evil\t.test/anything", "the URL parser removes tabs and newlines: evil.test"),
		trick("ALLOW-035", "newline inside the host", "http://ev\nil.test/anything", "the URL parser removes tabs and newlines: evil.test"),
		trick("ALLOW-036", "scheme without slashes", "http:evil.test/anything", "a special scheme without slashes still names the host evil.test"),
		trick("ALLOW-037", "scheme with backslashes", `http:\\evil.test\anything`, "backslashes are slashes in special URLs: the host is evil.test"),
		trick("ALLOW-038", "decimal IPv4 address", "http://2130706433/anything", "the host is 127.0.0.1"),
		trick("ALLOW-039", "hexadecimal IPv4 address", "http://0x7f.0.0.1/anything", "the host is 127.0.0.1"),
		trick("ALLOW-040", "octal IPv4 address", "http://0177.0.0.1/anything", "the host is 127.0.0.1"),
		trick("ALLOW-041", "short IPv4 address", "http://127.1/anything", "the host is 127.0.0.1"),
		trick("ALLOW-042", "IPv6 loopback", "http://[::1]/anything", "the host is [::1]"),
		trick("ALLOW-043", "IPv4-mapped IPv6 address", "http://[::ffff:127.0.0.1]/anything", "the host is [::ffff:7f00:1]"),
		{id: "ALLOW-044", title: "href that differs from the string", kind: "href-differs", first: "http://allowed.test/anything", url: "http://evil.test/anything",
			profile: ProfileStrict, source: srcStrictOnce,
			requirement: "An input object whose href names an allowed host but whose string conversion names a denied one must be denied: fetch converts its input with toString, so that is what must be checked.",
			rationale:   "A check that reads input.href while fetch reads String(input) checks one URL and fetches another."},
		{id: "ALLOW-045", title: "stringifier that changes between calls", kind: "changing", first: "http://allowed.test/anything", url: "http://evil.test/anything", mayResolve: true,
			profile: ProfileStrict, source: srcStrictOnce,
			requirement: "An input whose toString returns an allowed URL on its first call and a denied URL afterwards must never reach the denied host: the input is converted once, and that URL (allowed.test) is both checked and fetched.",
			rationale:   "A wrapper that calls new URL(input) for the check and then passes input to fetch converts it twice; the second conversion is unchecked."},
		redirect("ALLOW-046", 301),
		redirect("ALLOW-047", 302),
		redirect("ALLOW-048", 303),
		redirect("ALLOW-049", 307),
		redirect("ALLOW-050", 308),
		{id: "ALLOW-051", title: "redirect to a loopback address is not followed", kind: "string",
			url:     "http://allowed.test/redirect-to?url=http%3A%2F%2F127.0.0.1%2Fanything&status_code=302",
			profile: ProfileStrict, source: srcStrictRedirect,
			requirement: "A redirect from an allowed host to an IP address not in the list must reject the fetch without contacting that address.",
			rationale:   "Redirects to internal addresses are the classic way past an allowlist."},
		{id: "ALLOW-052", title: "redirect chain ending on a denied host", kind: "string",
			url:     "http://allowed.test/redirect-host/allowed.test?status=302&path=" + "%2Fredirect-host%2Fevil.test%3Fstatus%3D307",
			profile: ProfileStrict, source: srcStrictRedirect,
			requirement: "A chain of redirects that stays on allowed hosts and then leaves them must reject at the first denied hop, which must never be contacted.",
			rationale:   "Checking only the first and last URL, or only the first hop, misses chains."},
		{id: "ALLOW-053", title: "redirect to a subdomain of an allowed host", kind: "string",
			url:     "http://allowed.test/redirect-host/a.allowed.test?status=302",
			profile: ProfileStrict, source: srcStrictRedirect,
			requirement: "A redirect to a subdomain of an allowed host must reject when the subdomain is not itself allowed, and the subdomain must never be contacted.",
			rationale:   "Exact matching applies to every hop, not only the first."},
		{id: "ALLOW-054", title: "redirect through a Request input", kind: "request",
			url:     "http://allowed.test/redirect-host/evil.test?status=302",
			profile: ProfileStrict, source: srcStrictRedirect,
			requirement: "A Request whose URL redirects to a denied host must reject, and the denied host must never be contacted.",
			rationale:   "Redirect checks must not depend on the form of the input."},
		{id: "ALLOW-055", title: "backslash after the allowed host stays on it", kind: "string", url: `http://allowed.test\@evil.test/anything`, mayResolve: true,
			profile: ProfileStrict, source: srcStrictParse,
			requirement: `fetch("http://allowed.test\@evil.test/anything") may reach allowed.test only: in special URLs the backslash ends the authority, so evil.test is part of the path.`,
			rationale:   "A check that reads the host after the @ while the connection goes to the host before it (or the reverse) splits check from connection."},
	}
}

func describeInput(kind, url, first string) string {
	switch kind {
	case "string":
		return fmt.Sprintf("%q", url)
	case "url":
		return fmt.Sprintf("new URL(%q)", url)
	case "request":
		return fmt.Sprintf("new Request(%q)", url)
	case "request-twice":
		return fmt.Sprintf("new Request(new Request(%q))", url)
	case "object":
		return fmt.Sprintf("{toString() { return %q }}", url)
	case "primitive":
		return fmt.Sprintf("{[Symbol.toPrimitive]() { return %q }}", url)
	default:
		return fmt.Sprintf("%s input %q (decoy %q)", kind, url, first)
	}
}

func bypassSpec(a attempt) Spec {
	return Spec{
		Requirement: Requirement{ID: a.id, Title: a.title, Requirement: a.requirement, Profile: a.profile,
			Area: AreaAllowlist, Source: a.source, Rationale: a.rationale, Fixture: "allowlist/fetch-input"},
		Run: func(t *T) {
			vat := t.NewVat(VatConfig{Globals: WithGlobals("URL"), AllowedHosts: []string{HostAllowed}})
			params := map[string]any{"kind": a.kind, "url": a.url}
			if a.first != "" {
				params["first"] = a.first
			}
			if a.init != nil {
				params["init"] = a.init
			}
			res := vat.Run("allowlist/fetch-input", params)
			if !a.mayResolve {
				Expect(res).To(Threw(""), "the fetch must be denied")
			}
			vat.Terminate()
			var elsewhere Seen
			for _, o := range t.Observations() {
				if o.Host != HostAllowed || o.Escape {
					elsewhere = append(elsewhere, o)
				}
			}
			Expect(elsewhere).To(BeEmpty(), "only %s may ever be contacted; what mocknet saw elsewhere", HostAllowed)
			if !a.mayResolve && a.profile == ProfileCore {
				Expect(t.Observations()).To(BeEmpty(), "a denied fetch must not reach any host; what mocknet saw")
			}
		},
	}
}
