package endowment

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/conform-suite/conform/reference/allowlist"
)

// follow sends the request to u and follows its redirects itself, hop by hop (never through
// http.Client's rules): each hop is checked against the allowlist before anything is sent to
// it, and is rewritten as Fetch's HTTP-redirect fetch says.
func (e *Endowment) follow(c *call, req request, u *url.URL, upload *io.PipeReader) (responseMeta, error) {
	method, body := req.method, req.body
	redirected := false
	for hop := 0; ; hop++ {
		var reader io.Reader
		switch {
		case upload != nil && hop == 0:
			reader = upload
		case body != nil:
			reader = strings.NewReader(string(body))
		}
		if isBadPort(u.Port()) {
			return responseMeta{}, fmt.Errorf("fetch failed: port %s is a bad port, which fetch never connects to", u.Port())
		}
		httpReq, err := http.NewRequestWithContext(c.ctx, method, u.String(), reader)
		if err != nil {
			return responseMeta{}, fmt.Errorf("fetch failed: %v", err)
		}
		if upload != nil && hop == 0 {
			httpReq.ContentLength = -1
		}
		for _, h := range req.headers {
			if strings.EqualFold(h[0], "host") {
				continue
			}
			httpReq.Header.Add(h[0], h[1])
		}
		res, err := e.client.Transport.RoundTrip(httpReq)
		if err != nil {
			if c.ctx.Err() != nil {
				return responseMeta{}, errors.New("fetch aborted")
			}
			return responseMeta{}, fmt.Errorf("fetch failed: %v", unwrapURLError(err))
		}
		if n := headerLines(res.Header); n > e.opts.MaxResponseHeaders {
			_ = res.Body.Close()
			return responseMeta{}, fmt.Errorf("fetch failed: the response from %s has %d header lines, more than the endowment's limit of %d (Limits.MaxResponseHeaders)", u.Redacted(), n, e.opts.MaxResponseHeaders)
		}
		if isRedirect(res.StatusCode) && req.redirect != "manual" {
			location := res.Header.Get("Location")
			if location != "" {
				_ = res.Body.Close()
				if req.redirect == "error" {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect mode is \"error\" and %s redirected", u.Redacted())
				}
				limit := maxRedirects
				if e.opts.Faults.redirectLimitOffByOne() {
					limit++
				}
				if hop+1 > limit {
					return responseMeta{}, errors.New("fetch failed: too many redirects")
				}
				next, err := resolveLocation(u, location)
				if err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: invalid redirect location %q", location)
				}
				if next, err = allowlist.Parse(next.String()); err != nil {
					return responseMeta{}, fmt.Errorf("fetch failed: redirect to %q: %v", location, err)
				}
				if !e.opts.Faults.redirectsUnchecked() && !e.opts.Faults.noAllowlist() {
					if err := e.allowlist().CheckURL(next); err != nil {
						return responseMeta{}, fmt.Errorf("fetch failed: redirect refused: %v", err)
					}
					if e.opts.Faults.refusesHTTPS() && next.Scheme == "https" {
						return responseMeta{}, fmt.Errorf("fetch failed: redirect refused: %v: https:", allowlist.ErrScheme)
					}
				}
				if upload != nil && res.StatusCode != http.StatusSeeOther {
					return responseMeta{}, errors.New("fetch failed: cannot follow a redirect with a streamed request body")
				}
				if redirectChangesToGET(res.StatusCode, method) {
					method, body, upload = http.MethodGet, nil, nil
					req.headers = withoutBodyHeaders(req.headers)
				}
				if !sameOrigin(u, next) && !e.opts.Faults.credentialsFollowRedirects() {
					req.headers = withoutCredentialHeaders(req.headers)
				}
				u, redirected = next, true
				continue
			}
		}
		if isRedirect(res.StatusCode) && req.redirect == "manual" {
			_ = res.Body.Close()
			return responseMeta{status: 0, typ: "opaqueredirect", url: responseURL(u), redirected: redirected, headers: [][]string{}}, nil
		}
		meta := responseMeta{
			status:     res.StatusCode,
			statusText: isomorphicDecode(strings.TrimSpace(strings.TrimPrefix(res.Status, fmt.Sprint(res.StatusCode)))),
			url:        responseURL(u),
			redirected: redirected,
			typ:        "basic",
		}
		for name, values := range res.Header {
			lower := strings.ToLower(name)
			for _, v := range values {
				meta.headers = append(meta.headers, []string{lower, isomorphicDecode(v)})
			}
		}
		if method == http.MethodHead || res.StatusCode == 101 || res.StatusCode == 204 || res.StatusCode == 205 || res.StatusCode == 304 {
			_ = res.Body.Close()
			return meta, nil
		}
		c.mu.Lock()
		c.body = &limitedBody{ReadCloser: res.Body, remaining: e.opts.MaxResponseBytes}
		c.contentLength = res.ContentLength
		c.mu.Unlock()
		meta.bodyID = c.id
		return meta, nil
	}
}

// resolveLocation parses a Location header relative to the URL that answered it, as the URL
// Standard's parser does for the special schemes fetch follows, where Go's url.Parse differs:
// tabs and newlines are removed and C0 controls and spaces trimmed; a backslash is a slash
// before the query; "http:x" is relative to an http: URL, while another scheme's slashes,
// however many, all introduce the authority. The host is canonicalised afterwards
// (allowlist.Parse).
func resolveLocation(base *url.URL, location string) (*url.URL, error) {
	loc := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.Trim(location, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
	scheme, rest, hasScheme := locationScheme(loc)
	switch {
	case !hasScheme:
		rest = loc
	case !isSpecialScheme(scheme):
		return url.Parse(loc)
	}
	if end := strings.IndexAny(rest, "?#"); end >= 0 {
		rest = strings.ReplaceAll(rest[:end], "\\", "/") + rest[end:]
	} else {
		rest = strings.ReplaceAll(rest, "\\", "/")
	}
	if hasScheme && scheme != strings.ToLower(base.Scheme) {
		return url.Parse(scheme + "://" + decodeHost(strings.TrimLeft(rest, "/")))
	}
	if strings.HasPrefix(rest, "//") {
		rest = "//" + decodeHost(rest[2:])
	}
	// A first segment with a colon ("1x:/y") is a path to the URL Standard, which found no
	// scheme in it; Go's parser would refuse it.
	if !hasScheme && strings.Contains(firstSegment(rest), ":") {
		rest = "./" + rest
	}
	ref, err := url.Parse(rest)
	if err != nil {
		return nil, err
	}
	return base.ResolveReference(ref), nil
}

// decodeHost percent-decodes the host at the start of s (an authority and what follows),
// as the URL Standard's host parser does before mapping the domain; Go's parser refuses a
// percent sign in a host name.
func decodeHost(s string) string {
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	authority := s[:end]
	userinfo, host := "", authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo, host = authority[:at+1], authority[at+1:]
	}
	if !strings.Contains(host, "%") || strings.HasPrefix(host, "[") {
		return s
	}
	port := ""
	if colon := strings.LastIndexByte(host, ':'); colon >= 0 {
		host, port = host[:colon], host[colon:]
	}
	decoded, err := url.PathUnescape(host)
	if err != nil {
		return s
	}
	return userinfo + decoded + port + s[end:]
}

// firstSegment is s up to its first '/', '?' or '#'.
func firstSegment(s string) string {
	if end := strings.IndexAny(s, "/?#"); end >= 0 {
		return s[:end]
	}
	return s
}

// locationScheme splits "scheme:rest" when s starts with a URL scheme.
func locationScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(s[:i]), s[i+1:], true
		default:
			return "", s, false
		}
	}
	return "", s, false
}

func isSpecialScheme(s string) bool {
	switch s {
	case "http", "https", "ws", "wss", "ftp", "file":
		return true
	}
	return false
}

// badPorts are the ports fetch blocks: https://fetch.spec.whatwg.org/#bad-port (services
// that a request could be smuggled into).
var badPorts = func() map[string]bool {
	ports := map[string]bool{}
	for _, p := range strings.Fields(`0 1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102
		103 104 109 110 111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530
		531 532 540 548 554 556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 5060 5061
		6000 6566 6665 6666 6667 6668 6669 6679 6697 10080`) {
		ports[p] = true
	}
	return ports
}()

// isBadPort reports whether fetch must refuse a URL's port (as Go's URL.Port gives it: no
// leading zeros after the URL Standard's canonicalisation, "" for the default).
func isBadPort(port string) bool { return badPorts[port] }

// responseURL is a response's URL as Response.url shows it: serialised without its fragment.
// https://fetch.spec.whatwg.org/#dom-response-url
func responseURL(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// isomorphicDecode maps each byte of a header value or reason phrase to the code point of
// the same number, as Fetch exposes them (a ByteString), instead of reading them as UTF-8.
// https://infra.spec.whatwg.org/#isomorphic-decode
func isomorphicDecode(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b := make([]rune, len(s))
			for j := 0; j < len(s); j++ {
				b[j] = rune(s[j])
			}
			return string(b)
		}
	}
	return s
}

// headerLines counts the header lines of a response, each value of a repeated name once.
func headerLines(h http.Header) int {
	n := 0
	for _, values := range h {
		n += len(values)
	}
	return n
}

func isRedirect(status int) bool {
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308
}

// redirectChangesToGET says whether a redirect with status turns a request with method
// into a GET without a body (HTTP-redirect fetch, step 12,
// https://fetch.spec.whatwg.org/#http-redirect-fetch): a 301 or 302 of a POST, and a 303 of
// anything but GET and HEAD. Other redirects (307, 308, a 301 of a PUT) keep the method
// and the body.
func redirectChangesToGET(status int, method string) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound:
		return method == http.MethodPost
	case http.StatusSeeOther:
		return method != http.MethodGet && method != http.MethodHead
	}
	return false
}

// withoutBodyHeaders removes the request-body-header names
// (https://fetch.spec.whatwg.org/#request-body-header-name) when a redirect drops the body.
func withoutBodyHeaders(headers [][2]string) [][2]string {
	return withoutHeaders(headers, "content-type", "content-encoding", "content-language", "content-location")
}

// withoutCredentialHeaders removes what must not follow a redirect to another origin:
// Authorization, as HTTP-redirect fetch step 13 says, and Cookie and Proxy-Authorization,
// which a vat cannot set through Headers (they are forbidden request headers) but which
// must not leave their origin either if they ever reach this list.
func withoutCredentialHeaders(headers [][2]string) [][2]string {
	return withoutHeaders(headers, "authorization", "cookie", "proxy-authorization")
}

func withoutHeaders(headers [][2]string, names ...string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		if slices.Contains(names, strings.ToLower(h[0])) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// sameOrigin compares the origins (scheme, host, port) of two http(s) URLs, a port left
// out being the scheme's default (https://html.spec.whatwg.org/#same-origin).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOrDefault(a) == portOrDefault(b)
}

func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
