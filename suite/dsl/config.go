package dsl

import (
	"errors"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // the DSL reads as prose
	. "github.com/onsi/gomega"    //nolint:revive

	"github.com/conform-suite/conform/harness"
)

// FixtureFetchStatus fetches each of params.urls in turn and reports, per URL, the status or
// the error the fetch rejected with; see fixtures/config/fetch-status.js.
const FixtureFetchStatus = "config/fetch-status"

// FetchOutcome is what FixtureFetchStatus reports for one URL: the Status of a fetch that
// resolved, or the Error (its name) and Message of one that rejected.
type FetchOutcome struct {
	URL, Error, Message string
	Status              int
}

// FetchEach fetches urls in turn in the vat, each body read to the end, and returns their
// outcomes in the same order.
func (v *Vat) FetchEach(urls ...string) []FetchOutcome {
	GinkgoHelper()
	var got []FetchOutcome
	v.Run(FixtureFetchStatus, map[string]any{"urls": urls}).Decode(&got)
	Expect(got).To(HaveLen(len(urls)), "%s reports one outcome per URL", FixtureFetchStatus)
	return got
}

// ExpectConfigDenied asserts that err is the implementation refusing a vat configuration,
// with the config-denied code of harness/PROTOCOL.md; why says what must be refused, e.g.
// "when an unknown global is requested".
func ExpectConfigDenied(err error, why string) {
	GinkgoHelper()
	var rpcErr *harness.RPCError
	Expect(errors.As(err, &rpcErr)).To(BeTrue(), "createVat must be refused %s, got %v", why, err)
	Expect(rpcErr.Code).To(Equal(harness.CodeVatConfigDenied), "a refused vat configuration answers with code %d (PROTOCOL.md); got %v", harness.CodeVatConfigDenied, err)
}
