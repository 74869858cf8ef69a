package dsl

import "time"

// NetworkGlobals is the network endowment proper, as Snaps ships it: the globals a vat asks
// for most often.
func NetworkGlobals() []string { return []string{"fetch", "Request", "Headers", "Response"} }

// WithGlobals returns NetworkGlobals plus extra, for specs that need abort or streams too.
func WithGlobals(extra ...string) []string {
	return append(NetworkGlobals(), extra...)
}

// Hosts of the standard scenario every spec can use.
const (
	HostAllowed    = "allowed.test"
	HostEvil       = "evil.test"
	HostSubAllowed = "a.allowed.test"
	HostOther      = "other.test"
)

// Deadlines stated by the specs. Generous enough for slow adapters; the reference meets them
// in milliseconds.
const (
	// CloseDeadline is how soon after terminateVat returns mocknet must have seen a
	// connection closed.
	CloseDeadline = 2 * time.Second
	// SettleWindow is how long a spec watches for something that must not happen (a late
	// settlement, a late request) after the event that should have prevented it.
	SettleWindow = 300 * time.Millisecond
	// ReadyWithin bounds the waits that set a spec up (the program's request reaching
	// mocknet, its ready marker, the connections a teardown spec needs open). They are not
	// what a spec requires, so they are generous: a loaded machine or a slow runtime (a
	// browser) must not fail a spec before it has checked anything. A passing
	// implementation never waits this long; the wait ends on the event.
	ReadyWithin = 10 * time.Second
)

// ReadyMarker is what fixtures log once they hold open what a spec is about to test
// (a body being read, a reader, a clone), so that the spec acts at that moment and not
// merely when mocknet has seen the request.
const ReadyMarker = "conform: ready"

// WebGlobals are the web platform globals the catalogue knows: a spec that gives a vat any of
// them declares it. Names outside this list (a spec asking for a global no implementation has,
// to see createVat refuse it) need no declaration.
func WebGlobals() []string {
	return []string{"fetch", "Request", "Headers", "Response", "AbortController", "AbortSignal",
		"DOMException", "ReadableStream", "TextEncoder", "TextDecoder", "URL", "URLSearchParams", "atob", "btoa"}
}

// AbortGlobals are the globals a vat asks for to abort requests, as web platforms offer them.
func AbortGlobals() []string { return []string{"AbortController", "AbortSignal", "DOMException"} }

// OcapKernelGrant is the web platform part of what ocap-kernel's VatSupervisor lets a vat ask
// for (ALLOWED_GLOBAL_NAMES in packages/ocap-kernel/src/vats/endowments.ts, besides timers,
// Date, Math and crypto): no DOMException, no ReadableStream.
func OcapKernelGrant() []string {
	return []string{"fetch", "Request", "Headers", "Response", "AbortController", "AbortSignal",
		"TextEncoder", "TextDecoder", "URL", "URLSearchParams", "atob", "btoa"}
}
