package dsl

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive
)

// LocationRedirect is the run of a spec on a redirect whose Location header spells a host in
// a way a naive URL parser reads differently from the URL Standard: the spec's own route on
// allowed.test answers 302 with the Location written byte for byte. Written for
// a.allowed.test (allowed) the redirect must be followed there, the positive control that the
// spelling is read as a host; written for evil.test it must be refused, with no contact.
type LocationRedirect struct {
	// Location writes the header for a host.
	Location func(host string) string
	// Why says, for the failure message, how the URL Standard reads the spelling.
	Why string
}

func (l LocationRedirect) Run(t *T) {
	GinkgoHelper()
	path := "/conform/" + strings.ToLower(t.ID())
	t.Handle(HostAllowed, path, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{r.URL.Query().Get("to")}
		w.WriteHeader(http.StatusFound)
	})
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed, HostSubAllowed}})
	redirect := func(host string) string {
		return t.URL(HostAllowed, path+"?to="+url.QueryEscape(l.Location(host)))
	}
	t.Precondition(fmt.Sprintf("a redirect to Location \"%s\" must be followed to %s, or the spelling is not read as a host", l.Location(HostSubAllowed), HostSubAllowed), func() {
		got := vat.FetchEach(redirect(HostSubAllowed))
		Expect(got[0].Error).To(BeEmpty(), "the fetch must resolve: %+v", got[0])
		t.AwaitObservation("GET /anything on "+HostSubAllowed, ReadyWithin, func(o Observation) bool {
			return o.Host == HostSubAllowed && o.Path == "/anything" && !o.Preflight
		})
	})
	mark := t.Mark()
	got := vat.FetchEach(redirect(HostEvil))
	Expect(got[0].Error).NotTo(BeEmpty(), "a redirect to Location \"%s\" must reject (%s); it resolved: %+v", l.Location(HostEvil), l.Why, got[0])
	Expect(Filter(t.ObservationsAfter(mark), func(o Observation) bool { return o.Host == HostEvil || o.Escape })).To(BeEmpty(),
		"%s must never be contacted; what mocknet saw there", HostEvil)
}

// RefusedURLs is the run of a spec on URLs of an allowed host that fetch must refuse without
// any contact (a bad port): Control, a URL of allowed.test that differs only in what is
// refused, must first reach allowed.test's /anything.
type RefusedURLs struct {
	Control string
	Refused []string
}

func (r RefusedURLs) Run(t *T) {
	GinkgoHelper()
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	t.Precondition("a fetch of "+r.Control+" must reach allowed.test, or a refusal proves nothing", func() {
		got := vat.FetchEach(r.Control)
		Expect(got[0].Error).To(BeEmpty(), "%+v", got[0])
		t.AwaitObservation("GET /anything on allowed.test", ReadyWithin, PathIs("/anything"))
	})
	mark := t.Mark()
	for _, got := range vat.FetchEach(r.Refused...) {
		Expect(got.Error).NotTo(BeEmpty(), "the fetch must reject: %+v", got)
	}
	Expect(t.ObservationsAfter(mark)).To(BeEmpty(), "nothing may be sent for %s; what mocknet saw", strings.Join(r.Refused, ", "))
}

// LocationPaths is the run of a spec on redirects whose Location is a path that looks like a
// scheme to a naive reader: the spec's route on allowed.test answers 302 with each Location
// of Followed in turn, and the fetch must follow it, relative to the redirecting URL, to the
// path Followed gives (mocknet sees it on allowed.test); each Location of Refused starts with
// a scheme fetch does not speak, and its fetch must reject with nothing more sent.
type LocationPaths struct {
	Followed map[string]string
	Refused  []string
}

func (l LocationPaths) Run(t *T) {
	GinkgoHelper()
	path := "/conform/" + strings.ToLower(t.ID()) + "/"
	t.Handle(HostAllowed, path+"from", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{r.URL.Query().Get("to")}
		w.WriteHeader(http.StatusFound)
	})
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	redirect := func(location string) string { return t.URL(HostAllowed, path+"from?to="+url.QueryEscape(location)) }
	for _, location := range slices.Sorted(maps.Keys(l.Followed)) {
		got := vat.FetchEach(redirect(location))
		Expect(got[0].Error).To(BeEmpty(), "a redirect to Location %q (a relative path) must be followed: %+v", location, got[0])
		want := path + l.Followed[location]
		t.AwaitObservation("GET "+want+" on "+HostAllowed, ReadyWithin, PathIs(want))
	}
	for _, location := range l.Refused {
		mark := t.Mark()
		got := vat.FetchEach(redirect(location))
		Expect(got[0].Error).NotTo(BeEmpty(), "a redirect to Location %q (a URL of another scheme) must reject: %+v", location, got[0])
		Expect(Filter(t.ObservationsAfter(mark), func(o Observation) bool { return !o.Preflight && !strings.HasSuffix(o.Path, "/from") })).To(BeEmpty(),
			"nothing but the redirecting request may be sent for Location %q; what mocknet saw", location)
	}
}
