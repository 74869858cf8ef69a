//go:build conformfaults

package reference

import (
	"github.com/conform-suite/conform/reference/allowlist"
	"github.com/conform-suite/conform/reference/internal/endowment"
)

// NewWithFaults is New with deliberate bugs switched on, for reference/mutants only: the
// faults type is internal, so no other package can name it. It exists only in a build with
// -tags conformfaults, as the bugs do.
func NewWithFaults(opts Options, faults endowment.Faults) (*Endowment, error) {
	if err := allowlist.Validate(opts.AllowedHosts); err != nil {
		return nil, err
	}
	impl, err := endowment.New(internalOptions(opts, faults))
	if err != nil {
		return nil, err
	}
	return &Endowment{impl: impl}, nil
}
