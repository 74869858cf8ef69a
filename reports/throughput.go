package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// ThroughputFile is the name of the throughput figures in a report directory, which
// MatrixHTML shows in its throughput row ('conform bench --workload fetch --out').
const ThroughputFile = "bench.json"

// Throughput is what 'conform bench --workload fetch' measured for one implementation:
// per load, the median requests per second of fetch + text() of a small body through the
// mock network, and those of a plain Go HTTP client doing the same load through the same
// proxy in the same invocation (the baseline). Machines differ; the ratio to the baseline
// is what compares between machines and between implementations.
type Throughput struct {
	SchemaVersion  string         `json:"schemaVersion"`
	Implementation Implementation `json:"implementation"`
	MeasuredAt     time.Time      `json:"measuredAt"`
	// Machine is where it was measured: "linux/amd64, 2 CPUs".
	Machine string `json:"machine"`
	// Runs is how many times each load was measured; the figures are medians.
	Runs      int    `json:"runs"`
	BodyBytes int    `json:"bodyBytes"`
	Loads     []Load `json:"loads"`
}

// ThroughputSchemaVersion is the version of bench.json's format.
const ThroughputSchemaVersion = "1"

// Load is one load and what it measured.
type Load struct {
	// Name is "sequential" (one fetch at a time) or "concurrent".
	Name string `json:"name"`
	// Requests is the number of fetches per measured run; Concurrency how many are in
	// flight at once; Hosts over how many virtual hosts they are spread.
	Requests    int `json:"requests"`
	Concurrency int `json:"concurrency"`
	Hosts       int `json:"hosts"`
	// Implementation and Baseline are the figures of the implementation and of the plain
	// Go client.
	Implementation LoadFigures `json:"implementation"`
	Baseline       LoadFigures `json:"baseline"`
	// CostRatio is how many times the baseline's time the load takes through the
	// implementation: the median over the runs of each run's wall time divided by that of
	// the baseline's run measured just before it.
	CostRatio float64 `json:"costRatio"`
}

// LoadFigures are the figures of one client under one load.
type LoadFigures struct {
	// RequestsPerSecond is the median over the runs.
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	// PerFetch is the mean time one fetch is in flight in the median run: the run's wall
	// time × concurrency ÷ requests (for the sequential load, wall time ÷ requests).
	PerFetch time.Duration `json:"perFetchNanos"`
	// Samples are each run's requests per second, in the order measured.
	Samples []float64 `json:"samplesRequestsPerSecond"`
}

// Load returns the load named name, or nil.
func (t *Throughput) Load(name string) *Load {
	if t == nil {
		return nil
	}
	for i := range t.Loads {
		if t.Loads[i].Name == name {
			return &t.Loads[i]
		}
	}
	return nil
}

// WriteThroughput writes t as indented JSON to path, atomically.
func WriteThroughput(path string, t *Throughput) error {
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encode throughput figures: %w", err)
	}
	return writeAtomic(path, append(data, '\n'))
}

// ReadThroughput reads a bench.json written by WriteThroughput.
func ReadThroughput(path string) (*Throughput, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read throughput figures %s: %w", path, err)
	}
	var t Throughput
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("parse throughput figures %s: %w", path, err)
	}
	if t.SchemaVersion != ThroughputSchemaVersion {
		return nil, fmt.Errorf("throughput figures %s: schema version %q, this conform reads %q", path, t.SchemaVersion, ThroughputSchemaVersion)
	}
	return &t, nil
}
