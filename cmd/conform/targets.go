package main

import (
	"net/http"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/suite/runner"
)

// The CLI is where concrete implementations are named: the runner starts whatever Target it
// is given, so no library package depends on the reference or its broken variants. The
// broken variants (--mutant) are built only with -tags conformfaults: mutant_on.go names
// them, mutant_off.go refuses --mutant in the default build.

// referenceTarget is the embedded reference, in process, with its HTTP client guarded so
// that nothing but the mock network is reachable from it.
func referenceTarget() runner.Target {
	return runner.Target{
		Name: "conform-reference",
		New: func(net *mocknet.Network, _ runner.Timeouts) (harness.Implementation, error) {
			return inprocess.New(inprocess.Options{PrepareClient: guard(net)}), nil
		},
	}
}

func guard(net *mocknet.Network) func(*http.Client) error {
	return func(c *http.Client) error {
		_, err := net.GuardClient(c)
		return err
	}
}

// adapterTarget is an external adapter started from a command line, parsed here once.
func adapterTarget(commandLine string) (runner.Target, error) {
	argv, err := harness.SplitCommand(commandLine)
	if err != nil {
		return runner.Target{}, usagef("--adapter: %v", err)
	}
	return runner.Target{
		Name:    commandLine,
		Adapter: commandLine,
		New: func(_ *mocknet.Network, timeouts runner.Timeouts) (harness.Implementation, error) {
			return harness.NewExternal(harness.ExternalOptions{Argv: argv, CallTimeout: timeouts.Call, InitializeTimeout: timeouts.Initialize})
		},
	}, nil
}

// targetFor builds the target the run flags name: a broken variant, an adapter, or the
// embedded reference.
func targetFor(adapter, mutant string) (runner.Target, error) {
	switch {
	case mutant != "" && adapter != "":
		return runner.Target{}, usagef("--mutant and --adapter cannot be combined")
	case mutant != "":
		return mutantTarget(mutant)
	case adapter != "":
		return adapterTarget(adapter)
	default:
		return referenceTarget(), nil
	}
}
