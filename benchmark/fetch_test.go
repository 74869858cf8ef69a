package benchmark

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite/runner"
)

// referenceTarget is the embedded reference in process, reaching only the mock network, as
// 'conform bench' runs it without --adapter.
func referenceTarget() runner.Target {
	return runner.Target{
		Name: "conform-reference",
		New: func(net *mocknet.Network, _ runner.Timeouts) (harness.Implementation, error) {
			return inprocess.New(inprocess.Options{PrepareClient: func(c *http.Client) error {
				_, err := net.GuardClient(c)
				return err
			}}), nil
		},
	}
}

// TestFetchMeasuresTheReference runs the fetch workload against the embedded
// reference with small loads: figures for both loads, for the implementation and the
// baseline, every run sampled, all positive. Fetch itself checks that every fetch
// read the whole body and that mocknet served exactly the load's fetches.
func TestFetchMeasuresTheReference(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := Fetch(ctx, referenceTarget(), FetchOptions{
		Runs: 2, SequentialRequests: 10, ConcurrentRequests: 40, Concurrency: 8,
		CallTimeout: time.Minute, InitializeTimeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Implementation.Name != "conform-reference" || got.BodyBytes != benchBodyBytes || got.Runs != 2 || got.SchemaVersion != reports.ThroughputSchemaVersion {
		t.Errorf("figures describe %+v", got)
	}
	want := map[string][3]int{"sequential": {10, 1, 1}, "concurrent": {40, 8, len(benchHosts())}}
	if len(got.Loads) != len(want) {
		t.Fatalf("%d loads, want %d", len(got.Loads), len(want))
	}
	for _, l := range got.Loads {
		w, ok := want[l.Name]
		if !ok || l.Requests != w[0] || l.Concurrency != w[1] || l.Hosts != w[2] {
			t.Errorf("load %+v, want %s with requests, concurrency, hosts %v", l, l.Name, w)
		}
		for who, f := range map[string]reports.LoadFigures{"implementation": l.Implementation, "baseline": l.Baseline} {
			if f.RequestsPerSecond <= 0 || f.PerFetch <= 0 || len(f.Samples) != 2 {
				t.Errorf("%s load, %s: %+v; want positive figures and 2 samples", l.Name, who, f)
			}
		}
		if l.CostRatio <= 0 {
			t.Errorf("%s load: cost ratio %v", l.Name, l.CostRatio)
		}
	}
}
