package suite

import (
	"fmt"
	"net/http"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reference"
	"github.com/conform-suite/conform/reference/mutants"
)

// ReferenceTarget is the embedded reference, in process, with its HTTP client guarded so
// that nothing but the mock network is reachable from it.
func ReferenceTarget() Target {
	return Target{
		Name: "conform-reference",
		New: func(net *mocknet.Network, _ time.Duration) (harness.Implementation, error) {
			return inprocess.New(inprocess.Options{PrepareClient: guard(net)}), nil
		},
	}
}

// MutantTarget is a deliberately broken variant of the reference, for the self-test.
func MutantTarget(name string) (Target, error) {
	if _, err := mutants.New(name); err != nil {
		return Target{}, &ConfigError{err.Error()}
	}
	return Target{
		Name: "conform-reference-mutant-" + name,
		New: func(net *mocknet.Network, _ time.Duration) (harness.Implementation, error) {
			factory, err := mutants.New(name)
			if err != nil {
				return nil, err
			}
			return inprocess.New(inprocess.Options{
				Name:          "conform-reference-mutant-" + name,
				PrepareClient: guard(net),
				NewEndowment: func(o reference.Options) (inprocess.Endowment, error) {
					return factory(o)
				},
			}), nil
		},
	}, nil
}

func guard(net *mocknet.Network) func(*http.Client) error {
	return func(c *http.Client) error {
		_, err := net.GuardClient(c)
		return err
	}
}

// AdapterTarget is an external adapter started from a command line.
func AdapterTarget(commandLine string) (Target, error) {
	argv, err := harness.SplitCommand(commandLine)
	if err != nil {
		return Target{}, &ConfigError{fmt.Sprintf("--adapter: %v", err)}
	}
	return Target{
		Name:    commandLine,
		Adapter: commandLine,
		New: func(_ *mocknet.Network, callTimeout time.Duration) (harness.Implementation, error) {
			return harness.NewExternal(harness.ExternalOptions{Argv: argv, CallTimeout: callTimeout})
		},
	}, nil
}
