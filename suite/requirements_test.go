package suite

import (
	"bytes"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/conform-suite/conform/fixtures"
	"github.com/conform-suite/conform/suite/dsl"
)

var update = flag.Bool("update", false, "rewrite REQUIREMENTS.md and requirements.json from the specs")

func TestSpecTableIsValid(t *testing.T) {
	if err := Validate(All()); err != nil {
		t.Fatal(err)
	}
}

// The generated catalogues (REQUIREMENTS.md for people, requirements.json for tools) must
// match the specs; `go test ./suite -run Markdown -update` regenerates both.
func TestRequirementsMarkdownAndJSONAreCurrent(t *testing.T) {
	for _, c := range []struct {
		file  string
		write func(io.Writer, []Requirement) error
	}{
		{"REQUIREMENTS.md", WriteMarkdown},
		{"requirements.json", WriteJSON},
	} {
		var want bytes.Buffer
		if err := c.write(&want, Requirements()); err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(c.file, want.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatalf("read %s: %v (run `go test ./suite -run Markdown -update`)", c.file, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("suite/%s is stale: regenerate it with `go test ./suite -run Markdown -update`", c.file)
		}
	}
}

// Validate must reject each kind of malformed spec, naming the ID and what is wrong.
func TestValidateRejectsMalformedSpecs(t *testing.T) {
	good := func() Spec {
		return Spec{Requirement: Requirement{ID: "CONF-900", Title: "a title", Requirement: "A vat must do this.",
			Rationale: "Because.", Profile: ProfileCore, Area: AreaConfig, Since: Version(), Source: "a source",
			Globals: dsl.NetworkGlobals(), File: "conf_entries.go"},
			Run: func(*dsl.T) {}}
	}
	if err := Validate([]Spec{good()}); err != nil {
		t.Fatalf("a well-formed spec was rejected: %v", err)
	}
	for _, c := range []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"malformed ID", func(s *Spec) { s.ID = "CONF-9" }, "AREA-123"},
		{"prefix of another area", func(s *Spec) { s.ID = "TEAR-900" }, "begin with CONF-"},
		{"unknown area", func(s *Spec) { s.Area = "network" }, "unknown area"},
		{"unknown profile", func(s *Spec) { s.Profile = "extra" }, "unknown profile"},
		{"no since", func(s *Spec) { s.Since = "" }, "not a catalogue version"},
		{"empty rationale", func(s *Spec) { s.Rationale = "" }, "required"},
		{"empty title", func(s *Spec) { s.Title = "" }, "required"},
		{"title with a full stop", func(s *Spec) { s.Title = "a title." }, "full stop"},
		{"requirement without must", func(s *Spec) { s.Requirement.Requirement = "A vat does this." }, "must"},
		{"malformed fixture", func(s *Spec) { s.Fixture = "teardown/Fetch.js" }, "area/name"},
		{"no body", func(s *Spec) { s.Run = nil }, "no body"},
		{"no globals", func(s *Spec) { s.Globals = nil }, "no globals declared"},
		{"unknown global", func(s *Spec) { s.Globals = []string{"fetch", "Fetch"} }, `global "Fetch"`},
		{"file of another area", func(s *Spec) { s.File = "tear.go" }, "conf.go or conf_*.go"},
		{"file named like the prefix but another word", func(s *Spec) { s.File = "config.go" }, "conf.go or conf_*.go"},
	} {
		s := good()
		c.mutate(&s)
		err := Validate([]Spec{s})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), s.ID) {
			t.Errorf("%s: Validate = %v, want an error naming %s and containing %q", c.name, err, s.ID, c.want)
		}
	}
	if err := Validate([]Spec{good(), good()}); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate IDs: Validate = %v, want a duplicate error", err)
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
		AreaHTTPS: 10,
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
