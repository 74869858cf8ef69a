// Package reference is a network endowment for JavaScript running in goja: fetch, Request,
// Headers, Response, AbortController, AbortSignal, DOMException, ReadableStream,
// TextEncoder/TextDecoder and URL/URLSearchParams, with a host allowlist, a notify callback
// and a teardown that closes everything a sandbox left open.
//
// It follows the WHATWG Fetch, Streams, DOM and Encoding standards for what it implements,
// and is the implementation conform's suite is measured against: it passes every spec of
// every profile, strict included. It is also a library: a Go program that runs untrusted
// scripts in goja can give them a fetch that reaches only the hosts it names.
//
// The allowlist is exact: a URL's WHATWG-parsed hostname must be on the list; ports and
// schemes (http, https) are ignored; every redirect hop is checked before it is followed;
// the input is converted to a URL once, and that URL is what is dialled. Denied fetches
// reject with "TypeError: ... Invalid host: <hostname>" and send nothing.
//
// Redirects are followed by the endowment itself, hop by hop, never by Go's http.Client
// (whose own rules differ: it strips credentials by domain, not by origin), as Fetch's
// HTTP-redirect fetch says: a 301/302 of a POST and a 303 of anything but GET/HEAD become
// a GET without body or body headers, and a hop to another origin (scheme, host or port)
// drops Authorization, and Cookie and Proxy-Authorization with it.
//
// The runtime is touched only from its event loop: Install runs on the loop, and network
// results come back through loop.RunOnLoop.
//
// This package is the public face: Options, Limits, Event, New, Install, Teardown and
// VatEndowment, the interface a host of vats (harness/inprocess) and the broken variants
// (reference/mutants, built only with -tags conformfaults, as NewWithFaults is) share. The
// implementation is in internal/endowment: the Web API classes as one JavaScript file per
// API (internal/endowment/webapi/), and the Go host split by concern (host primitives,
// network path, redirects, bodies, teardown, text decoding); its doc.go maps the files. The
// allowlist is its own package, reference/allowlist.
package reference
