package fuzz

import (
	"context"
	"testing"
	"time"
)

// The fuzzer's throughput, in programs per second (the programs/s metric: generated,
// run in every implementation, checked and compared; the start of the implementations and
// the confirmation of findings are not counted):
//
//	go test -run '^$' -bench 'Fuzz' -benchtime 2000x ./fuzz
//
// The aim is 100/s against the reference alone and 20/s with one Node adapter, on 2 cores.

func BenchmarkFuzzReference(b *testing.B) {
	benchFuzz(b, []Target{referenceTarget()}, 4)
}

func BenchmarkFuzzReferenceAgainstNodePlain(b *testing.B) {
	benchFuzz(b, []Target{referenceTarget(), nodePlainTarget(b)}, 2)
}

func benchFuzz(b *testing.B, targets []Target, workers int) {
	known, err := LoadKnown("known-divergences.yaml")
	if err != nil {
		b.Fatal(err)
	}
	res, err := Fuzz(context.Background(), Config{Targets: targets, Seed: 7, Runs: b.N, Workers: workers, VaryAllowlist: true,
		Timing: DefaultTiming(), ShrinkTime: time.Nanosecond, Known: known})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.PerSecond, "programs/s")
}
