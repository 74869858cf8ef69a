package dsl

import (
	"cmp"
	"time"

	. "github.com/onsi/gomega" //nolint:revive
)

// HeldOpen is the run of most teardown specs: the spec's fixture, started with url
// http://allowed.test + Path, leaves something open on the network; once mocknet sees it, the
// vat is stopped (terminated by Run, torn down and kept alive by RunTeardown), and mocknet
// must see every such connection closed by the client within CloseDeadline while the program
// never settles.
type HeldOpen struct {
	Path string
	// Open is the path (without query) of the exchanges that must be closed; empty means
	// Path's own (a redirect leads elsewhere).
	Open   string
	Params map[string]any
	// Reading is for bodies that never end: the vat is stopped once the body streams and the
	// fixture has logged ReadyMarker (it is past `await fetch`, reading or cloning).
	Reading bool
	// AwaitReady waits for ReadyMarker without reading.
	AwaitReady bool
	// Ready is what mocknet must have seen before the vat is stopped; nil means a request on
	// Open (a streaming body when Reading).
	Ready func(o Observation) bool
	// Quiet is how long after the program started it must still not have settled, when it
	// armed something (a timeout) that would fire later than SettleWindow.
	Quiet time.Duration
	// HTTPS fetches https://allowed.test + Path, and counts only exchanges over TLS.
	HTTPS bool
}

// Run stops the vat with terminateVat.
func (c HeldOpen) Run(t *T) { c.run(t, false) }

// RunTeardown stops the vat's endowment with teardownVat (protocol 1.1) and then requires the
// vat to go on evaluating code.
func (c HeldOpen) RunTeardown(t *T) { c.run(t, true) }

func (c HeldOpen) run(t *T, teardown bool) {
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	params := map[string]any{"url": t.URL(HostAllowed, c.Path)}
	if c.HTTPS {
		params["url"] = t.HTTPSURL(HostAllowed, c.Path)
	}
	for k, v := range c.Params {
		params[k] = v
	}
	task := vat.Start(t.Fixture(), params)
	openPath := cmp.Or(c.Open, PathOnly(c.Path))
	open, ready := PathIs(openPath), c.Ready
	if ready == nil && c.Reading {
		ready = Streaming(openPath)
	}
	if c.HTTPS {
		open = OverTLS(open)
		if ready != nil {
			ready = OverTLS(ready)
		}
	}
	if ready == nil {
		ready = open
	}
	t.AwaitObservation("the program's request", ReadyWithin, ready)
	if c.Reading || c.AwaitReady {
		vat.AwaitLog(ReadyMarker, ReadyWithin)
	}
	t.ExpectOpen("the program's connections", 1, open)
	stoppedAt := func() time.Time { vat.Terminate(); return vat.TerminatedAt }
	if teardown {
		stoppedAt = func() time.Time { vat.Teardown(); return vat.TornDownAt }
	}
	t.ExpectClosedWithin("every connection of "+t.Fixture(), stoppedAt(), CloseDeadline, open)
	task.ExpectNeverSettlesFor(max(SettleWindow, time.Until(task.Started.Add(c.Quiet+SettleWindow))),
		"a torn-down endowment's promises must never settle")
	if teardown {
		Expect(vat.Eval("return 1 + 1")).To(ReturnedJSON(2), "the vat must stay alive after teardownVat")
	}
}
