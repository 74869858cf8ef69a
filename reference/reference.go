package reference

import (
	"context"
	"net/http"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/reference/allowlist"
	"github.com/conform-suite/conform/reference/internal/endowment"
)

// Globals lists every global the reference can endow, in a stable order: fetch, Request,
// Headers, Response, AbortController, AbortSignal, DOMException, ReadableStream,
// TextEncoder, TextDecoder, URL, URLSearchParams.
func Globals() []string { return endowment.Globals() }

// Event is one call of the notify callback: Method is "OutboundRequest" or
// "OutboundResponse", Params is {"source": "fetch"}.
type Event struct {
	Method string
	Params map[string]any
}

// Limits bound what one endowment (one vat) may consume. Teardown and Close still close
// everything whatever the limits.
type Limits struct {
	// MaxResponseBodyBytes fails a body read past this many bytes; 0 means 64 MiB.
	MaxResponseBodyBytes int64
	// MaxResponseHeaders fails a fetch whose response (or a redirect on the way) carries
	// more header lines than this, with a TypeError naming the limit; 0 means 1,000. Go's
	// transport bounds the bytes of a response head (1 MiB), not its count of lines, and a
	// Headers object costs memory and iteration time per line.
	MaxResponseHeaders int
	// MaxConcurrentFetches bounds the fetches of one vat that are in flight or whose
	// response body is still open (each holds a connection); past it, fetch rejects with a
	// TypeError naming the limit. 0 means 256.
	MaxConcurrentFetches int
	// MaxHeldBodyBytes bounds the bytes of response bodies one vat has read from the
	// network and not yet read to their end or cancelled (a text() in progress holds every
	// chunk so far). A read that would pass it fails the body with a TypeError naming the
	// limit, and fetch rejects while the vat is at it. 0 means 256 MiB.
	MaxHeldBodyBytes int64
}

// Options configure an endowment.
type Options struct {
	// AllowedHosts are the hostnames fetch may reach, compared exactly with the
	// WHATWG-parsed hostname of each URL and of each redirect hop; ports and schemes are
	// ignored. nil means not configured (New refuses fetch then is up to the caller: see
	// RequiresAllowlist); an empty list denies every host. New refuses a list with an
	// entry that is not a hostname (allowlist.Validate).
	AllowedHosts []string
	// Client sends the requests. nil means a client with its own transport, never
	// http.DefaultClient. Its CheckRedirect and Jar are not used: the endowment follows
	// redirects itself and keeps no cookies.
	Client *http.Client
	// Notify receives OutboundRequest and OutboundResponse events. It may be nil; a
	// panicking Notify never breaks a fetch.
	Notify func(Event)
	Limits Limits
}

// VatEndowment is the part of an endowment a host of vats calls: Install into a vat's
// runtime, Teardown when the kernel tears the endowment down, Close when the vat is
// terminated for good. *Endowment implements it, and so do the broken variants of
// reference/mutants; harness/inprocess runs either through it.
type VatEndowment interface {
	Install(vm *goja.Runtime, loop *eventloop.EventLoop, globals []string) error
	Teardown(ctx context.Context) error
	Close(ctx context.Context) error
}

var _ VatEndowment = (*Endowment)(nil)

// Endowment is one vat's network endowment. Create one per runtime.
type Endowment struct {
	impl *endowment.Endowment
}

// New creates an endowment. It does not touch any runtime until Install.
func New(opts Options) (*Endowment, error) {
	if err := allowlist.Validate(opts.AllowedHosts); err != nil {
		return nil, err
	}
	impl, err := endowment.New(internalOptions(opts, endowment.Faults{}))
	if err != nil {
		return nil, err
	}
	return &Endowment{impl: impl}, nil
}

func internalOptions(opts Options, faults endowment.Faults) endowment.Options {
	var notify func(endowment.Event)
	if opts.Notify != nil {
		notify = func(ev endowment.Event) { opts.Notify(Event{Method: ev.Method, Params: ev.Params}) }
	}
	return endowment.Options{
		AllowedHosts:         opts.AllowedHosts,
		Client:               opts.Client,
		Notify:               notify,
		MaxResponseBytes:     opts.Limits.MaxResponseBodyBytes,
		MaxResponseHeaders:   opts.Limits.MaxResponseHeaders,
		MaxConcurrentFetches: opts.Limits.MaxConcurrentFetches,
		MaxHeldBodyBytes:     opts.Limits.MaxHeldBodyBytes,
		Faults:               faults,
	}
}

// Install defines the requested globals (a subset of Globals) on vm and freezes them. It
// must run on loop's goroutine: inside loop.RunOnLoop, or before the loop starts.
func (e *Endowment) Install(vm *goja.Runtime, loop *eventloop.EventLoop, globals []string) error {
	return e.impl.Install(vm, loop, globals)
}

// Teardown aborts every in-flight request, closes every open response body (including
// clones, tees and bodies being read through a reader) and every streaming upload, and
// guarantees that no promise created before it settles afterwards. It returns once the
// endowment's transport goroutines have ended. It is idempotent, and the endowment can be
// used again afterwards.
//
// Call it from outside the loop's goroutine: it detaches between two turns of the loop, so
// that no script observes a half-torn-down endowment, and waits for the loop to take that
// turn (at most 2 s, for a loop that is stopped or stuck in a script; then it detaches from
// where it is).
func (e *Endowment) Teardown(ctx context.Context) error { return e.impl.Teardown(ctx) }

// Close is Teardown for a vat that is terminated, for good: in the step where teardown
// detaches (between two turns of the loop, so no script sees a half-closed endowment) the
// endowment closes, and from then on fetch rejects with a TypeError and sends nothing,
// notify is not called any more and no timer is scheduled. It returns when Teardown would.
// The endowment cannot be used again. It is idempotent. A host that stops the vat's code
// (Runtime.Interrupt of a busy loop, then stopping its loop) calls it in between.
func (e *Endowment) Close(ctx context.Context) error { return e.impl.Close(ctx) }
