package suite_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/changelog"
)

// CHANGELOG.md at the repository's root must be what the snapshots and the catalogue give;
// `go test ./suite -run Markdown -update` rewrites it with REQUIREMENTS.md and
// requirements.json, so a spec change regenerates all three at once.
func TestChangelogMarkdownIsCurrent(t *testing.T) {
	const file = "../CHANGELOG.md"
	var want bytes.Buffer
	if err := changelog.Write(&want, suite.Requirements()); err != nil {
		t.Fatal(err)
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(file, want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v (run `go test ./suite -run Markdown -update`)", file, err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("CHANGELOG.md is stale: regenerate it with `go test ./suite -run Markdown -update`")
	}
}
