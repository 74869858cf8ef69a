package fuzz

import (
	"strings"
)

// The grammar of what goes with a URL: RequestInit and ResponseInit members, bodies of
// every kind, header names (valid, forbidden, invalid) and values.

// init draws a RequestInit literal (", {...}" or nothing) and the controller whose signal it
// carries. held: the response's body never ends, so no integrity (a fetch with integrity
// metadata resolves only once it has read and checked the whole body).
func (g *gen) init(held bool) (code, signal string) {
	n := g.pickW("init members", 10, 5, 2, 1, 1)
	if n == 0 {
		return "", ""
	}
	members := []string{"method", "headers", "body", "redirect", "signal", "mode", "credentials", "cache",
		"referrer", "referrerPolicy", "integrity", "keepalive", "window", "priority"}
	chosen := map[string]bool{}
	var parts []string
	for i := 0; i < n; i++ {
		m := members[g.pickW("init member", 6, 5, 5, 4, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
		if chosen[m] {
			continue
		}
		chosen[m] = true
		switch m {
		case "method":
			parts = append(parts, "method: "+str(g.method()))
		case "headers":
			parts = append(parts, "headers: "+g.headersInit())
		case "body":
			body := g.body()
			parts = append(parts, "body: "+body)
			if strings.Contains(body, "ReadableStream") && g.pickW("duplex", 1, 3) == 1 {
				parts = append(parts, "duplex: \"half\"")
			}
			if !chosen["method"] && g.pickW("body method", 1, 3) == 1 {
				chosen["method"] = true
				parts = append(parts, "method: \"POST\"")
			}
		case "redirect":
			parts = append(parts, "redirect: "+str(oneOf(g, "redirect mode", []string{"manual", "error", "follow", "bogus"})))
		case "signal":
			ctrls := g.slotsWhere(isKind(kController))
			switch {
			case len(ctrls) > 0 && g.pickW("signal source", 1, 2) == 1:
				signal = oneOf(g, "controller", ctrls).name
				parts = append(parts, "signal: "+signal+".signal")
			case g.env.has("AbortSignal"):
				parts = append(parts, "signal: "+oneOf(g, "aborted signal", []string{"AbortSignal.abort()", "AbortSignal.abort(\"fz\")", "null", "undefined", "{}"}))
			default:
				parts = append(parts, "signal: null")
			}
		case "mode":
			parts = append(parts, "mode: "+str(oneOf(g, "mode", []string{"cors", "no-cors", "same-origin", "navigate", "websocket"})))
		case "credentials":
			parts = append(parts, "credentials: "+str(oneOf(g, "credentials", []string{"omit", "include", "same-origin", "bogus"})))
		case "cache":
			parts = append(parts, "cache: "+str(oneOf(g, "cache", []string{"no-store", "reload", "no-cache", "force-cache", "only-if-cached"})))
		case "referrer":
			parts = append(parts, "referrer: "+str(oneOf(g, "referrer", []string{"", "about:client", "http://allowed.test/ref", "http://evil.test/ref", "/ref", "bad url"})))
		case "referrerPolicy":
			parts = append(parts, "referrerPolicy: "+str(oneOf(g, "referrer policy", []string{"no-referrer", "unsafe-url", "origin", "bogus", ""})))
		case "integrity":
			if held {
				continue
			}
			parts = append(parts, "integrity: "+str(oneOf(g, "integrity", []string{"sha256-AAAA", "", "bogus"})))
		case "keepalive":
			parts = append(parts, "keepalive: true")
		case "window":
			parts = append(parts, "window: "+oneOf(g, "window", []string{"null", "{}"}))
		case "priority":
			parts = append(parts, "priority: "+str(oneOf(g, "priority", []string{"high", "low", "auto", "bogus"})))
		}
	}
	return ", { " + strings.Join(parts, ", ") + " }", signal
}

func (g *gen) method() string {
	return []string{"GET", "POST", "HEAD", "PUT", "DELETE", "patch", "PATCH", "post", "OPTIONS", "FOO", "CONNECT", "TRACE", "G ET", "", "get", "TRACK"}[g.pickW("method", 10, 6, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
}

// body draws a body expression, using only the globals the vat has.
func (g *gen) body() string {
	options := []string{"\"fz-body\"", "\"\"", "new Uint8Array([102, 122])", "new Uint8Array([1, 2, 3]).buffer", "42", "({})", "null", "undefined", "new Uint8Array([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])"}
	if g.env.has("URLSearchParams") {
		options = append(options, "new URLSearchParams(\"a=1&b=%C3%A9\")")
	}
	if g.env.has("TextEncoder") {
		options = append(options, "new TextEncoder().encode(\"caf\\u00e9\")")
	}
	if g.env.has("ReadableStream", "TextEncoder") {
		options = append(options,
			"new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(\"fz\")); c.close(); } })",
			"new ReadableStream({ start(c) { c.enqueue(\"not bytes\"); c.close(); } })")
	}
	return options[g.pickW("body kind", append([]int{8}, repeat(1, len(options)-1)...)...)]
}

// headersInit draws what a Headers (or a headers member) is initialised with.
func (g *gen) headersInit() string {
	pairs := func() [][2]string {
		n := g.pickW("header count", 2, 4, 2, 1)
		out := make([][2]string, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, [2]string{g.headerName(), g.headerValue()})
		}
		return out
	}
	switch g.pickW("headers form", 6, 3, 1, 1, 1) {
	case 0:
		var parts []string
		for _, p := range pairs() {
			parts = append(parts, str(p[0])+": "+str(p[1]))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case 1:
		var parts []string
		for _, p := range pairs() {
			parts = append(parts, "["+str(p[0])+", "+str(p[1])+"]")
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case 2:
		if hs := g.slotsWhere(isKind(kHeaders)); len(hs) > 0 {
			return oneOf(g, "headers slot", hs).name
		}
		return "{}"
	case 3:
		return oneOf(g, "bad headers", []string{"[[\"x-fz-a\"]]", "\"fz\"", "[[\"x-fz-a\", \"1\", \"2\"]]", "null"})
	default:
		return "undefined"
	}
}

// headerName draws a header name: the program's own, standard ones, names a browser
// forbids, and names that are no HTTP token.
func (g *gen) headerName() string {
	names := []string{"x-fz-a", "X-Fz-B", "content-type", "authorization", "accept", "cookie", "host", "content-length",
		"connection", "proxy-fz", "sec-fz", "x fz", "", "x-fz-\u00e9", "set-cookie", "range", "origin", "referer",
		"user-agent", "keep-alive", "x-http-method-override", "content-language", "transfer-encoding", "X-FZ-A"}
	n := names[g.pickW("header name", append([]int{10, 4, 4, 3, 2}, repeat(1, len(names)-5)...)...)]
	g.header(n)
	return n
}

func (g *gen) headerValue() string {
	values := []string{"1", "v", " padded ", "a,b", "text/plain", "Basic dXNlcjpwdw==", "", "a\tb", "bad\nvalue",
		"\u00e9", "\u0100", "a\x00b", "application/json", "bytes=0-1", "a=1", "PUT", "\u00a0x\u00a0"}
	return values[g.pickW("header value", append([]int{10, 3, 2, 2}, repeat(1, len(values)-4)...)...)]
}

// responseInit draws a ResponseInit literal (", {...}" or nothing).
func (g *gen) responseInit() string {
	if g.pickW("response init", 2, 3) == 0 {
		return ""
	}
	var parts []string
	if g.pickW("status", 1, 2) == 1 {
		parts = append(parts, "status: "+oneOf(g, "response status", []string{"200", "204", "201", "299", "0", "199", "600", "101", "304", "205", "\"404\"", "200.5"}))
	}
	if g.chance("status text", 3) {
		parts = append(parts, "statusText: "+str(oneOf(g, "status text", []string{"OK", "", "Not Found", "\u00e9", "bad\u0100", "a\nb", " x "})))
	}
	if g.chance("response headers", 2) {
		parts = append(parts, "headers: "+g.headersInit())
	}
	return ", { " + strings.Join(parts, ", ") + " }"
}
