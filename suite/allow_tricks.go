package suite

import (
	"fmt"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// trick is a URL that names one host to a careless check and another to the connection: the
// host a WHATWG parser finds in it is denied, and why.
type trick struct{ id, title, url, why string }

// trickSpecs are the ways a URL can name one host to a careless check and another to the
// connection: userinfo, backslashes, percent-encoding, IDNA, IPv4 number forms, inputs
// converted twice, and redirects (strict). A trick's requirement names the very call its run
// makes.
func trickSpecs() []Spec {
	var rows []Row
	for _, tr := range []trick{
		{id: "ALLOW-025", title: "userinfo naming the allowed host", url: "http://allowed.test@evil.test/anything",
			why: "the host is what follows the last @, evil.test"},
		{id: "ALLOW-026", title: "userinfo with a port naming the allowed host", url: "http://allowed.test:80@evil.test/anything",
			why: "the host is what follows the last @, evil.test"},
		{id: "ALLOW-027", title: "backslash before the allowed host", url: `http://evil.test\@allowed.test/anything`,
			why: "in special URLs a backslash ends the authority, so the host is evil.test"},
		{id: "ALLOW-028", title: "fragment before the allowed host", url: "http://evil.test#@allowed.test/",
			why: "a # ends the authority, so the host is evil.test"},
		{id: "ALLOW-029", title: "query before the allowed host", url: "http://evil.test?@allowed.test/",
			why: "a ? ends the authority, so the host is evil.test"},
		{id: "ALLOW-030", title: "percent-encoded dot", url: "http://evil%2Etest/anything",
			why: "the host is percent-decoded before it is checked: evil.test"},
		{id: "ALLOW-031", title: "percent-encoded letter", url: "http://%65vil.test/anything",
			why: "the host is percent-decoded before it is checked: evil.test"},
		{id: "ALLOW-032", title: "full-width letters", url: "http://ｅｖｉｌ.test/anything",
			why: "IDNA maps full-width letters to ASCII: evil.test"},
		{id: "ALLOW-033", title: "Cyrillic look-alike of the allowed host", url: "http://аllowed.test/anything",
			why: "the first letter is U+0430, so the host is xn--llowed-3ve.test, not allowed.test"},
		{id: "ALLOW-034", title: "tab inside the host", url: "http://evil\t.test/anything",
			why: "the URL parser removes tabs and newlines: evil.test"},
		{id: "ALLOW-035", title: "newline inside the host", url: "http://ev\nil.test/anything",
			why: "the URL parser removes tabs and newlines: evil.test"},
		{id: "ALLOW-036", title: "scheme without slashes", url: "http:evil.test/anything",
			why: "a special scheme without slashes still names the host evil.test"},
		{id: "ALLOW-037", title: "scheme with backslashes", url: `http:\\evil.test\anything`,
			why: "backslashes are slashes in special URLs: the host is evil.test"},
		{id: "ALLOW-038", title: "decimal IPv4 address", url: "http://2130706433/anything", why: "the host is 127.0.0.1"},
		{id: "ALLOW-039", title: "hexadecimal IPv4 address", url: "http://0x7f.0.0.1/anything", why: "the host is 127.0.0.1"},
		{id: "ALLOW-040", title: "octal IPv4 address", url: "http://0177.0.0.1/anything", why: "the host is 127.0.0.1"},
		{id: "ALLOW-041", title: "short IPv4 address", url: "http://127.1/anything", why: "the host is 127.0.0.1"},
		{id: "ALLOW-042", title: "IPv6 loopback", url: "http://[::1]/anything", why: "the host is [::1]"},
		{id: "ALLOW-043", title: "IPv4-mapped IPv6 address", url: "http://[::ffff:127.0.0.1]/anything",
			why: "the host is [::ffff:7f00:1]"},
	} {
		a := Attempt{Kind: "string", URL: tr.url}
		rows = append(rows, Row{ID: tr.id, Title: tr.title, Run: a.Run,
			Requirement: a.Fetch() + " must reject and no host may be contacted: " + tr.why})
	}

	// One spec per redirect status fetch follows; each status is in its title, sentence and
	// URL alike.
	const redirect = "security argument (strict): every redirect hop is a new request to a new host; WHATWG Fetch §4.4 HTTP-redirect fetch"
	for _, r := range []struct {
		id     string
		status int
	}{
		{id: "ALLOW-046", status: 301}, {id: "ALLOW-047", status: 302}, {id: "ALLOW-048", status: 303},
		{id: "ALLOW-049", status: 307}, {id: "ALLOW-050", status: 308},
	} {
		rows = append(rows, Row{ID: r.id, Title: fmt.Sprintf("%d redirect to a denied host is not followed", r.status),
			Requirement: fmt.Sprintf("A %d redirect from an allowed host to a denied host must reject the fetch, and the denied host must never be contacted.", r.status),
			Source:      redirect,
			Rationale:   "An allowlist checked only on the first URL is bypassed by any open redirect on an allowed host.",
			Run:         Attempt{Kind: "string", URL: fmt.Sprintf("http://allowed.test/redirect-host/evil.test?status=%d&path=/anything", r.status)}.Run})
	}

	const once = "security argument (strict): the URL that was checked is the URL fetched; WHATWG Fetch §5.4 (the Request constructor parses its input once)"
	stays := Attempt{Kind: "string", URL: `http://allowed.test\@evil.test/anything`, MayResolve: true}
	return Defaults{Area: AreaAllowlist, Profile: ProfileStrict, Since: "0.1.0",
		Source:    "security argument (strict): the hostname checked must be the hostname connected to, whatever the URL's spelling; WHATWG URL §4.4 host parsing",
		Rationale: "A check that parses the URL differently from the code that connects lets a vat name one host and reach another.",
		Fixture:   "allowlist/fetch-input"}.Specs(append(rows,
		Row{ID: "ALLOW-044", Title: "href that differs from the string",
			Requirement: "An input object whose href names an allowed host but whose string conversion names a denied one must be denied: fetch converts its input with toString, so that is what must be checked.",
			Source:      once,
			Rationale:   "A check that reads input.href while fetch reads String(input) checks one URL and fetches another.",
			Run:         Attempt{Kind: "href-differs", URL: "http://evil.test/anything", First: "http://allowed.test/anything"}.Run},
		Row{ID: "ALLOW-045", Title: "stringifier that changes between calls",
			Requirement: "An input whose toString returns an allowed URL on its first call and a denied URL afterwards must never reach the denied host: the input is converted once, and that URL (allowed.test) is both checked and fetched.",
			Source:      once,
			Rationale:   "A wrapper that calls new URL(input) for the check and then passes input to fetch converts it twice; the second conversion is unchecked.",
			Run:         Attempt{Kind: "changing", URL: "http://evil.test/anything", First: "http://allowed.test/anything", MayResolve: true}.Run},
		Row{ID: "ALLOW-051", Title: "redirect to a loopback address is not followed",
			Requirement: "A redirect from an allowed host to an IP address not in the list must reject the fetch without contacting that address.",
			Source:      redirect,
			Rationale:   "Redirects to internal addresses are the classic way past an allowlist.",
			Run:         Attempt{Kind: "string", URL: "http://allowed.test/redirect-to?url=http%3A%2F%2F127.0.0.1%2Fanything&status_code=302"}.Run},
		Row{ID: "ALLOW-052", Title: "redirect chain ending on a denied host",
			Requirement: "A chain of redirects that stays on allowed hosts and then leaves them must reject at the first denied hop, which must never be contacted.",
			Source:      redirect,
			Rationale:   "Checking only the first and last URL, or only the first hop, misses chains.",
			Run:         Attempt{Kind: "string", URL: "http://allowed.test/redirect-host/allowed.test?status=302&path=%2Fredirect-host%2Fevil.test%3Fstatus%3D307"}.Run},
		Row{ID: "ALLOW-053", Title: "redirect to a subdomain of an allowed host",
			Requirement: "A redirect to a subdomain of an allowed host must reject when the subdomain is not itself allowed, and the subdomain must never be contacted.",
			Source:      redirect,
			Rationale:   "Exact matching applies to every hop, not only the first.",
			Run:         Attempt{Kind: "string", URL: "http://allowed.test/redirect-host/a.allowed.test?status=302"}.Run},
		Row{ID: "ALLOW-054", Title: "redirect through a Request input",
			Requirement: "A Request whose URL redirects to a denied host must reject, and the denied host must never be contacted.",
			Source:      redirect,
			Rationale:   "Redirect checks must not depend on the form of the input.",
			Run:         Attempt{Kind: "request", URL: "http://allowed.test/redirect-host/evil.test?status=302"}.Run},
		Row{ID: "ALLOW-055", Title: "backslash after the allowed host stays on it",
			Requirement: stays.Fetch() + " may reach allowed.test only: in special URLs the backslash ends the authority, so evil.test is part of the path.",
			Rationale:   "A check that reads the host after the @ while the connection goes to the host before it (or the reverse) splits check from connection.",
			Run:         stays.Run})...)
}
