package harness

import (
	"context"
	"fmt"
	"slices"
)

// Protocol 1.1 adds one method to version 1: teardownVat, which runs a vat's endowment
// teardown and leaves the vat alive (Snaps tears a snap's endowments down when it goes idle,
// and the snap fetches again afterwards; ocap-kernel's teardown may be called many times).
// It is negotiated in initialize without changing what a version-1 adapter receives: an
// adapter that implements it lists FeatureTeardownVat in its features and may answer
// protocolVersion "1.1"; the harness calls teardownVat only on such adapters.

const (
	// MethodTeardownVat is protocol 1.1's teardown without termination.
	MethodTeardownVat = "teardownVat"
	// FeatureTeardownVat is the feature an implementation of protocol 1.1 lists.
	FeatureTeardownVat = "teardownVat"
	// ProtocolVersionTeardown is the version an adapter offering teardownVat may answer.
	ProtocolVersionTeardown = "1.1"
)

// TeardownVatParams are the params of teardownVat.
type TeardownVatParams struct {
	VatID string `json:"vatId"`
}

// VatTeardown is an Implementation that can tear a vat's endowment down without
// terminating the vat (protocol 1.1): every in-flight request and open body is closed as
// at termination, no promise created before settles afterwards, and the vat and its
// endowment stay usable. It returns once teardown has completed.
type VatTeardown interface {
	TeardownVat(ctx context.Context, vatID string) error
}

// SpeaksVersion reports whether version, an initialize answer's protocolVersion, is one this
// harness speaks: "1" or "1.1" (or empty, for early adapters that leave it out).
func SpeaksVersion(version string) bool {
	return version == "" || version == ProtocolVersion || version == ProtocolVersionTeardown
}

// OffersTeardown reports whether an initialize answer announces teardownVat.
func OffersTeardown(info InitializeResult) bool {
	return slices.Contains(info.Features, FeatureTeardownVat)
}

// TeardownVat calls teardownVat on the adapter. An adapter that did not list the feature in
// initialize is not asked: the call fails at once with an error saying so.
func (x *External) TeardownVat(ctx context.Context, vatID string) error {
	x.mu.Lock()
	offered := x.teardown
	x.mu.Unlock()
	if !offered {
		return &RPCError{Code: CodeMethodNotFound, Message: fmt.Sprintf("the adapter did not list %q in initialize's features (protocol 1.1): teardownVat is not offered", FeatureTeardownVat)}
	}
	p, err := x.current(MethodTeardownVat)
	if err != nil {
		return err
	}
	return p.call(ctx, MethodTeardownVat, TeardownVatParams{VatID: vatID}, nil, x.opts.CallTimeout)
}
