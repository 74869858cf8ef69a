package fuzz

import (
	"net/http"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
)

// referenceTarget is the embedded reference, as cmd/conform builds it.
func referenceTarget() Target {
	return Target{Name: "conform-reference", InProcess: true, New: func(net *mocknet.Network) (harness.Implementation, error) {
		return inprocess.New(inprocess.Options{PrepareClient: func(c *http.Client) error {
			_, err := net.GuardClient(c)
			return err
		}}), nil
	}}
}
