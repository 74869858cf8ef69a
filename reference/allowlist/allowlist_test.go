package allowlist

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// parseCase is one input to Parse with what a WHATWG URL parser (Node 20's URL) makes of it.
// host is url.URL.Hostname(): WHATWG's hostname without the IPv6 brackets. href is the
// serialised URL; it is left empty where only the host is asserted. err, when set, is the
// sentinel Parse must wrap.
type parseCase struct {
	name string
	in   string
	host string
	href string
	err  error
}

var parseCases = []parseCase{
	// Userinfo is not the host.
	{name: "userinfo user and password", in: "http://user:pass@Example.COM/", host: "example.com", href: "http://user:pass@example.com/"},
	{name: "userinfo user only", in: "http://user@example.com/", host: "example.com", href: "http://user@example.com/"},
	{name: "userinfo last at sign wins", in: "http://a@b@example.com/", host: "example.com", href: "http://a%40b@example.com/"},
	{name: "userinfo names the allowed host", in: "https://evil.test@allowed.test/", host: "allowed.test", href: "https://evil.test@allowed.test/"},
	{name: "userinfo hides an encoded slash", in: "http://allowed.test%2F@evil.test/", host: "evil.test", href: "http://allowed.test%2F@evil.test/"},
	{name: "empty userinfo is no userinfo", in: "http://@example.com/", host: "example.com", href: "http://example.com/"},
	{name: "empty user and password are no userinfo", in: "http://:@example.com/", host: "example.com", href: "http://example.com/"},
	{name: "empty password is no password", in: "http://u:@example.com/", host: "example.com", href: "http://u@example.com/"},
	{name: "empty user with a password is userinfo", in: "http://:p@example.com/", host: "example.com", href: "http://:p@example.com/"},
	{name: "fragment before at sign", in: "http://evil.test#@allowed.test/", host: "evil.test", href: "http://evil.test/#@allowed.test/"},
	{name: "query before at sign", in: "http://evil.test?@allowed.test/", host: "evil.test", href: "http://evil.test/?@allowed.test/"},

	// Case and trailing dot.
	{name: "scheme and host are lowercased", in: "HtTpS://Example.com", host: "example.com", href: "https://example.com/"},
	{name: "trailing dot is kept", in: "HTTP://EXAMPLE.com./", host: "example.com.", href: "http://example.com./"},
	{name: "trailing dot with port", in: "http://example.com.:8080/x", host: "example.com.", href: "http://example.com.:8080/x"},
	{name: "many labels", in: "http://a.b.c.d.e/", host: "a.b.c.d.e", href: "http://a.b.c.d.e/"},

	// IPv4 in all its spellings.
	{name: "ipv4 hex and short", in: "http://0x7f.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 single decimal", in: "http://2130706433/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 octal part", in: "http://0177.0.0.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 two parts", in: "http://127.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 three parts", in: "http://127.0.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 single hex", in: "http://0x7f000001/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 every part hex", in: "http://0x7f.0x0.0x0.0x1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 mixed bases", in: "http://1.0x2.03.4/", host: "1.2.3.4", href: "http://1.2.3.4/"},
	{name: "ipv4 lowercase hex digits", in: "http://0xa.0xb.0xc.0xd/", host: "10.11.12.13", href: "http://10.11.12.13/"},
	{name: "ipv4 uppercase hex digits", in: "http://0XA.0XB.0XC.0XF/", host: "10.11.12.15", href: "http://10.11.12.15/"},
	{name: "ipv4 long octal", in: "http://00000000000000000000000000000000000177.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 zero", in: "http://0/", host: "0.0.0.0", href: "http://0.0.0.0/"},
	{name: "ipv4 bare hex prefix", in: "http://0x/", host: "0.0.0.0", href: "http://0.0.0.0/"},
	{name: "ipv4 max decimal", in: "http://4294967295/", host: "255.255.255.255", href: "http://255.255.255.255/"},
	{name: "ipv4 max hex", in: "http://0xffffffff/", host: "255.255.255.255", href: "http://255.255.255.255/"},
	{name: "ipv4 trailing dot dropped", in: "http://1.2.3.4./", host: "1.2.3.4", href: "http://1.2.3.4/"},
	{name: "ipv4 percent-encoded digits", in: "http://%31%32%37.0.0.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 full-width digits", in: "http://１２７.0.0.1/", host: "127.0.0.1", href: "http://127.0.0.1/"},
	{name: "ipv4 one part and a trailing dot", in: "http://1./", host: "0.0.0.1", href: "http://0.0.0.1/"},
	{name: "ipv4 part over 255", in: "http://256.0.0.1/", err: ErrInvalidURL},
	{name: "ipv4 five parts", in: "http://1.2.3.4.5/", err: ErrInvalidURL},
	{name: "ipv4 five parts ending in zero", in: "http://1.2.3.4.0/", err: ErrInvalidURL},
	{name: "ipv4 decimal overflow", in: "http://4294967296/", err: ErrInvalidURL},
	{name: "ipv4 hex overflow", in: "http://0x100000000/", err: ErrInvalidURL},
	{name: "ipv4 bad octal last part", in: "http://1.2.3.09/", err: ErrInvalidURL},
	{name: "ipv4 bad octal first part", in: "http://09.1/", err: ErrInvalidURL},
	{name: "ipv4 octal digit 8", in: "http://1.2.3.08/", err: ErrInvalidURL},
	// A part that is not a number in its base makes the host a domain, not an address.
	{name: "domain of a digit and a letter", in: "http://1a/", host: "1a", href: "http://1a/"},
	{name: "domain of a hex prefix and a non-hex letter", in: "http://0x1g/", host: "0x1g", href: "http://0x1g/"},
	{name: "domain ending in a number", in: "http://example.1/", err: ErrInvalidURL},
	{name: "domain ending in bad octal", in: "http://foo.09/", err: ErrInvalidURL},
	{name: "domain ending in bare hex prefix", in: "http://foo.0x/", err: ErrInvalidURL},

	// IPv6.
	{name: "ipv6 loopback", in: "http://[::1]/", host: "::1", href: "http://[::1]/"},
	{name: "ipv6 expanded with port", in: "http://[0:0:0:0:0:0:0:1]:8080/", host: "::1", href: "http://[::1]:8080/"},
	{name: "ipv6 default port dropped", in: "http://[::1]:80/", host: "::1", href: "http://[::1]/"},
	{name: "ipv6 unspecified", in: "http://[::]/", host: "::", href: "http://[::]/"},
	{name: "ipv6 uppercase", in: "http://[2001:DB8::1]/", host: "2001:db8::1", href: "http://[2001:db8::1]/"},
	{name: "ipv6 longest zero run compressed", in: "http://[1:0:0:2:0:0:0:3]/", host: "1:0:0:2::3", href: "http://[1:0:0:2::3]/"},
	{name: "ipv4-mapped dotted", in: "http://[::ffff:127.0.0.1]/", host: "::ffff:7f00:1", href: "http://[::ffff:7f00:1]/"},
	{name: "ipv4-mapped hex", in: "http://[::FFFF:7f00:1]/", host: "::ffff:7f00:1", href: "http://[::ffff:7f00:1]/"},
	{name: "ipv4-mapped with port", in: "http://[::ffff:1.2.3.4]:8080/", host: "::ffff:102:304", href: "http://[::ffff:102:304]:8080/"},
	{name: "ipv6 zone id", in: "http://[::1%25eth0]/", err: ErrInvalidURL},
	{name: "ipv6 unterminated", in: "http://[::1/", err: ErrInvalidURL},
	{name: "ipv6 brackets around ipv4", in: "http://[1.2.3.4]/", err: ErrInvalidURL},

	// Percent-encoding in the host.
	{name: "percent-encoded letter", in: "http://ex%61mple.com/", host: "example.com", href: "http://example.com/"},
	{name: "percent-encoded slash", in: "http://exa%2Fmple.com/", err: ErrInvalidURL},
	{name: "bad percent-encoding", in: "http://ex%zzample.com/", err: ErrInvalidURL},
	{name: "percent-encoded nul", in: "http://a%00b/", err: ErrInvalidURL},
	{name: "raw invalid utf-8", in: "http:\x83", err: ErrInvalidURL},
	{name: "percent-encoded invalid utf-8", in: "http://%83/", err: ErrInvalidURL},
	{name: "percent-encoded replacement character", in: "http://%EF%BF%BD/", err: ErrInvalidURL},
	{name: "replacement character", in: "http://\uFFFD/", err: ErrInvalidURL},
	{name: "punycode of the replacement character", in: "http://xn--zn7c/", err: ErrInvalidURL},
	{name: "percent-encoded utf-8", in: "http://ex%C3%BCample/", host: "xn--example-o2a", href: "http://xn--example-o2a/"},
	{name: "percent-encoded emoji", in: "http://%F0%9F%98%80.test/", host: "xn--e28h.test", href: "http://xn--e28h.test/"},

	// IDN.
	{name: "idn", in: "http://bücher.example/", host: "xn--bcher-kva.example", href: "http://xn--bcher-kva.example/"},
	{name: "punycode kept", in: "http://xn--bcher-kva.example/", host: "xn--bcher-kva.example", href: "http://xn--bcher-kva.example/"},
	{name: "full-width letters and dot", in: "http://ＥＸＡＭＰＬＥ．ｃｏｍ/", host: "example.com", href: "http://example.com/"},
	{name: "sharp s is not transitional", in: "http://faß.de/", host: "xn--fa-hia.de", href: "http://xn--fa-hia.de/"},
	{name: "emoji", in: "http://😀.test/", host: "xn--e28h.test", href: "http://xn--e28h.test/"},
	{name: "invalid punycode", in: "http://xn--/", err: ErrInvalidURL},

	// Backslashes, tabs, newlines, surrounding spaces.
	{name: "backslash ends the host", in: `http://example.com\path`, host: "example.com", href: "http://example.com/path"},
	{name: "backslashes as slashes", in: `http:\\example.com\a\b`, host: "example.com", href: "http://example.com/a/b"},
	{name: "backslash kept in query", in: `http://example.com/a\b?c\d`, host: "example.com", href: `http://example.com/a/b?c\d`},
	{name: "backslash before at sign", in: `http://example.com\@evil.test/`, host: "example.com", href: "http://example.com/@evil.test/"},
	{name: "backslash hides userinfo", in: `http://allowed.test\@evil.test/`, host: "allowed.test", href: "http://allowed.test/@evil.test/"},
	{name: "tab removed", in: "http://exa\tmple.com/", host: "example.com", href: "http://example.com/"},
	{name: "newline removed", in: "http://exa\nmple.com/", host: "example.com", href: "http://example.com/"},
	{name: "carriage return removed", in: "http://exa\rmple.com/", host: "example.com", href: "http://example.com/"},
	{name: "leading and trailing spaces", in: " http://example.com/ ", host: "example.com", href: "http://example.com/"},
	{name: "space in host", in: "http://ex ample.com/", err: ErrInvalidURL},
	{name: "angle bracket in host", in: "http://exa<mple.com/", err: ErrInvalidURL},

	// Slashes after the scheme.
	{name: "no slashes", in: "http:example.com/x", host: "example.com", href: "http://example.com/x"},
	{name: "three slashes", in: "http:///example.com/", host: "example.com", href: "http://example.com/"},
	{name: "empty host", in: "http://", err: ErrInvalidURL},

	// Schemes.
	{name: "file", in: "file:///etc/passwd", err: ErrScheme},
	{name: "data", in: "data:text/plain,hi", err: ErrScheme},
	{name: "blob", in: "blob:http://example.com/uuid", err: ErrScheme},
	{name: "ftp", in: "ftp://example.com/", err: ErrScheme},
	{name: "ws", in: "ws://example.com/", err: ErrScheme},
	{name: "javascript", in: "javascript:alert(1)", err: ErrScheme},

	// Ports.
	{name: "http default port", in: "http://example.com:80/", host: "example.com", href: "http://example.com/"},
	{name: "https default port", in: "https://example.com:443/", host: "example.com", href: "https://example.com/"},
	{name: "https on port 80", in: "https://example.com:80/", host: "example.com", href: "https://example.com:80/"},
	{name: "leading zeros in port", in: "http://EXAMPLE.COM:0008080/", host: "example.com", href: "http://example.com:8080/"},
	{name: "empty port", in: "http://example.com:/", host: "example.com", href: "http://example.com/"},
	{name: "port out of range", in: "http://example.com:65536/", err: ErrInvalidURL},
	{name: "port not a number", in: "http://example.com:abc/", err: ErrInvalidURL},

	// Relative URLs.
	{name: "absolute path", in: "/relative", err: ErrInvalidURL},
	{name: "bare host", in: "example.com", err: ErrInvalidURL},
	{name: "scheme-relative", in: "//example.com/", err: ErrInvalidURL},
	{name: "empty", in: "", err: ErrInvalidURL},

	// Paths: dot segments, encoding; query and fragment left alone.
	{name: "dot segments", in: "http://example.com/a/./b/../c", host: "example.com", href: "http://example.com/a/c"},
	{name: "encoded dot-dot", in: "http://example.com/a/%2e%2E/b", host: "example.com", href: "http://example.com/b"},
	{name: "encoded dot", in: "http://example.com/%2e/x", host: "example.com", href: "http://example.com/x"},
	{name: "dot-dot above root", in: "http://example.com/..", host: "example.com", href: "http://example.com/"},
	{name: "trailing dot-dot", in: "http://example.com/a/b/..", host: "example.com", href: "http://example.com/a/"},
	{name: "trailing encoded dot-dot", in: "http://example.com/a/%2E%2e", host: "example.com", href: "http://example.com/"},
	{name: "dot segments in query and fragment kept", in: "http://example.com/a?x=../y#../z", host: "example.com", href: "http://example.com/a?x=../y#../z"},
	{name: "space in path", in: "http://example.com/a b", host: "example.com", href: "http://example.com/a%20b"},
	{name: "non-ascii path", in: "http://example.com/ü", host: "example.com", href: "http://example.com/%C3%BC"},
	{name: "quotes in path", in: `http://example.com/"x"`, host: "example.com", href: "http://example.com/%22x%22"},
	{name: "existing escape kept", in: "http://EXAMPLE.com/%7Efoo", host: "example.com", href: "http://example.com/%7Efoo"},
	{name: "spaces in query and fragment", in: "http://example.com/?a b#c d", host: "example.com", href: "http://example.com/?a%20b#c%20d"},
	{name: "escapes of every hex digit kept", in: "http://example.com/%0a%9F%f0%A0", host: "example.com", href: "http://example.com/%0a%9F%f0%A0"},
	{name: "malformed escape in path is not an error", in: "http://example.com/%zz%g0", host: "example.com"},
	{name: "DEL in path", in: "http://example.com/a\x7fb", host: "example.com", href: "http://example.com/a%7Fb"},
	{name: "highest port", in: "http://example.com:65535/", host: "example.com", href: "http://example.com:65535/"},
	{name: "port past the highest", in: "http://example.com:65536/", err: ErrInvalidURL},
	{name: "ipv6 with garbage after", in: "http://[::1]x/", err: ErrInvalidURL},
	{name: "ipv6 with port", in: "http://[::1]:8080/", host: "::1", href: "http://[::1]:8080/"},

	// Schemes: a valid scheme other than http(s) is refused as a scheme; anything else has
	// no scheme at all (a relative URL, and a vat has no base).
	{name: "other scheme upper A", in: "A:x", err: ErrScheme},
	{name: "other scheme upper Z", in: "Z:x", err: ErrScheme},
	{name: "other scheme lower a and z", in: "az:x", err: ErrScheme},
	{name: "other scheme with digits and signs", in: "a09+-.:x", err: ErrScheme},
	{name: "scheme starting with a digit", in: "9a:x", err: ErrInvalidURL},
	{name: "scheme with an underscore", in: "a_b:x", err: ErrInvalidURL},
	{name: "scheme with a character after Z", in: "a[:x", err: ErrInvalidURL},
	{name: "dot segments in a query without path stay", in: "http://example.com?a/../b", host: "example.com", href: "http://example.com/?a/../b"},
	{name: "dot segments in a fragment without path stay", in: "http://example.com#a/./b/..", host: "example.com", href: "http://example.com/#a/./b/.."},
	{name: "fragment without path", in: "http://example.com#frag", host: "example.com", href: "http://example.com/#frag"},
	{name: "query without path", in: "http://example.com?q", host: "example.com", href: "http://example.com/?q"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Parse(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Parse(%q) = %v, %v; want error wrapping %q", tc.in, u, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v; want host %q", tc.in, err, tc.host)
			}
			if got := u.Hostname(); got != tc.host {
				t.Errorf("Parse(%q).Hostname() = %q, want %q", tc.in, got, tc.host)
			}
			if tc.href != "" {
				if got := u.String(); got != tc.href {
					t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.href)
				}
			}
		})
	}
}

// TestParseRefusesWhatItCannotRepresent: a host the URL Standard accepts but net/url cannot
// carry is refused as an invalid URL, never returned as a nil URL without an error.
func TestParseRefusesWhatItCannotRepresent(t *testing.T) {
	for _, in := range []string{"http://a{b/", "http://a}b/"} {
		u, err := Parse(in)
		if !errors.Is(err, ErrInvalidURL) {
			t.Errorf("Parse(%q) = %v, %v; want an error wrapping %q", in, u, err, ErrInvalidURL)
		}
	}
}

func TestCanonicalHost(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "Example.COM", want: "example.com"},
		{in: "example.com.", want: "example.com."},
		{in: "0x7f.1", want: "127.0.0.1"},
		{in: "2130706433", want: "127.0.0.1"},
		{in: "0177.0.0.1", want: "127.0.0.1"},
		{in: "127.1", want: "127.0.0.1"},
		{in: "1.2.3.4.", want: "1.2.3.4"},
		{in: "[::1]", want: "::1"},
		{in: "[::FFFF:127.0.0.1]", want: "::ffff:7f00:1"},
		{in: "[2001:db8:0:0:1:0:0:1]", want: "2001:db8::1:0:0:1"},
		{in: "ex%61mple.com", want: "example.com"},
		{in: "bücher.example", want: "xn--bcher-kva.example"},
		{in: "ＥＸＡＭＰＬＥ．ｃｏｍ", want: "example.com"},
		{in: "faß.de", want: "xn--fa-hia.de"},
		{in: "", wantErr: true},
		{in: "::1", wantErr: true},
		{in: "[::1", wantErr: true},
		{in: "[1.2.3.4]", wantErr: true},
		{in: "[::1%eth0]", wantErr: true},
		{in: "256.0.0.1", wantErr: true},
		{in: "example.1", wantErr: true},
		{in: "exa mple.com", wantErr: true},
		{in: "exa%2fmple.com", wantErr: true},
		{in: "a@b", wantErr: true},
		{in: "a:80", wantErr: true},
		{in: "%zz", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CanonicalHost(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("CanonicalHost(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CanonicalHost(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	l := New([]string{"Allowed.Test", "127.0.0.1", "[::1]", "bücher.example", "not a host"})
	tests := []struct {
		name   string
		in     string
		err    error
		denied string // DeniedError.Host, when err is ErrDenied
	}{
		{name: "exact host", in: "https://allowed.test/x"},
		{name: "case and port ignored", in: "http://ALLOWED.test:8443/"},
		{name: "userinfo ignored", in: "https://evil.test@allowed.test/"},
		{name: "ipv4 spelled in hex", in: "http://0x7f.1/"},
		{name: "ipv4 spelled as one number", in: "http://2130706433:9/"},
		{name: "ipv6", in: "http://[0::1]/"},
		{name: "ipv6 denied names the bracketed host", in: "http://[::2]/", err: ErrDenied, denied: "[::2]"},
		{name: "idn entry matches punycode", in: "http://xn--bcher-kva.example/"},
		{name: "idn entry matches unicode", in: "http://BÜCHER.example/"},
		{name: "subdomain denied", in: "https://sub.allowed.test/", err: ErrDenied, denied: "sub.allowed.test"},
		{name: "trailing dot denied", in: "https://allowed.test./", err: ErrDenied, denied: "allowed.test."},
		{name: "suffix denied", in: "https://allowed.test.evil.test/", err: ErrDenied, denied: "allowed.test.evil.test"},
		{name: "userinfo does not allow", in: "https://allowed.test@evil.test/", err: ErrDenied, denied: "evil.test"},
		{name: "encoded slash in userinfo", in: "http://allowed.test%2F@evil.test/", err: ErrDenied, denied: "evil.test"},
		{name: "ipv4-mapped loopback is not ipv4", in: "http://[::ffff:127.0.0.1]/", err: ErrDenied, denied: "[::ffff:7f00:1]"},
		{name: "other loopback", in: "http://127.0.0.2/", err: ErrDenied, denied: "127.0.0.2"},
		{name: "invalid entry never matches", in: "http://not%20a%20host/", err: ErrInvalidURL},
		{name: "file scheme", in: "file:///etc/passwd", err: ErrScheme},
		{name: "data scheme", in: "data:,x", err: ErrScheme},
		{name: "blob scheme", in: "blob:https://allowed.test/uuid", err: ErrScheme},
		{name: "ftp scheme", in: "ftp://allowed.test/", err: ErrScheme},
		{name: "relative", in: "/x", err: ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := l.Check(tc.in)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("Check(%q): %v", tc.in, err)
				}
				if !l.Allows(u.Hostname()) {
					t.Fatalf("Check(%q) returned %q, whose host the list does not allow", tc.in, u)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("Check(%q) = %v, %v; want error wrapping %q", tc.in, u, err, tc.err)
			}
			if u != nil {
				t.Errorf("Check(%q) returned URL %q with error %v", tc.in, u, err)
			}
			if tc.denied != "" {
				var de *DeniedError
				if !errors.As(err, &de) || de.Host != tc.denied {
					t.Fatalf("Check(%q) = %v; want DeniedError for %q", tc.in, err, tc.denied)
				}
				if want := "Invalid host: " + tc.denied; err.Error() != want {
					t.Errorf("Check(%q) message = %q, want %q", tc.in, err.Error(), want)
				}
			}
		})
	}
}

func TestEmptyListDeniesEverything(t *testing.T) {
	l := New([]string{})
	for _, in := range []string{"http://127.0.0.1/", "https://example.com/", "http://[::1]/"} {
		if _, err := l.Check(in); !errors.Is(err, ErrDenied) {
			t.Errorf("empty list: Check(%q) = %v, want ErrDenied", in, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	l := New([]string{"allowed.test"})
	tests := []struct {
		name string
		u    *url.URL
		err  error
	}{
		{name: "canonical", u: &url.URL{Scheme: "https", Host: "allowed.test:8443", Path: "/"}},
		{name: "non-canonical case", u: &url.URL{Scheme: "https", Host: "Allowed.test", Path: "/"}, err: ErrInvalidURL},
		{name: "non-canonical ipv4", u: &url.URL{Scheme: "http", Host: "0x7f.1", Path: "/"}, err: ErrInvalidURL},
		{name: "invalid host", u: &url.URL{Scheme: "http", Host: "a b", Path: "/"}, err: ErrInvalidURL},
		{name: "other host", u: &url.URL{Scheme: "http", Host: "evil.test", Path: "/"}, err: ErrDenied},
		{name: "scheme", u: &url.URL{Scheme: "ftp", Host: "allowed.test", Path: "/"}, err: ErrScheme},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := l.CheckURL(tc.u)
			if tc.err == nil && err != nil {
				t.Fatalf("CheckURL(%q): %v", tc.u, err)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("CheckURL(%q) = %v, want error wrapping %q", tc.u, err, tc.err)
			}
		})
	}
}

// FuzzParse checks what must hold for any input: Parse never panics, what it returns parses
// again to itself, and the host it returns is canonical.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		u, err := Parse(in)
		if err != nil {
			if u != nil {
				t.Fatalf("Parse(%q) returned %q with error %v", in, u, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("Parse(%q) scheme %q", in, u.Scheme)
		}
		host := u.Hostname()
		canon, err := CanonicalHost(bracket(host))
		if err != nil || canon != host {
			t.Fatalf("Parse(%q) host %q: CanonicalHost = %q, %v", in, host, canon, err)
		}
		s := u.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse again: %v", in, s, err)
		}
		if again.Hostname() != host || again.String() != s {
			t.Fatalf("Parse(%q) = %q (host %q); re-parsed %q (host %q)", in, s, host, again.String(), again.Hostname())
		}
	})
}

// FuzzCanonicalHost checks that CanonicalHost is idempotent.
func FuzzCanonicalHost(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.host)
	}
	f.Add("0x7f.1")
	f.Add("[::ffff:1.2.3.4]")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := CanonicalHost(in)
		if err != nil {
			return
		}
		again, err := CanonicalHost(bracket(c))
		if err != nil || again != c {
			t.Fatalf("CanonicalHost(%q) = %q; CanonicalHost of that = %q, %v", in, c, again, err)
		}
	})
}

// bracket puts an IPv6 address back in the brackets CanonicalHost expects of one.
func bracket(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// TestCompressIPv6 pins the URL Standard's IPv6 compression on its own: the first longest run
// of two or more zero pieces becomes "::", a single zero piece stays.
func TestCompressIPv6(t *testing.T) {
	tests := []struct{ pieces, want string }{
		{"1 0 2 3 4 5 6 7", "1:0:2:3:4:5:6:7"},
		{"1 0 0 2 3 4 5 6", "1::2:3:4:5:6"},
		{"1 0 0 2 0 0 3 4", "1::2:0:0:3:4"},
		{"1 0 0 2 0 0 0 3", "1:0:0:2::3"},
		{"0 0 0 0 0 ffff 7f00 1", "::ffff:7f00:1"},
		{"1 2 3 4 5 6 0 0", "1:2:3:4:5:6::"},
		{"0 0 0 0 0 0 0 0", "::"},
	}
	for _, tc := range tests {
		if got := compressIPv6(strings.Fields(tc.pieces)); got != tc.want {
			t.Errorf("compressIPv6(%s) = %q, want %q", tc.pieces, got, tc.want)
		}
	}
}

// TestValidate: an entry is valid when the URL host parser accepts it, in any spelling it
// canonicalises; an entry no URL hostname can equal is refused, naming the entry.
func TestValidate(t *testing.T) {
	valid := [][]string{
		nil,
		{},
		{"allowed.test"},
		{"ALLOWED.TEST", "Allowed.Test"},
		{"allowed.test."},
		{"bücher.test", "xn--bcher-kva.test"},
		{"192.0.2.10", "0xc0.0.2.10", "3221225994"},
		{"[2001:db8::10]", "[2001:DB8:0:0:0:0:0:10]"},
		{"allowed.test", "allowed.test"},
	}
	for _, hosts := range valid {
		if err := Validate(hosts); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", hosts, err)
		}
	}
	invalid := []struct {
		hosts []string
		bad   string
	}{
		{[]string{"allowed.test:8080"}, "allowed.test:8080"},
		{[]string{"allowed.test", "http://allowed.test"}, "http://allowed.test"},
		{[]string{""}, ""},
		{[]string{"allowed.test/api"}, "allowed.test/api"},
		{[]string{" allowed.test"}, " allowed.test"},
		{[]string{"2001:db8::10"}, "2001:db8::10"},
		{[]string{"::1"}, "::1"},
		{[]string{"[::1"}, "[::1"},
		{[]string{"256.0.0.1"}, "256.0.0.1"},
	}
	for _, tc := range invalid {
		err := Validate(tc.hosts)
		if !errors.Is(err, ErrInvalidEntry) {
			t.Errorf("Validate(%q) = %v, want an error wrapping ErrInvalidEntry", tc.hosts, err)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(tc.bad)) {
			t.Errorf("Validate(%q) = %v, want the message to name the entry %q", tc.hosts, err, tc.bad)
		}
	}
}

// TestEntriesMatchTheHostTheyName: entries in another spelling of a host admit that host
// and nothing else; a trailing dot is part of the name.
func TestEntriesMatchTheHostTheyName(t *testing.T) {
	tests := []struct {
		entry        string
		admits, deny []string
	}{
		{"ALLOWED.TEST", []string{"http://allowed.test/", "http://Allowed.Test:8080/"}, []string{"http://a.allowed.test/", "http://allowed.test./"}},
		{"allowed.test.", []string{"http://allowed.test./", "http://ALLOWED.TEST./"}, []string{"http://allowed.test/"}},
		{"bücher.test", []string{"http://xn--bcher-kva.test/", "http://BÜCHER.test/"}, []string{"http://bucher.test/"}},
		{"0xc0.0.2.10", []string{"http://192.0.2.10/", "http://192.0.522/"}, []string{"http://192.0.2.11/"}},
		{"[2001:DB8::10]", []string{"http://[2001:db8:0::10]/"}, []string{"http://[2001:db8::11]/"}},
		{"test", []string{"http://test/"}, []string{"http://allowed.test/"}},
	}
	for _, tc := range tests {
		l := New([]string{tc.entry})
		for _, in := range tc.admits {
			if _, err := l.Check(in); err != nil {
				t.Errorf("entry %q: Check(%q) = %v, want allowed", tc.entry, in, err)
			}
		}
		for _, in := range tc.deny {
			if _, err := l.Check(in); !errors.Is(err, ErrDenied) {
				t.Errorf("entry %q: Check(%q) = %v, want ErrDenied", tc.entry, in, err)
			}
		}
	}
}

// TestParsePercentEncodesEachComponentWithItsSet pins the percent-encode set of each part
// of the URL: the path set, the special-query set and the fragment set.
func TestParsePercentEncodesEachComponentWithItsSet(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://a.test/{x}?{y}", "http://a.test/%7Bx%7D?{y}"},
		{"http://a.test/x'y?x'y", "http://a.test/x'y?x%27y"},
		{"http://a.test/x`y?x`y#x`y", "http://a.test/x%60y?x`y#x%60y"},
		{"http://a.test/?a|b^c%zz%41", "http://a.test/?a|b^c%zz%41"},
		{"http://a.test/a b?c d#e f", "http://a.test/a%20b?c%20d#e%20f"},
		{"http://a.test/é?é#é", "http://a.test/%C3%A9?%C3%A9#%C3%A9"},
	} {
		u, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := u.String(); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
