package dsl

import (
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose

	"github.com/conform-suite/conform/harness"
)

// Teardown runs the vat's endowment teardown and leaves the vat alive (protocol 1.1's
// teardownVat), then waits for the implementation to say it completed; TornDownAt is when it
// answered. Specs that call it declare the feature harness.FeatureTeardownVat, so they run
// only on implementations that offer it.
func (v *Vat) Teardown() {
	GinkgoHelper()
	td, ok := v.t.session.Implementation.(harness.VatTeardown)
	if !ok {
		Fail(fmt.Sprintf("catalogue bug in %s: it tears vat %s down without termination, but the implementation has no teardownVat; declare the feature %q", v.t.spec.ID, v.id, harness.FeatureTeardownVat))
	}
	ctx, cancel := v.t.callContext()
	defer cancel()
	start := time.Now()
	err := td.TeardownVat(ctx, v.id)
	v.TornDownAt = time.Now()
	if err != nil {
		var rpcErr *harness.RPCError
		if errors.As(err, &rpcErr) {
			v.t.Logf("teardownVat %s → refused: %v", v.id, err)
			Fail(fmt.Sprintf("teardownVat %s must succeed, got %v", v.id, err))
		}
		v.t.failInfra("teardownVat "+v.id, err)
	}
	v.t.Logf("teardownVat %s → ok after %s", v.id, v.TornDownAt.Sub(start).Round(time.Millisecond))
}
