//go:build conformfaults

package endowment

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/dop251/goja"

	"github.com/conform-suite/conform/reference/allowlist"
)

// Faults are deliberate bugs, switched on only by the suite's self-test (reference/mutants)
// to prove that specs fail when an implementation is wrong. The reference never sets them.
//
// They exist only in a build with -tags conformfaults, this file; the default build has
// faults_off.go instead, whose methods are constants. The endowment reads the switches only
// through the methods below, one per place a bug is planted, so that the two files are the
// only difference between the builds.
type Faults struct {
	NoAllowlist          bool // every host is allowed
	RedirectsUnchecked   bool // redirect hops are followed without a check
	StringifyTwice       bool // the input is converted once for the check and again for the fetch
	TeardownLeavesBodies bool // teardown aborts requests but leaves response bodies open
	TeardownLeavesClones bool // teardown leaves bodies that were cloned open
	LateSettlements      bool // results arriving after teardown still settle promises
	NoNotify             bool // notify is never called
	UnfrozenGlobals      bool // endowed objects are left mutable
	// HardenReachesIntrinsics hardens as the reference once did: the walk stops only at
	// Object.prototype, Function.prototype and Error.prototype, so it freezes Error (through
	// DOMException) and %IteratorPrototype% (through the Headers iterator).
	HardenReachesIntrinsics    bool
	CredentialsFollowRedirects bool // Authorization is sent on to another origin after a redirect
	RedirectLimitOffByOne      bool // a 21st redirect is followed
	// SkipsCertificateVerification sends with a transport that accepts any certificate, the
	// shortcut that makes a proxy "work" (InsecureSkipVerify, rejectUnauthorized: false).
	SkipsCertificateVerification bool
	// RefusesHTTPS checks the scheme with one token wrong: https: URLs are refused, as the
	// input and as a redirect hop.
	RefusesHTTPS bool
	// BodyReadLeavesLocked forgets to unlock a call's mutex in a streamed body read (one
	// line deleted): the next read, on the vat's event loop, and teardown wait for it
	// forever. Calls into the implementation stop returning; the harness must bound them.
	BodyReadLeavesLocked   bool
	TeardownBreaksReuse    *Shared
	StateSharedBetweenVats *Shared
}

// Shared is state a broken variant keeps across the endowments it creates.
type Shared struct {
	mu        sync.Mutex
	tornDown  bool
	allowlist *allowlist.List
}

func (f Faults) noAllowlist() bool                { return f.NoAllowlist }
func (f Faults) redirectsUnchecked() bool         { return f.RedirectsUnchecked }
func (f Faults) lateSettlements() bool            { return f.LateSettlements }
func (f Faults) noNotify() bool                   { return f.NoNotify }
func (f Faults) unfrozenGlobals() bool            { return f.UnfrozenGlobals }
func (f Faults) hardenReachesIntrinsics() bool    { return f.HardenReachesIntrinsics }
func (f Faults) credentialsFollowRedirects() bool { return f.CredentialsFollowRedirects }
func (f Faults) redirectLimitOffByOne() bool      { return f.RedirectLimitOffByOne }
func (f Faults) refusesHTTPS() bool               { return f.RefusesHTTPS }

// client returns the client the endowment sends with. With SkipsCertificateVerification it
// is a copy whose transport is a clone of the one the given client sends through (found
// through wrappers that Unwrap, such as mocknet's guard) with certificate verification off;
// the clone keeps the proxy, so the traffic still goes through the mock network.
func (f Faults) client(c *http.Client) *http.Client {
	if !f.SkipsCertificateVerification {
		return c
	}
	rt := c.Transport
	for {
		u, ok := rt.(interface{ Unwrap() http.RoundTripper })
		if !ok {
			break
		}
		rt = u.Unwrap()
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return c
	}
	insecure := t.Clone()
	if insecure.TLSClientConfig == nil {
		insecure.TLSClientConfig = &tls.Config{}
	}
	insecure.TLSClientConfig.InsecureSkipVerify = true
	copied := *c
	copied.Transport = insecure
	return &copied
}

// leavesBodyOpen says whether teardown leaves a response body open, cloned or not.
func (f Faults) leavesBodyOpen(cloned bool) bool {
	return f.TeardownLeavesBodies || (cloned && f.TeardownLeavesClones)
}

// setWebAPIOptions passes the switches the Web API's JavaScript reads (harden.js, fetch.js)
// to its program.
func (f Faults) setWebAPIOptions(options *goja.Object) {
	_ = options.Set("skipFreeze", f.UnfrozenGlobals)
	_ = options.Set("hardenReachesIntrinsics", f.HardenReachesIntrinsics)
	_ = options.Set("stringifyTwice", f.StringifyTwice)
}

// noteTeardown records a teardown for TeardownBreaksReuse.
func (f Faults) noteTeardown() {
	if s := f.TeardownBreaksReuse; s != nil {
		s.mu.Lock()
		s.tornDown = true
		s.mu.Unlock()
	}
}

// brokenByTeardown says whether TeardownBreaksReuse refuses every fetch: once any
// endowment of the variant was torn down.
func (f Faults) brokenByTeardown() bool {
	s := f.TeardownBreaksReuse
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tornDown
}

// shareAllowlist records a new endowment's allowlist for StateSharedBetweenVats.
func (f Faults) shareAllowlist(list *allowlist.List) {
	if s := f.StateSharedBetweenVats; s != nil {
		s.mu.Lock()
		// The bug: the most recently configured allowlist wins for every vat.
		s.allowlist = list
		s.mu.Unlock()
	}
}

// sharedAllowlist is the allowlist StateSharedBetweenVats checks every vat against, and
// whether the variant is on.
func (f Faults) sharedAllowlist() (*allowlist.List, bool) {
	s := f.StateSharedBetweenVats
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.allowlist, true
}

// bodyReadLeavesLocked says whether a streamed read leaves its call's mutex locked. When it
// does it says so on stderr, so that a test knows the implementation is now stuck.
func (f Faults) bodyReadLeavesLocked() bool {
	if f.BodyReadLeavesLocked {
		fmt.Fprintln(os.Stderr, "body-read-deadlocks: a streamed body read left its lock held; the next read and teardown wait forever")
	}
	return f.BodyReadLeavesLocked
}
