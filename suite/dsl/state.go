package dsl

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive
)

// State a runtime keeps between requests (a cookie jar, an HTTP cache, credentials) belongs
// to the vat whose request made it: a runtime that hosts every vat in one browsing context,
// or behind one HTTP client, hands one vat's state to the next. Each run sets the state in
// vat A, shows that A's own next request uses it (the positive control; a runtime that keeps
// no such state gets the spec's note instead), then requires vat B's request to go without.
// mocknet's /set-cookie and /state-echo routes answer browsers' credentialed CORS, so a
// browser is measured on this and not on CORS.

// FixtureStateFetch fetches with credentials: 'include'; see fixtures/egress/fetch-with-state.js.
const FixtureStateFetch = "egress/fetch-with-state"

// stateVats creates vats A and B, both allowed only allowed.test, and the path prefix of the
// spec's routes (unique to the run: it names vat A).
func stateVats(t *T) (a, b *Vat, prefix string) {
	GinkgoHelper()
	a = t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	b = t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	return a, b, "/" + strings.ToLower(t.ID()) + "-" + a.ID()
}

// echoedHeader fetches /state-echo from vat (with credentials) and returns header as mocknet
// saw it on that request.
func echoedHeader(t *T, vat *Vat, header string) string {
	GinkgoHelper()
	query := "spec=" + strings.ToLower(t.ID()) + "&vat=" + vat.ID()
	Expect(vat.Run(FixtureStateFetch, map[string]any{"url": t.URL(HostAllowed, "/state-echo?"+query)})).To(Returned())
	seen := t.AwaitObservation("vat "+vat.ID()+"'s request for /state-echo", ReadyWithin, func(o Observation) bool {
		return o.Host == HostAllowed && o.Path == "/state-echo" && o.RawQuery == query && !o.Preflight
	})
	return seen.Header.Get(header)
}

// CookieStaysInItsVat: a cookie set by allowed.test's response to vat A must not be sent with
// vat B's request.
func CookieStaysInItsVat(t *T) {
	a, b, prefix := stateVats(t)
	name := "conform_" + strings.ReplaceAll(strings.TrimPrefix(prefix, "/"), "-", "_")
	Expect(a.Run(FixtureStateFetch, map[string]any{"url": t.URL(HostAllowed, "/set-cookie/"+name+"/vat-a")})).To(Returned())
	if strings.Contains(echoedHeader(t, a, "Cookie"), name+"=") {
		t.Logf("positive control: vat %s's own next request carried its cookie %s", a.ID(), name)
	} else {
		t.Note("vat A's own next request carried no cookie: the implementation keeps no cookies for a vat (no cookie jar, or one that refuses cookies from a cross-site response), so the spec could not see whether it would share them.")
	}
	Expect(echoedHeader(t, b, "Cookie")).NotTo(ContainSubstring(name+"="), "vat %s's request must not carry the cookie allowed.test set for vat %s", b.ID(), a.ID())
}

// CacheStaysInItsVat: a response cached for vat A must not be served to vat B: B's fetch
// must reach allowed.test and get a response of its own.
func CacheStaysInItsVat(t *T) {
	a, b, prefix := stateVats(t)
	path := prefix + "/cached"
	var served atomic.Int64
	t.Handle(HostAllowed, path, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=600")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "response %d", served.Add(1))
	})
	fetch := func(vat *Vat) string {
		var got struct{ Body string }
		vat.Run(FixtureStateFetch, map[string]any{"url": t.URL(HostAllowed, path), "credentials": "same-origin"}).Decode(&got)
		return got.Body
	}
	first, second := fetch(a), fetch(a)
	if served.Load() == 1 {
		Expect(second).To(Equal(first), "vat %s's second fetch, which never reached allowed.test, must have been served its cached first response", a.ID())
		t.Logf("positive control: vat %s's second fetch of %s was served from its cache", a.ID(), path)
	} else {
		t.Note("vat A's second fetch of a response marked Cache-Control: public, max-age=600 reached allowed.test again: the implementation caches no responses for a vat, so the spec could not see whether it would share them.")
	}
	before := served.Load()
	Expect(fetch(b)).To(Equal(fmt.Sprintf("response %d", before+1)), "vat %s's fetch must reach allowed.test and get a response of its own, not the one cached for vat %s", b.ID(), a.ID())
	Expect(Filter(t.Observations(), PathIs(path))).To(HaveLen(int(before)+1), "mocknet must see vat %s's request for %s", b.ID(), path)
}

// AuthStaysInItsVat: credentials vat A sent to allowed.test must not be sent with vat B's
// request.
func AuthStaysInItsVat(t *T) {
	a, b, prefix := stateVats(t)
	user, pass := "conform", strings.TrimPrefix(prefix, "/")
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	var got struct{ Status int }
	a.Run(FixtureStateFetch, map[string]any{"url": t.URL(HostAllowed, "/basic-auth/"+user+"/"+pass), "headers": map[string]string{"Authorization": auth}}).Decode(&got)
	Expect(got.Status).To(Equal(http.StatusOK), "vat %s's fetch of /basic-auth/%s/%s with its Authorization header", a.ID(), user, pass)
	if echoedHeader(t, a, "Authorization") == auth {
		t.Logf("positive control: vat %s's own next request carried its credentials unasked", a.ID())
	} else {
		t.Note("vat A's own next request, without an Authorization header, carried none: the implementation keeps no credentials for a vat, so the spec could not see whether it would share them.")
	}
	Expect(echoedHeader(t, b, "Authorization")).To(BeEmpty(), "vat %s's request must carry no credentials; vat %s sent %q", b.ID(), a.ID(), auth)
}
