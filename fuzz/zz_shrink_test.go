package fuzz

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/mocknet"
)

func TestZZShrink(t *testing.T) {
	path := os.Getenv("FINDING")
	if path == "" {
		t.Skip()
	}
	rep, err := LoadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	node := Target{Name: "node", New: func(net *mocknet.Network) (harness.Implementation, error) {
		return harness.NewExternal(harness.ExternalOptions{Argv: []string{"node", "../adapters/node-plain/adapter.mjs"}, CallTimeout: 5 * time.Second})
	}}
	ctx := context.Background()
	w, err := newWorker(ctx, []Target{referenceTarget(), node}, DefaultTiming())
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	p := Generate(rep.Env, rep.Program.Seed)
	t0 := time.Now()
	got, err := confirm(ctx, w, rep.Env, p, rep.Finding, 20*time.Second, nil)
	fmt.Println(time.Since(t0), err)
	if got != nil {
		fmt.Println(got.ShrinkRuns, got.Reproduced)
		fmt.Println(got.Program.Render(""))
	}
}
