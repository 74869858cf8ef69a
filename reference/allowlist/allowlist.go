package allowlist

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Sentinel errors, for errors.Is.
var (
	// ErrInvalidURL: the input is not a URL (fetch rejects with TypeError).
	ErrInvalidURL = errors.New("invalid URL")
	// ErrScheme: the URL is not http: or https:.
	ErrScheme = errors.New("scheme not allowed")
	// ErrDenied: the URL's host is not on the list.
	ErrDenied = errors.New("host not allowed")
)

// List is a set of allowed hostnames, compared exactly with a URL's canonical hostname.
type List struct {
	hosts map[string]bool
}

// New builds a list from configured hostnames. Each entry is canonicalised the way a URL's
// host is, so "Allowed.Test" and "allowed.test" are the same entry; an entry that is not a
// valid host can never match.
func New(hosts []string) *List {
	l := &List{hosts: map[string]bool{}}
	for _, h := range hosts {
		if c, err := CanonicalHost(h); err == nil {
			l.hosts[c] = true
		}
	}
	return l
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
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
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

// idnaProfile is UTS #46 as the URL Standard's domain-to-ASCII uses it: non-transitional,
// no hyphen or DNS-length checks, with the STD3 rules left to the forbidden code point check.
var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.CheckHyphens(false),
	idna.VerifyDNSLength(false), idna.StrictDomainName(false), idna.BidiRule())

const forbiddenDomainCodePoints = "\x00\t\n\r #/:<>?@[\\]^|%\x7f"

// CanonicalHost parses a host as the URL Standard's host parser does for special schemes
// and returns its serialisation: an IPv6 address (without brackets), an IPv4 address in
// dotted decimal, or a lowercase ASCII domain.
func CanonicalHost(input string) (string, error) {
	if input == "" {
		return "", errors.New("empty host")
	}
	if strings.HasPrefix(input, "[") {
		if !strings.HasSuffix(input, "]") {
			return "", errors.New("unterminated IPv6 address")
		}
		ip := net.ParseIP(input[1 : len(input)-1])
		if ip == nil || strings.Contains(input, "%") || !strings.Contains(input, ":") {
			return "", fmt.Errorf("invalid IPv6 address %q", input)
		}
		return canonicalIPv6(ip), nil
	}
	decoded, err := url.PathUnescape(input)
	if err != nil {
		return "", fmt.Errorf("invalid percent-encoding in host %q", input)
	}
	// The URL Standard decodes the bytes as UTF-8 with replacement, and U+FFFD is not a
	// valid domain code point: invalid UTF-8 is an invalid host.
	if !utf8.ValidString(decoded) {
		return "", fmt.Errorf("invalid UTF-8 in host %q", input)
	}
	ascii, err := idnaProfile.ToASCII(decoded)
	if err != nil {
		// The lookup profile rejects some inputs the URL Standard accepts after mapping;
		// retry with mapping only, and let the forbidden code point check decide.
		mapped, merr := idna.New(idna.MapForLookup(), idna.Transitional(false), idna.CheckHyphens(false), idna.VerifyDNSLength(false), idna.StrictDomainName(false)).ToASCII(decoded)
		if merr != nil {
			return "", fmt.Errorf("invalid domain %q: %v", input, err)
		}
		ascii = mapped
	}
	ascii = strings.ToLower(ascii)
	if ascii == "" {
		return "", errors.New("empty host")
	}
	if strings.ContainsAny(ascii, forbiddenDomainCodePoints) {
		return "", fmt.Errorf("forbidden code point in host %q", input)
	}
	for _, c := range ascii {
		if c < 0x20 {
			return "", fmt.Errorf("forbidden code point in host %q", input)
		}
	}
	if endsInANumber(ascii) {
		v4, err := parseIPv4(ascii)
		if err != nil {
			return "", fmt.Errorf("invalid IPv4 address %q: %v", input, err)
		}
		return v4, nil
	}
	return ascii, nil
}

func canonicalIPv6(ip net.IP) string {
	// net.IP.String prints v4-mapped addresses as dotted IPv4; the URL Standard keeps
	// them as IPv6 in hex.
	if v4 := ip.To4(); v4 != nil && len(ip) == net.IPv6len {
		full := make([]string, 8)
		for i := 0; i < 8; i++ {
			full[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
		}
		// Compress the longest run of zero pieces, as the URL Standard does.
		return compressIPv6(full)
	}
	return ip.String()
}

func compressIPv6(pieces []string) string {
	bestStart, bestLen := -1, 0
	for i := 0; i < len(pieces); {
		if pieces[i] != "0" {
			i++
			continue
		}
		j := i
		for j < len(pieces) && pieces[j] == "0" {
			j++
		}
		if j-i > bestLen && j-i > 1 {
			bestStart, bestLen = i, j-i
		}
		i = j
	}
	if bestStart < 0 {
		return strings.Join(pieces, ":")
	}
	return strings.Join(pieces[:bestStart], ":") + "::" + strings.Join(pieces[bestStart+bestLen:], ":")
}

// endsInANumber is the URL Standard's "ends in a number" check.
func endsInANumber(host string) bool {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, err := parseIPv4Number(last)
	return err == nil && last != ""
}

func parseIPv4Number(s string) (*big.Int, error) {
	if s == "" {
		return nil, errors.New("empty part")
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" {
		return big.NewInt(0), nil
	}
	digits := map[int]string{8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}[base]
	if strings.Trim(s, digits) != "" {
		return nil, fmt.Errorf("not a number in base %d", base)
	}
	// Any value past 2^32 is out of range whatever its size; a host of a million digits must
	// not cost a million-digit conversion.
	maxDigits := map[int]int{8: 11, 10: 10, 16: 8}[base]
	if significant := strings.TrimLeft(s, "0"); len(significant) > maxDigits {
		return new(big.Int).Lsh(big.NewInt(1), 40), nil
	}
	n, ok := new(big.Int).SetString(s, base)
	if !ok {
		return nil, fmt.Errorf("not a number in base %d", base)
	}
	return n, nil
}

func parseIPv4(host string) (string, error) {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return "", errors.New("more than four parts")
	}
	nums := make([]*big.Int, len(parts))
	for i, p := range parts {
		n, err := parseIPv4Number(p)
		if err != nil {
			return "", err
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n.Cmp(big.NewInt(255)) > 0 {
			return "", errors.New("part out of range")
		}
	}
	limit := new(big.Int).Lsh(big.NewInt(1), uint(8*(5-len(nums))))
	if nums[len(nums)-1].Cmp(limit) >= 0 {
		return "", errors.New("last part out of range")
	}
	v := new(big.Int).Set(nums[len(nums)-1])
	for i, n := range nums[:len(nums)-1] {
		v.Add(v, new(big.Int).Lsh(n, uint(8*(3-i))))
	}
	x := v.Uint64()
	return fmt.Sprintf("%d.%d.%d.%d", x>>24&255, x>>16&255, x>>8&255, x&255), nil
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
