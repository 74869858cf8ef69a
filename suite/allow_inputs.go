package suite

import (
	"cmp"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// deniedInput is a fetch input naming a host the allowlist denies: a string unless kind says
// otherwise (see dsl.Attempt), why it must be denied, and the globals beyond the network's
// that building it takes.
type deniedInput struct {
	id, title, kind, url, why string
	globals                   []string
}

// inputFormSpecs are the forms a fetch input takes (string, URL, Request, objects with a
// stringifier) and the spellings of a denied host: every one must be refused before anything
// is sent (core). The requirement names the very call the run makes.
func inputFormSpecs() []Spec {
	var rows []Row
	for _, in := range []deniedInput{
		{id: "ALLOW-003", title: "denied host as a URL object", kind: "url", url: "http://evil.test/anything",
			why: "URL inputs are checked", globals: WithGlobals("URL")},
		{id: "ALLOW-004", title: "denied host as a Request", kind: "request", url: "http://evil.test/anything",
			why: "Request inputs are checked"},
		{id: "ALLOW-005", title: "denied host as a Request of a Request", kind: "request-twice", url: "http://evil.test/anything",
			why: "a Request made from a Request keeps its URL"},
		{id: "ALLOW-006", title: "denied host behind a stringifier", kind: "object", url: "http://evil.test/anything",
			why: "objects are converted with toString, as fetch does"},
		{id: "ALLOW-007", title: "denied host behind Symbol.toPrimitive", kind: "primitive", url: "http://evil.test/anything",
			why: "objects are converted with Symbol.toPrimitive, as fetch does"},
		{id: "ALLOW-009", title: "subdomain of an allowed host", url: "http://a.allowed.test/anything",
			why: "matching is exact, so a subdomain of an allowed host is not allowed"},
		{id: "ALLOW-010", title: "allowed host as a prefix of a denied one", url: "http://allowed.test.evil.test/anything",
			why: "matching is on the whole hostname, not a prefix"},
		{id: "ALLOW-011", title: "allowed host as a suffix of a denied one", url: "http://evilallowed.test/anything",
			why: "matching is on the whole hostname, not a suffix"},
		{id: "ALLOW-012", title: "allowed host in the path", url: "http://evil.test/allowed.test",
			why: "the hostname is what is checked, not the URL text"},
		{id: "ALLOW-013", title: "allowed host in the query", url: "http://evil.test/anything?host=allowed.test",
			why: "the hostname is what is checked, not the URL text"},
		{id: "ALLOW-014", title: "allowed host in the fragment", url: "http://evil.test/anything#allowed.test",
			why: "the hostname is what is checked, not the URL text"},
		{id: "ALLOW-015", title: "denied host in upper case", url: "http://EVIL.TEST/anything",
			why: "hostnames are compared after canonicalisation to lower case"},
		{id: "ALLOW-016", title: "denied host with a trailing dot", url: "http://evil.test./anything",
			why: "the trailing-dot form of a host is still not an allowed host"},
		{id: "ALLOW-017", title: "denied host with an explicit port", url: "http://evil.test:80/anything",
			why: "ports are ignored, in both directions"},
		{id: "ALLOW-018", title: "file: URL", url: "file:///etc/passwd",
			why: "file: has no host to allow"},
		{id: "ALLOW-019", title: "data: URL", url: "data:text/plain,hello",
			why: "data: has no host to allow"},
		{id: "ALLOW-020", title: "blob: URL", url: "blob:http://allowed.test/0b1d7c6e-0000-4000-8000-000000000000",
			why: "blob: has no host to allow, even when it names an allowed origin"},
		{id: "ALLOW-021", title: "loopback address", url: "http://127.0.0.1/anything",
			why: "an IP address is a host like any other and is not in the list"},
		{id: "ALLOW-022", title: "localhost", url: "http://localhost/anything",
			why: "localhost is a host like any other and is not in the list"},
		{id: "ALLOW-023", title: "surrounding whitespace", url: "  http://evil.test/anything\n",
			why: "the URL parser strips surrounding whitespace before the hostname is known"},
		{id: "ALLOW-024", title: "scheme in upper case", url: "HTTP://evil.test/anything",
			why: "the scheme's spelling does not change the host"},
	} {
		a := Attempt{Kind: cmp.Or(in.kind, "string"), URL: in.url, NothingSent: true}
		rows = append(rows, Row{ID: in.id, Title: in.title, Globals: in.globals, Run: a.Run,
			Requirement: a.Fetch() + " must reject and no host may be contacted: " + in.why})
	}
	return Defaults{Area: AreaAllowlist, Profile: ProfileCore, Since: "0.1.0",
		Source:    "ocap-kernel: VatConfig.network.allowedHosts (exact match on URL hostname; ports and schemes ignored)",
		Rationale: "Every form of input reaches the same allowlist; a form the check does not understand must be denied, not waved through.",
		Fixture:   "allowlist/fetch-input"}.Specs(append(rows,
		Row{ID: "ALLOW-008", Title: "URL object moved to a denied host",
			Requirement: "A URL object created for an allowed host and then given a denied href must be denied when fetched: the URL's current value is what counts.",
			Rationale:   "URL objects are mutable; a check of where it pointed when created is no check.",
			Globals:     WithGlobals("URL"),
			Run:         Attempt{Kind: "mutated-url", URL: "http://evil.test/anything", First: "http://allowed.test/", NothingSent: true}.Run})...)
}
