package fuzz

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// go test ./fuzz -run ZZRepro -v with REPRO="code1;;code2;;..."
func TestZZRepro(t *testing.T) {
	src := os.Getenv("REPRO")
	if src == "" {
		t.Skip()
	}
	var steps []Step
	for i, c := range strings.Split(src, ";;") {
		c = strings.TrimSpace(c)
		bind := ""
		if b, code, ok := strings.Cut(c, "="); ok && !strings.Contains(b, " ") && !strings.Contains(b, "(") {
			bind, c = b, code
		}
		kind := StepEval
		if c == "teardown" { kind = StepTeardown }
		steps = append(steps, Step{Kind: kind, Op: fmt.Sprintf("s%d", i+1), Code: c, Bind: bind})
	}
	steps = append(steps, Step{Kind: StepTerminate, Op: "terminate"})
	p := Program{Globals: testEnv().Globals, AllowedHosts: []string{"allowed.test", "a.allowed.test"}, Steps: steps}
	ctx := context.Background()
	w, err := newWorker(ctx, []Target{referenceTarget()}, DefaultTiming())
	if err != nil { t.Fatal(err) }
	defer w.close()
	runs, _ := w.run(ctx, p, false)
	for i, s := range runs[0].Steps { fmt.Println(i+1, s.String()) }
	for _, v := range runs[0].Violations { fmt.Println("violation", v) }
}
