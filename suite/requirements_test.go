package suite

import (
	"bytes"
	"flag"
	"os"
	"testing"
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
