package dsl

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive
)

// Allowlist is the run of a spec about one network.allowedHosts configuration: a vat given
// Entries fetches every URL of Reach, then every URL of Deny, through FixtureFetchStatus.
// Each URL has a path unique to the spec and the URL (/anything/<id>/<n>), so mocknet's
// record tells every fetch apart. Its Requirement is written from the same data.
type Allowlist struct {
	// Entries are the vat's allowedHosts.
	Entries []string
	// Reach must each resolve with the host's 200 and be seen on their host.
	Reach []HostFetch
	// Deny must each reject, and no host may see their request.
	Deny []HostFetch
	// Refusal says whether createVat may, must or must not refuse Entries.
	Refusal Refusal
	// Control marks Reach as the positive control of a spec about denial (a failure there
	// proves nothing about the entries); otherwise reaching them is itself required.
	Control bool
}

// Refusal says whether createVat may, must or must not refuse an Allowlist's entries.
type Refusal int

const (
	// MustCreate: the entries are valid and the vat must be created.
	MustCreate Refusal = iota
	// MayRefuse: createVat may fail with the config-denied code (the spec then passes, and
	// says so); if the vat is created, Reach and Deny must behave as stated.
	MayRefuse
	// MustRefuse: createVat must fail with the config-denied code; nothing is fetched.
	MustRefuse
)

// HostFetch is a host an Allowlist fetches, and how the URL spells it.
type HostFetch struct {
	// Host is the name mocknet records the request under: URL.hostname (an IPv6 address
	// without its brackets). It is added to mocknet if it is not a host of the scenario.
	Host string
	// Spelling is the host as the URL writes it; empty means Host.
	Spelling string
}

// FetchHosts fetches each host, spelt as it is.
func FetchHosts(hosts ...string) []HostFetch {
	out := make([]HostFetch, len(hosts))
	for i, h := range hosts {
		out[i] = HostFetch{Host: h}
	}
	return out
}

// FetchSpelt fetches host once per spelling, e.g. FetchSpelt("192.0.2.10", "3221225994").
func FetchSpelt(host string, spellings ...string) []HostFetch {
	out := make([]HostFetch, len(spellings))
	for i, s := range spellings {
		out[i] = HostFetch{Host: host, Spelling: s}
	}
	return out
}

func (h HostFetch) spelling() string {
	if h.Spelling == "" {
		return h.Host
	}
	return h.Spelling
}

// Requirement is the spec's sentence, written from the entries and hosts the run uses; why,
// when given, follows a colon, e.g. "an entry is not a domain suffix".
func (a Allowlist) Requirement(why string) string {
	s := "createVat with allowedHosts " + a.entries()
	switch a.Refusal {
	case MustRefuse:
		s += " must fail with the config-denied code"
	case MayRefuse:
		s += " may fail with the config-denied code; otherwise " + a.fetches()
	default:
		s += " must succeed; then " + a.fetches()
	}
	if why != "" {
		s += ": " + why
	}
	return s + "."
}

// entries writes the entries as a JSON array.
func (a Allowlist) entries() string {
	q := make([]string, len(a.Entries))
	for i, e := range a.Entries {
		q[i] = fmt.Sprintf("%q", e)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// fetches says what Reach and Deny require.
func (a Allowlist) fetches() string {
	deny := "must reject and reach no host"
	switch {
	case len(a.Deny) == 0:
		return "the vat must reach " + hostsInWords(a.Reach, "from each of")
	case len(a.Reach) == 0:
		return "the vat's fetches of " + hostsInWords(a.Deny, "at") + " " + deny
	}
	return "the vat must reach " + hostsInWords(a.Reach, "from each of") + ", and its fetches of " + hostsInWords(a.Deny, "at") + " " + deny
}

// hostsInWords names each host once, followed by the URLs (after how) when they spell it
// otherwise than its name: "a.test" and "b.test" (at http://B.test/… and http://b.test/…).
func hostsInWords(fetches []HostFetch, how string) string {
	var words []string
	for i := 0; i < len(fetches); {
		j, plain := i, true
		var urls []string
		for ; j < len(fetches) && fetches[j].Host == fetches[i].Host; j++ {
			plain = plain && fetches[j].spelling() == fetches[j].Host
			urls = append(urls, "http://"+fetches[j].spelling()+"/…")
		}
		w := fmt.Sprintf("%q", fetches[i].Host)
		if !plain {
			w += " (" + how + " " + Series("and", "%s", urls) + ")"
		}
		words = append(words, w)
		i = j
	}
	return Series("and", "%s", words)
}

// Run checks the configuration: createVat as Refusal says, then Reach and Deny.
func (a Allowlist) Run(t *T) {
	if a.Refusal == MustRefuse {
		// Positive control: the same implementation creates a vat whose entries are valid,
		// so the refusal below is about the entries, not about every configuration.
		t.Precondition(fmt.Sprintf("a vat with allowedHosts [%q] must be created, or a refusal says nothing about the entries", HostAllowed), func() {
			t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}}).Terminate()
		})
		_, err := t.CreateVat(VatConfig{AllowedHosts: a.Entries})
		ExpectConfigDenied(err, fmt.Sprintf("for allowedHosts %s (a vat with allowedHosts [%q] was created just before)", a.entries(), HostAllowed))
		return
	}
	all := append(slices.Clone(a.Reach), a.Deny...)
	urls, paths := make([]string, len(all)), make([]string, len(all))
	for i, f := range all {
		t.AddHost(f.Host)
		paths[i] = fmt.Sprintf("/anything/%s/%d", strings.ToLower(t.ID()), i+1)
		urls[i] = "http://" + f.spelling() + paths[i]
	}
	vat, err := t.CreateVat(VatConfig{AllowedHosts: a.Entries})
	if err != nil {
		Expect(a.Refusal).To(Equal(MayRefuse), "createVat(allowedHosts=%s) must succeed: every entry is a valid hostname; it was refused: %v", a.entries(), err)
		ExpectConfigDenied(err, fmt.Sprintf("for allowedHosts %s, if at all,", a.entries()))
		t.Logf("createVat(allowedHosts=%s) was refused with config-denied, which this requirement allows: passes without fetching", a.entries())
		return
	}
	got := vat.FetchEach(urls...)
	reached := func() {
		for i, f := range a.Reach {
			Expect(got[i].Error).To(BeEmpty(), "with allowedHosts %s, fetch(%s) must resolve; it rejected with %s: %s", a.entries(), urls[i], got[i].Error, got[i].Message)
			Expect(got[i].Status).To(Equal(200), "with allowedHosts %s, fetch(%s) must resolve with the host's 200: %+v", a.entries(), urls[i], got[i])
			t.AwaitObservation(fmt.Sprintf("GET %s on %s (from fetch(%s))", paths[i], f.Host, urls[i]), ReadyWithin, func(o Observation) bool {
				return o.Host == f.Host && o.Path == paths[i]
			})
		}
	}
	if a.Control {
		t.Precondition(fmt.Sprintf("with allowedHosts %s the vat must reach the listed host, or a denial proves nothing", a.entries()), reached)
	} else {
		reached()
	}
	for i := len(a.Reach); i < len(all); i++ {
		Expect(got[i].Error).NotTo(BeEmpty(), "with allowedHosts %s, fetch(%s) must reject; it resolved with status %d", a.entries(), urls[i], got[i].Status)
	}
	vat.Terminate()
	for i := len(a.Reach); i < len(all); i++ {
		path := paths[i]
		seen := Filter(t.Observations(), func(o Observation) bool { return o.Path == path })
		Expect(seen).To(BeEmpty(), "with allowedHosts %s, the denied fetch(%s) must reach no host; what mocknet saw of it", a.entries(), urls[i])
	}
}
