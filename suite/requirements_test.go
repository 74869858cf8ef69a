package suite

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/conform-suite/conform/fixtures"
)

var update = flag.Bool("update", false, "rewrite REQUIREMENTS.md from the specs")

func TestSpecTableIsValid(t *testing.T) {
	if err := validateSpecs(allSpecs()); err != nil {
		t.Fatal(err)
	}
}

func TestRequirementsMarkdownIsCurrent(t *testing.T) {
	var want bytes.Buffer
	if err := WriteMarkdown(&want, Requirements()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("REQUIREMENTS.md", want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("REQUIREMENTS.md")
	if err != nil {
		t.Fatalf("read REQUIREMENTS.md: %v (run `go test ./suite -run Markdown -update`)", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("suite/REQUIREMENTS.md is stale: regenerate it with `go test ./suite -run Markdown -update`")
	}
}

// A spec that names a fixture must name one that exists, so REQUIREMENTS.md and failure
// messages point adapter authors at a real file.
func TestEveryNamedFixtureExists(t *testing.T) {
	known := map[string]bool{}
	for _, name := range fixtures.Names() {
		known[name] = true
	}
	for _, r := range Requirements() {
		if r.Fixture != "" && !known[r.Fixture] {
			t.Errorf("%s names fixture %q, which is not in fixtures/", r.ID, r.Fixture)
		}
	}
}

// Coverage the suite promises per area (the minimums its users rely on).
func TestCoveragePerArea(t *testing.T) {
	count := map[string]int{}
	for _, r := range Requirements() {
		count[r.Area]++
	}
	minimum := map[string]int{
		AreaAvailability: 10, AreaConfig: 6, AreaAllowlist: 42, AreaFetch: 20, AreaAbort: 6,
		AreaNotify: 6, AreaTeardown: 15, AreaIsolation: 4,
	}
	for area, want := range minimum {
		if count[area] < want {
			t.Errorf("area %s has %d specs; at least %d are promised", area, count[area], want)
		}
	}
	if n := count[AreaHeaders] + count[AreaRequest] + count[AreaResponse]; n < 30 {
		t.Errorf("Headers, Request and Response have %d specs together; at least 30 are promised", n)
	}
}
