package allowlist

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// WHATWG URL host parsing: domain to ASCII, IPv4 in every number form, IPv6 serialisation.

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

func parseIPv4Number(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty part")
	}
	base, maxDigits := uint64(10), 10
	switch {
	case len(s) >= 2 && s[:2] == "0x":
		s, base, maxDigits = s[2:], 16, 8
	case len(s) >= 2 && s[0] == '0':
		s, base, maxDigits = s[1:], 8, 11
	}
	for i := 0; i < len(s); i++ {
		if digitValue(s[i]) >= base {
			return 0, fmt.Errorf("not a number in base %d", base)
		}
	}
	// Any value past 2^32 is out of range whatever its size; a host of a million digits must
	// not cost a million-digit conversion, and the digits kept fit in a uint64.
	significant := strings.TrimLeft(s, "0")
	if len(significant) > maxDigits {
		return ipv4OutOfRange, nil
	}
	var n uint64
	for i := 0; i < len(significant); i++ {
		n = n*base + digitValue(significant[i])
	}
	return n, nil
}

// ipv4OutOfRange stands for a part too long to be in range: past every limit parseIPv4
// compares with.
const ipv4OutOfRange = 1 << 40

// digitValue is the value of a hexadecimal digit, or 16 for any other byte. Only lowercase
// letters are digits: a host reaches the IPv4 parser lowercased (CanonicalHost lowercases
// it first, as domain to ASCII does), so "0X" and "A"-"F" never arrive here.
func digitValue(c byte) uint64 {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0')
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10
	default:
		return 16
	}
}

func parseIPv4(host string) (string, error) {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return "", errors.New("more than four parts")
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := parseIPv4Number(p)
		if err != nil {
			return "", err
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return "", errors.New("part out of range")
		}
	}
	last := nums[len(nums)-1]
	if last >= uint64(1)<<(8*(5-len(nums))) {
		return "", errors.New("last part out of range")
	}
	x := last
	for i, n := range nums[:len(nums)-1] {
		x += n << (8 * (3 - i))
	}
	return fmt.Sprintf("%d.%d.%d.%d", x>>24&255, x>>16&255, x>>8&255, x&255), nil
}
