package main

import (
	"strings"
	"testing"
)

// The mutants are of the reference its users build: the default build's Go files and the
// embedded JavaScript, not the broken variants behind -tags conformfaults, tests or testdata.
func TestSourcesAreTheDefaultBuildOfTheReference(t *testing.T) {
	files, err := discoverSources("../..")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range files {
		found[f.Path] = true
		switch {
		case strings.HasPrefix(f.Path, "reference/mutants/"), strings.HasSuffix(f.Path, "_test.go"), strings.Contains(f.Path, "/testdata/"):
			t.Errorf("%s is mutated: it is not part of the reference's default build", f.Path)
		}
	}
	for _, want := range []string{"reference/reference.go", "reference/internal/endowment/faults_off.go", "reference/internal/endowment/webapi/fetch.js"} {
		if !found[want] {
			t.Errorf("%s is not mutated", want)
		}
	}
	for _, tagged := range []string{"reference/faults.go", "reference/internal/endowment/faults_on.go"} {
		if found[tagged] {
			t.Errorf("%s is mutated: it is built only with -tags conformfaults", tagged)
		}
	}
}
