package fuzz

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/conform-suite/conform/reference/allowlist"
)

// The URL side of the grammar: hosts in every spelling a URL parser or an allowlist might
// read differently, allowlist entries in the same spellings, routes of the mock network
// (deterministic bodies, held requests, redirect chains with Location spellings), and the
// ways a URL reaches fetch (string, URL, Request, subclass, stringifier, changing
// stringifier, lying url getter).

// Hosts the grammar spells. The first four are the suite's standard virtual hosts; the
// loopback addresses are virtual hosts of a fuzz network too (FuzzHosts), so that IPv4 and
// IPv6 spellings reach a host instead of being refused.
var grammarHosts = []string{"allowed.test", "evil.test", "a.allowed.test", "other.test", "127.0.0.1", "::1"}

// FuzzHosts are the virtual hosts a fuzz network serves: every host the grammar's spellings
// can parse to (trailing dots, homographs, loopback addresses), so that a request an
// allowlist lets through reaches a host the same way in every engine instead of being
// refused by the proxy, which each HTTP client reports differently.
func FuzzHosts() []string {
	hosts := []string{"127.0.0.1", "::1", "::ffff:7f00:1", "localhost", "127.0.0.1.."}
	for _, h := range grammarHosts[:4] {
		hosts = append(hosts, h, h+".", h+"..")
		if c, err := allowlist.CanonicalHost(homograph(h)); err == nil {
			hosts = append(hosts, c)
		}
	}
	return hosts
}

// allowlist draws a vat's allowedHosts: mostly canonical names, then other spellings of
// the same hosts and entries that are no host at all.
func (g *gen) allowlist() []string {
	plain := [][]string{{"allowed.test"}, {"allowed.test", "a.allowed.test"}, {}}
	if !g.env.VaryAllowlist {
		return plain[0]
	}
	if k := g.pickW("plain allowlist", 10, 3, 2, 5); k < len(plain) {
		return plain[k]
	}
	hosts := []string{}
	g.repeat("allowlist entry", 1, 3, func() {
		h := grammarHosts[g.pickW("allowed host", 6, 1, 2, 1, 1, 1)]
		switch g.pickW("entry form", 12, 6, 2) {
		case 0:
			hosts = append(hosts, entryHost(h))
		case 1:
			hosts = append(hosts, g.hostSpelling(h, true))
		default:
			hosts = append(hosts, oneOf(g, "odd entry", []string{
				"allowed.test:8080", "http://allowed.test", "*.allowed.test", "", " allowed.test",
				"allowed.test/", "::1", "allowed.test:80", "localhost", "ALLOWED.TEST.", "[::ffff:127.0.0.1]",
			}))
		}
	})
	return hosts
}

// entryHost is a host as an allowlist entry states it: IPv6 in brackets.
func entryHost(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// hostSpelling writes host h in one of the spellings a URL parser maps back to it (or,
// for the homograph, to another host); entry is true on the configuration side.
func (g *gen) hostSpelling(h string, entry bool) string {
	switch h {
	case "127.0.0.1":
		return oneOf(g, "ipv4 spelling", []string{"127.0.0.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1",
			"0x7F000001", "127.0.0.1.", "127.000.000.001", "0x7f.1", "127.0.0.1.."})
	case "::1":
		return oneOf(g, "ipv6 spelling", []string{"[::1]", "[0:0:0:0:0:0:0:1]", "[::0001]", "[::ffff:127.0.0.1]", "[0::1]", "[::FFFF:7F00:1]"})
	}
	spellings := []func(string) string{
		func(s string) string { return s },
		strings.ToUpper,
		func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
		func(s string) string { return s + "." },
		func(s string) string { return fmt.Sprintf("%%%02X%s", s[0], s[1:]) },
		func(s string) string { return strings.Replace(s, ".", "%2E", 1) },
		func(s string) string { return string(rune(0xFF21+rune(s[0]-'a'))) + s[1:] }, // fullwidth capital
		func(s string) string { return strings.Replace(s, ".", "\u3002", 1) },        // ideographic full stop
		func(s string) string { return s[:2] + "\u00ad" + s[2:] },                    // soft hyphen
		homograph,
		func(s string) string { return s[:3] + "\t" + s[3:] },
		func(s string) string { return s[:3] + "\n" + s[3:] },
		func(s string) string { return s + ".." },
		func(s string) string { return s[:1] + "\u200b" + s[1:] },             // zero-width space
		func(s string) string { return strings.Replace(s, "s", "\u017f", 1) }, // long s
	}
	if entry {
		spellings = spellings[:10] // tabs and newlines are the URL parser's, not an entry's
	}
	return spellings[g.pickW("host spelling", append([]int{12}, repeat(1, len(spellings)-1)...)...)](h)
}

func repeat(w, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = w
	}
	return out
}

// homograph replaces the first Latin letter that has a Cyrillic look-alike: another host.
func homograph(s string) string {
	for i, c := range s {
		if r, ok := map[rune]rune{'a': 'а', 'e': 'е', 'o': 'о'}[c]; ok {
			return s[:i] + string(r) + s[i+utf8.RuneLen(c):]
		}
	}
	return s
}

// route is a path of the mock network and what reading its body gives.
type route struct {
	path string
	det  bool // the body is the same bytes in every engine
	drip bool // headers at once, a body that never ends
	hang bool // never answers
}

// hostURL writes an absolute URL of host h with path: mostly plain, else with one trick
// (a host spelling, a scheme, a separator, userinfo, a port, a backslash or fragment after
// the authority), so that a difference points at one thing.
func (g *gen) hostURL(h, path string) string {
	scheme, sep, host, userinfo, port, end := "http", "://", entryHost(h), "", "", ""
	if h == "127.0.0.1" {
		host = h
	}
	if g.pickW("plain url", 4, 1) == 1 {
		switch g.pickW("url trick", 6, 1, 1, 1, 1, 1) {
		case 0:
			host = g.hostSpelling(h, false)
		case 1:
			scheme = oneOf(g, "scheme", []string{"HTTP", "hTtP", "https"})
		case 2:
			sep = oneOf(g, "separator", []string{":\\\\", ":/", ":", ":///", ":/\\"})
		case 3:
			userinfo = oneOf(g, "userinfo", []string{"user:pw@", "user@", "allowed.test@", ":@"})
		case 4:
			port = oneOf(g, "port", []string{":80", ":8080", ":", ":0", ":65536", ":0080"})
		default:
			end = oneOf(g, "authority end", []string{"\\@allowed.test", "#@allowed.test"})
		}
	}
	if strings.HasPrefix(end, "#") {
		return scheme + sep + userinfo + host + port + end
	}
	return scheme + sep + userinfo + host + port + end + path
}

// urlFor draws the URL a fetch is given: mostly absolute on a grammar host, sometimes
// relative, another scheme, or a data: URL.
func (g *gen) urlFor(r route) string {
	switch g.pickW("url form", 60, 1, 1, 1, 1) {
	case 1:
		return r.path
	case 2:
		return "//allowed.test" + r.path
	case 3:
		return oneOf(g, "other scheme", []string{"data:text/plain,fz", "about:blank", "ftp://allowed.test/", "file:///etc/hostname", "blob:http://allowed.test/x", "javascript:1"})
	case 4:
		return "allowed.test" + r.path
	}
	return g.hostURL(grammarHosts[g.pickW("host", 20, 4, 3, 1, 1, 1)], r.path)
}

// route draws a path that answers by itself (no held request); tag marks the paths that
// are held, when held routes are wanted (drip, hang).
func (g *gen) route(depth int) route {
	choice := g.pickW("route", 10, 3, 2, 2, 2, 1, 1, 2, 3, 2, 1)
	switch choice {
	case 0:
		return route{path: "/fz/res?b=" + oneOf(g, "body", []string{"hello", "", "%EF%BB%BFbom", "caf%C3%A9", "%FF%FE"}), det: true}
	case 1:
		status := oneOf(g, "status", []string{"200", "404", "204", "201", "500", "299", "418", "304", "205", "203", "226"})
		return route{path: "/fz/res?s=" + status + "&b=x", det: true}
	case 2:
		return route{path: "/fz/res?ct=application%2Fjson&b=" + url.QueryEscape(oneOf(g, "json", []string{`{"a":1}`, `[1,2]`, `"s"`, `{`, ``, "\ufeff{}"})), det: true}
	case 3:
		return route{path: "/fz/res?h=" + url.QueryEscape(oneOf(g, "response header", []string{"x-fz-r:1", "x-fz-r:a, b", "content-type:text/html", "x-fz-r:", "set-cookie:a=1", "x-fz-r:\u00e9"})) + "&b=h", det: true}
	case 4:
		return route{path: "/fz/res?ct=" + url.QueryEscape(oneOf(g, "form type", []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain"})) + "&b=" + url.QueryEscape("a=1&b=%C3%A9"), det: true}
	case 5:
		return route{path: fmt.Sprintf("/bytes/%d?seed=7", oneOf(g, "byte count", []int{0, 1, 100, 70000})), det: true}
	case 6:
		return route{path: "/upload-sink", det: true}
	case 7:
		return route{path: "/anything"}
	case 8:
		if depth >= 3 {
			return route{path: "/fz/res?b=end", det: true}
		}
		return g.redirect(depth + 1)
	case 9:
		n := oneOf(g, "hops", []int{1, 2, 20, 21, 22, 19})
		return route{path: fmt.Sprintf("/%s/%d", oneOf(g, "redirect route", []string{"redirect", "relative-redirect", "absolute-redirect"}), n)}
	default:
		return route{path: "/reset", det: true}
	}
}

// redirect draws a redirect whose Location is written exactly as drawn (the route echoes
// it): absolute on another host, scheme-relative, path-only, with backslashes.
func (g *gen) redirect(depth int) route {
	next := g.route(depth)
	status := oneOf(g, "redirect status", []string{"302", "301", "303", "307", "308", "300", "305", "399", "201"})
	var loc string
	switch g.pickW("location form", 6, 3, 2, 1, 1, 1, 1) {
	case 0:
		loc = g.hostURL(grammarHosts[g.pickW("redirect host", 4, 4, 1, 1, 1, 1)], next.path)
	case 1:
		loc = next.path
	case 2:
		loc = "//" + g.hostSpelling(grammarHosts[g.pickW("redirect host", 3, 3, 1, 1)], false) + next.path
	case 3:
		loc = "/\\" + g.hostSpelling(grammarHosts[g.pickW("redirect host", 1, 3)], false) + next.path
	case 4:
		loc = " http://" + grammarHosts[g.pick("redirect host", 4)] + next.path
	case 5:
		loc = "http:" + grammarHosts[g.pick("redirect host", 4)] + next.path
	default:
		loc = "mailto:fz@allowed.test"
	}
	return route{path: "/fz/redirect?s=" + status + "&to=" + url.QueryEscape(loc), det: next.det}
}

// heldRoute draws a route that holds the request (hang) or the body (drip) open, tagged so
// that the harness recognises its exchange.
func (g *gen) heldRoute(tag string) route {
	if g.pickW("held kind", 1, 1) == 0 {
		return route{path: "/fz/hang?fz=" + tag, hang: true}
	}
	return route{path: "/fz/drip?fz=" + tag, drip: true}
}

// heldURL writes the URL of a held route, directly or behind a redirect on the same host.
func (g *gen) heldURL(r route) string {
	if g.chance("held behind redirect", 4) {
		return g.hostURL("allowed.test", "/fz/redirect?s=302&to="+url.QueryEscape(r.path))
	}
	return g.hostURL(grammarHosts[g.pickW("held host", 10, 2, 1)], r.path)
}

// input wraps a URL literal into one of the forms fetch and Request accept; op names the
// form. other is a second URL, for the forms that can show one value to a check and
// another to the request.
func (g *gen) input(u string, other func() string) (code, form string) {
	lit := str(u)
	forms := []string{"string", "url", "request", "subclass", "object", "changing", "string-object", "lying-request"}
	form = forms[g.pickW("input form", 12, 2, 3, 1, 1, 2, 1, 1)]
	if form == "url" && !g.env.has("URL") {
		form = "string"
	}
	if (form == "request" || form == "subclass" || form == "lying-request") && !g.env.has("Request") {
		form = "string"
	}
	switch form {
	case "url":
		return "new URL(" + lit + ")", form
	case "request":
		return "new Request(" + lit + ")", form
	case "subclass":
		return "new (class extends Request {})(" + lit + ")", form
	case "object":
		return "{ toString() { return " + lit + "; } }", form
	case "changing":
		return "{ n: 0, toString() { return this.n++ === 0 ? " + lit + " : " + str(other()) + "; } }", form
	case "string-object":
		return "new String(" + lit + ")", form
	case "lying-request":
		return "new (class extends Request { get url() { return " + str(other()) + "; } })(" + lit + ")", form
	}
	return lit, form
}
