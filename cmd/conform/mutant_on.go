//go:build conformfaults

package main

import (
	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reference"
	"github.com/conform-suite/conform/reference/mutants"
	"github.com/conform-suite/conform/suite/runner"
)

// mutantTarget is a deliberately broken variant of the reference, for the self-test.
func mutantTarget(name string) (runner.Target, error) {
	if _, err := mutants.New(name); err != nil {
		return runner.Target{}, usagef("--mutant: %v", err)
	}
	return runner.Target{
		Name: "conform-reference-mutant-" + name,
		New: func(net *mocknet.Network, _ runner.Timeouts) (harness.Implementation, error) {
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
