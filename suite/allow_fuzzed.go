package suite

import (
	"fmt"

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// Allowlist specs for redirects conform fuzz found resolved wrongly: a Location that names a
// host in a spelling Go's URL parser (and other naive ones) reads as a path on the same host.
func allowFuzzedSpecs() []Spec {
	var rows []Row
	for _, l := range []struct {
		id, title string
		LocationRedirect
	}{
		{"ALLOW-077", "backslash Location names a host", LocationRedirect{Location: func(host string) string { return `/\` + host + "/anything" },
			Why: `in special URLs a backslash is a slash, so "/\host/" is "//host/", a host`}},
		{"ALLOW-078", "scheme-relative Location with backslashes", LocationRedirect{Location: func(host string) string { return `\\` + host + `\anything` },
			Why: `backslashes are slashes in special URLs: "\\host\path" is "//host/path"`}},
		{"ALLOW-079", "percent-encoded host in a Location", LocationRedirect{Location: func(host string) string { return fmt.Sprintf("//%%%02X%s/anything", host[0], host[1:]) },
			Why: "the host is percent-decoded before it is checked"}},
		{"ALLOW-080", "absolute Location with backslashes", LocationRedirect{Location: func(host string) string { return `http:\\` + host + `\anything` },
			Why: `"http:" then backslashes is an absolute URL of the special scheme http, whose backslashes are slashes`}},
	} {
		rows = append(rows, Row{ID: l.id, Title: l.title, Run: l.Run,
			Requirement: fmt.Sprintf("A redirect from allowed.test whose Location is \"%s\" must be followed to the host it names by the URL Standard (%s): to %s when allowed, and refused without contact when that host is %s (Location \"%s\"), which is not.",
				l.Location(HostSubAllowed), l.Why, HostSubAllowed, HostEvil, l.Location(HostEvil))})
	}
	return Defaults{Area: AreaAllowlist, Profile: ProfileStrict, Since: "0.3.0",
		Source:    "security argument (strict): a redirect hop is checked as the URL it is; WHATWG URL §4.4 (special URLs read a backslash as a slash; hosts are percent-decoded) and WHATWG Fetch §4.4 HTTP-redirect fetch (the Location is parsed relative to the request's URL)",
		Rationale: "A Location parsed by a naive parser as a path on the same host, while the connection follows the URL Standard, is a hop nobody checked; the opposite reading breaks redirects a browser follows.",
		Fixture:   FixtureFetchStatus}.Specs(rows...)
}
