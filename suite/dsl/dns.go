package dsl

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/mocknet"
)

// Lookup is one DNS question mocknet's DNS server was asked, as predicates receive it.
type Lookup = mocknet.Lookup

// Lookups are DNS questions mocknet's DNS server was asked (initialize's network.dns). Like
// Seen, they print one readable line each in failure messages.
type Lookups []mocknet.Lookup

// GomegaString is how Gomega prints Lookups in failure messages.
func (l Lookups) GomegaString() string { return DescribeLookups(l) }

// Except returns the lookups of any name but those given.
func (l Lookups) Except(names ...string) Lookups {
	var out Lookups
	for _, x := range l {
		if !slices.Contains(names, x.Name) {
			out = append(out, x)
		}
	}
	return out
}

// DescribeLookups renders lookups one per line: type, name, client, answer.
func DescribeLookups(lookups []mocknet.Lookup) string {
	if len(lookups) == 0 {
		return "  (no DNS lookup)"
	}
	var b strings.Builder
	for _, l := range lookups {
		fmt.Fprintf(&b, "  DNS %s %s from %s over %s at %s: %s\n", l.Type, l.Name, l.Client, l.Transport, l.Received.Format("15:04:05.000"), l.Answer)
	}
	return strings.TrimRight(b.String(), "\n")
}

// Lookups returns the DNS questions mocknet was asked since the spec began, in order.
func (t *T) Lookups() Lookups { return t.session.Network.LookupsSince(t.startLookup) }

// LookupsOf returns the lookups since the spec began of name or of any name under it
// ("evil.test" matches "evil.test" and "x.evil.test").
func (t *T) LookupsOf(name string) Lookups {
	var out Lookups
	for _, l := range t.Lookups() {
		if UnderDomain(l.Name, name) {
			out = append(out, l)
		}
	}
	return out
}

// UnderDomain reports whether name is domain or a name under it, case-insensitively.
func UnderDomain(name, domain string) bool {
	name, domain = strings.ToLower(strings.TrimSuffix(name, ".")), strings.ToLower(strings.TrimSuffix(domain, "."))
	return name == domain || strings.HasSuffix(name, "."+domain)
}

// ExpectNoLookup asserts that mocknet's DNS was never asked for domain or any name under it
// since the spec began.
func (t *T) ExpectNoLookup(domain, why string) {
	GinkgoHelper()
	Expect(t.LookupsOf(domain)).To(BeEmpty(), "no name under %s may be looked up (%s); what mocknet's DNS was asked", domain, why)
}

// ObserveLookup is the positive control of DNS specs, which a runtime that never resolves
// names cannot give: it reports whether mocknet's DNS has been asked for name. Call it once
// mocknet has seen a fetch of name arrive: a runtime resolves a name before it connects, and
// mocknet records a question before it answers, so the lookup of a fetch already seen is
// already recorded and nothing needs waiting for. When no lookup was seen it adds the
// spec's note saying that the implementation's lookups are not observable.
func (t *T) ObserveLookup(name string) bool {
	if len(t.LookupsOf(name)) > 0 {
		t.Logf("positive control: mocknet's DNS was asked for %s, so this implementation's lookups are observed", name)
		return true
	}
	t.Note("the implementation reached %s without asking mocknet's DNS (network.dns) for its name: either it resolves no names itself (it leaves them to the proxy) or it asks another server, which this run cannot see. The spec checked only that mocknet's DNS was asked for no name it forbids.", name)
	return false
}

// NoteKey is the name of the Ginkgo report entry that carries a spec's note; the runner
// puts it into the spec's result (reports.SpecResult.Note).
const NoteKey = "conform-note"

// Note records, for the report, what the spec could not observe of this implementation: a
// spec that passes without checking all of its requirement says so instead of passing
// silently. The note is also journalled.
func (t *T) Note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	t.Logf("note: %s", msg)
	AddReportEntry(NoteKey, msg)
}
