package allowlist

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Sentinel errors, for errors.Is.
var (
	// ErrInvalidURL: the input is not a URL (fetch rejects with TypeError).
	ErrInvalidURL = errors.New("invalid URL")
	// ErrScheme: the URL is not http: or https:.
	ErrScheme = errors.New("scheme not allowed")
	// ErrDenied: the URL's host is not on the list.
	ErrDenied = errors.New("host not allowed")
	// ErrInvalidEntry: a configured entry is not a host (Validate).
	ErrInvalidEntry = errors.New("invalid allowedHosts entry")
)

// List is a set of allowed hostnames, compared exactly with a URL's canonical hostname.
type List struct {
	hosts map[string]bool
}

// New builds a list from configured hostnames. Each entry is canonicalised the way a URL's
// host is, so "Allowed.Test" and "allowed.test" are the same entry; an entry that is not a
// valid host can never match. Call Validate first to refuse such a list instead.
func New(hosts []string) *List {
	l := &List{hosts: map[string]bool{}}
	for _, h := range hosts {
		if c, err := CanonicalHost(h); err == nil {
			l.hosts[c] = true
		}
	}
	return l
}

// Validate returns an error wrapping ErrInvalidEntry for the first entry that is not a host
// as the URL Standard parses one ("allowed.test:8080", "http://allowed.test", "", an IPv6
// address without brackets): no URL's hostname can ever equal it, so a list holding it is
// not the policy its author wrote. Entries that are hosts in another spelling
// ("ALLOWED.TEST", "bücher.test", "0xc0.0.2.10") are valid: New canonicalises them.
func Validate(hosts []string) error {
	for i, h := range hosts {
		if _, err := CanonicalHost(h); err != nil {
			return fmt.Errorf("%w: entry %d, %q, is not a hostname (%v); write the host alone, as URL.hostname shows it (IPv6 in brackets, no scheme, port or path)", ErrInvalidEntry, i, h, err)
		}
	}
	return nil
}

// Allows reports whether a canonical hostname is on the list.
func (l *List) Allows(hostname string) bool { return l.hosts[hostname] }

// Check parses raw once, checks it, and returns the URL that must be dialled.
func (l *List) Check(raw string) (*url.URL, error) {
	u, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	if err := l.CheckURL(u); err != nil {
		return nil, err
	}
	return u, nil
}

// CheckURL checks an already parsed URL (a redirect hop). Its host is canonicalised again,
// so a URL built elsewhere cannot carry a host that compares differently from what is
// dialled.
func (l *List) CheckURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return schemeError(u.Scheme)
	}
	// Hostname strips an IPv6 address's brackets; the host parser needs them back.
	hostname := u.Hostname()
	if strings.Contains(hostname, ":") {
		hostname = "[" + hostname + "]"
	}
	host, err := CanonicalHost(hostname)
	if err != nil {
		return fmt.Errorf("%w: host %q: %v", ErrInvalidURL, u.Hostname(), err)
	}
	if host != u.Hostname() {
		return fmt.Errorf("%w: host %q is not canonical (%q)", ErrInvalidURL, u.Hostname(), host)
	}
	if !l.hosts[host] {
		return &DeniedError{Host: hostname}
	}
	return nil
}

// DeniedError names the host that was refused; its message is ocap-kernel's.
type DeniedError struct{ Host string }

func (e *DeniedError) Error() string        { return "Invalid host: " + e.Host }
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

func schemeError(scheme string) error {
	if scheme == "file" {
		return fmt.Errorf("%w: file: URLs are not reachable through fetch; serve the file over http(s) from an allowed host", ErrScheme)
	}
	return fmt.Errorf("%w: only http: and https: URLs can be fetched, not %s:", ErrScheme, scheme)
}

// Parse parses raw as the WHATWG URL Standard does for http(s) URLs and returns it with a
// canonical host. Non-special schemes are parsed only far enough to name them.
func Parse(raw string) (*url.URL, error) {
	s := strings.Trim(raw, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if strings.ContainsAny(s, "\t\n\r") {
		// The URL parser drops every tab and newline; most URLs have none, so nothing is
		// built or copied for them.
		s = strings.Map(dropTabOrNewline, s)
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !validScheme(s[:colon]) {
		return nil, fmt.Errorf("%w: %q has no scheme (relative URLs need a base, and a vat has none)", ErrInvalidURL, raw)
	}
	scheme := strings.ToLower(s[:colon])
	rest := s[colon+1:]
	if scheme != "http" && scheme != "https" {
		return nil, schemeError(scheme)
	}
	// Special schemes: backslashes are slashes before the query and fragment, and any
	// number of slashes may follow the scheme before the authority.
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest = strings.ReplaceAll(rest[:q], `\`, "/") + rest[q:]
	} else {
		rest = strings.ReplaceAll(rest, `\`, "/")
	}
	rest = strings.TrimLeft(rest, "/")
	end := strings.IndexAny(rest, "/?#")
	authority, tail := rest, ""
	if end >= 0 {
		authority, tail = rest[:end], rest[end:]
	}
	var user *url.Userinfo
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		cred := authority[:at]
		authority = authority[at+1:]
		// url.Userinfo holds decoded text and encodes it again in String. The URL Standard
		// serialises an empty password as none and empty userinfo as nothing: "http://@host/"
		// and "http://:@host/" have no credentials, and a Request accepts them.
		name, pass, _ := strings.Cut(cred, ":")
		switch {
		case pass != "":
			user = url.UserPassword(unescapeUserinfo(name), unescapeUserinfo(pass))
		case name != "":
			user = url.User(unescapeUserinfo(name))
		}
	}
	hostPart, port, err := splitHostPort(authority)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrInvalidURL, raw, err)
	}
	host, err := CanonicalHost(hostPart)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrInvalidURL, raw, err)
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	hostport := host
	if strings.Contains(host, ":") {
		hostport = "[" + host + "]"
	}
	if port != "" {
		hostport += ":" + port
	}
	tail = encodeTail(removeDotSegments(tail))
	u, err := url.Parse(scheme + "://" + hostport + tail)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrInvalidURL, raw, err)
	}
	u.User = user
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

func dropTabOrNewline(r rune) rune {
	if r == '\t' || r == '\n' || r == '\r' {
		return -1
	}
	return r
}

// unescapeUserinfo decodes percent-escapes in a username or password; text with a malformed
// escape is kept as it is.
func unescapeUserinfo(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

func validScheme(s string) bool {
	for i, c := range s {
		isAlpha := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if i == 0 && !isAlpha {
			return false
		}
		if !isAlpha && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// encodeTail percent-encodes the path, query and fragment of tail, each with its own set
// (https://url.spec.whatwg.org/#percent-encoded-bytes): the path percent-encode set, the
// special-query percent-encode set and the fragment percent-encode set. Existing escapes
// are left alone. A % that starts no escape stays in the query, as the URL Standard says,
// but becomes %25 in the path and fragment: net/url, which carries the URL from here,
// rejects it there.
func encodeTail(tail string) string {
	path, query, fragment := tail, "", ""
	hasQuery, hasFragment := false, false
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, fragment, hasFragment = path[:i], path[i+1:], true
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query, hasQuery = path[:i], path[i+1:], true
	}
	var b strings.Builder
	percentEncode(&b, path, inPathSet, true)
	if hasQuery {
		b.WriteByte('?')
		percentEncode(&b, query, inSpecialQuerySet, false)
	}
	if hasFragment {
		b.WriteByte('#')
		percentEncode(&b, fragment, inFragmentSet, true)
	}
	return b.String()
}

// percentEncode writes s to b with each byte in set percent-encoded; strayPercent says
// whether a % that starts no escape is encoded too.
func percentEncode(b *strings.Builder, s string, set func(byte) bool, strayPercent bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b.WriteByte(c)
		case set(c) || (c == '%' && strayPercent):
			fmt.Fprintf(b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
}

// The percent-encode sets of https://url.spec.whatwg.org/#percent-encoded-bytes, byte-wise
// (every byte of a non-ASCII character is above 0x7E).
func inC0ControlSet(c byte) bool { return c < 0x20 || c > 0x7e }
func inFragmentSet(c byte) bool {
	return inC0ControlSet(c) || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`'
}
func inQuerySet(c byte) bool {
	return inC0ControlSet(c) || c == ' ' || c == '"' || c == '#' || c == '<' || c == '>'
}
func inSpecialQuerySet(c byte) bool { return inQuerySet(c) || c == '\'' }
func inPathSet(c byte) bool {
	return inQuerySet(c) || c == '?' || c == '^' || c == '`' || c == '{' || c == '}'
}

func ishex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func splitHostPort(authority string) (host, port string, err error) {
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return "", "", errors.New("unterminated IPv6 address")
		}
		host, rest := authority[:end+1], authority[end+1:]
		if rest == "" {
			return host, "", nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", errors.New("garbage after IPv6 address")
		}
		port, err := validPort(rest[1:])
		return host, port, err
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		port, err := validPort(authority[i+1:])
		return authority[:i], port, err
	}
	return authority, "", nil
}

func validPort(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("invalid port %q", p)
		}
	}
	n, err := strconv.ParseUint(p, 10, 32)
	if err != nil || n > 65535 {
		return "", fmt.Errorf("port %q out of range", p)
	}
	return strconv.FormatUint(n, 10), nil
}

// removeDotSegments resolves "." and ".." path segments (also percent-encoded as %2e) the
// way the WHATWG path state does, leaving the query and fragment alone.
func removeDotSegments(tail string) string {
	path, rest := tail, ""
	if i := strings.IndexAny(tail, "?#"); i >= 0 {
		path, rest = tail[:i], tail[i:]
	}
	if path == "" {
		return tail
	}
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	out := make([]string, 0, len(segments))
	for i, seg := range segments {
		last := i == len(segments)-1
		switch strings.ToLower(seg) {
		case "..", ".%2e", "%2e.", "%2e%2e":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		case ".", "%2e":
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/") + rest
}
