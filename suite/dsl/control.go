package dsl

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/mocknet"
)

// A negative spec ("nothing reaches evil.test", "no notify after teardown") passes an
// implementation that does nothing at all unless it first shows, in the same vat and run,
// that what it watches for would have been seen. These are the positive controls.

// PreconditionPrefix opens the message of a spec whose positive control failed: the spec
// could not check its requirement, and says what it could not see.
const PreconditionPrefix = "precondition failed (positive control): "

// Precondition runs a positive control: check's assertions must hold, or the spec fails
// as a precondition failure naming what the spec needed to see, with the evidence.
func (t *T) Precondition(what string, check func()) {
	GinkgoHelper()
	if err := InterceptGomegaFailure(check); err != nil {
		t.Logf("positive control failed: %s", what)
		Fail(PreconditionPrefix + what + "\n" + err.Error())
	}
}

// Mark is a point in mocknet's record; ObservationsAfter returns what came after it.
type Mark uint64

// Mark returns the current point in mocknet's record.
func (t *T) Mark() Mark { return Mark(t.session.Network.LastSeq()) }

// ObservationsAfter returns what mocknet saw after m, in arrival order.
func (t *T) ObservationsAfter(m Mark) Seen {
	return t.session.Network.Since(uint64(m))
}

// ExpectCanReach is the positive control of allowlist specs: in vat, a fetch of
// http://host/status/200 must complete and reach host.
func (t *T) ExpectCanReach(vat *Vat, host string) {
	GinkgoHelper()
	t.Precondition(fmt.Sprintf("vat %s must reach the allowed host %s, or a denial proves nothing", vat.ID(), host), func() {
		url := t.URL(host, "/status/200")
		Expect(vat.Run("allowlist/fetch-url", map[string]any{"url": url})).To(Returned(), "fetch(%s)", url)
		t.AwaitObservation("GET /status/200 on "+host, ReadyWithin, func(o Observation) bool {
			return o.Host == host && o.Path == "/status/200"
		})
	})
}

// ExpectOpen is the positive control of teardown specs: at least n exchanges matching pred
// must be in flight (before the vat is terminated), or teardown closing them cannot be seen.
// It returns the exchanges open at that moment.
func (t *T) ExpectOpen(what string, n int, pred func(Observation) bool) Seen {
	GinkgoHelper()
	var open Seen
	t.Precondition(fmt.Sprintf("at least %d of %s must be open on mocknet when the vat is terminated", n, what), func() {
		Eventually(t.ctx, func() int {
			open = Filter(t.Observations(), func(o Observation) bool { return pred(o) && o.Outcome == mocknet.OutcomeInFlight })
			return len(open)
		}).WithTimeout(ReadyWithin).WithPolling(5*time.Millisecond).Should(BeNumerically(">=", n),
			"exchanges open on mocknet; everything it saw:\n%s", DescribeObservations(t.Observations()))
	})
	return open
}

// OnPath matches requests (not CORS preflights) on any host whose path (without query) is
// path.
func OnPath(path string) func(o Observation) bool {
	return func(o Observation) bool { return o.Path == path && !o.Preflight }
}
