package changelog

import (
	"slices"
	"strings"
	"testing"

	"github.com/conform-suite/conform/suite"
)

// The snapshots and the catalogue agree: a released version is frozen, so every spec the
// catalogue says it added is in its snapshot (a new spec carries the version being built),
// and every spec is listed as added by the version its Since names.
func TestSnapshotsAgreeWithTheCatalogue(t *testing.T) {
	versions := suite.Versions()
	current := Entries(suite.Requirements())
	changes, err := Changes(current)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != len(versions) {
		t.Fatalf("%d sections for %d catalogue versions", len(changes), len(versions))
	}
	addedIn := map[string]string{}
	for _, c := range changes {
		for _, e := range c.Added {
			if prev, dup := addedIn[e.ID]; dup {
				t.Errorf("%s is added twice, in %s and %s: an ID is never reused", e.ID, prev, c.Version)
			}
			addedIn[e.ID] = c.Version
			if e.Since != c.Version {
				t.Errorf("%s is added in %s but says Since %s", e.ID, c.Version, e.Since)
			}
		}
	}
	for _, e := range current {
		if addedIn[e.ID] != e.Since {
			t.Errorf("%s (Since %s) is listed as added in %q: %s is released and frozen, so a new spec carries Since %q",
				e.ID, e.Since, addedIn[e.ID], e.Since, suite.Version())
		}
	}
	for _, r := range Released() {
		snap, err := Snapshot(r.Version)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range snap {
			if slices.Index(versions, e.Since) > slices.Index(versions, r.Version) || slices.Index(versions, e.Since) < 0 {
				t.Errorf("the snapshot of %s holds %s with Since %q", r.Version, e.ID, e.Since)
			}
		}
	}
}

func TestDiff(t *testing.T) {
	before := []Entry{
		{ID: "A-001", Requirement: "a", Profile: "core"},
		{ID: "A-002", Requirement: "b", Profile: "core"},
		{ID: "A-003", Requirement: "c", Profile: "core", Title: "old title"},
	}
	after := []Entry{
		{ID: "A-001", Requirement: "a", Profile: "strict"},
		{ID: "A-003", Requirement: "c", Profile: "core", Title: "new title"},
		{ID: "A-004", Requirement: "d", Profile: "core"},
	}
	added, changed, removed := diff(before, after)
	if len(added) != 1 || added[0].ID != "A-004" {
		t.Errorf("added %v, want A-004", added)
	}
	if len(changed) != 1 || changed[0].After.ID != "A-001" {
		t.Errorf("changed %v, want A-001 (profile); a new title alone is no change", changed)
	}
	if len(removed) != 1 || removed[0].ID != "A-002" {
		t.Errorf("removed %v, want A-002", removed)
	}
}

func TestWriteHasASectionPerVersion(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, suite.Requirements()); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, r := range Released() {
		if !strings.Contains(text, "\n## ["+r.Version+"] - "+r.Date+"\n") {
			t.Errorf("no section for released version %s", r.Version)
		}
	}
	if len(Released()) < len(suite.Versions()) && !strings.Contains(text, "\n## [Unreleased]\n") {
		t.Errorf("no Unreleased section for %s", suite.Version())
	}
	for _, r := range suite.Requirements() {
		if !strings.Contains(text, "- `"+r.ID+"` ") {
			t.Errorf("%s is not listed", r.ID)
		}
	}
}

func TestAddedSince(t *testing.T) {
	reqs := suite.Requirements()
	last, err := AddedSince(reqs, suite.Version())
	if err != nil {
		t.Fatal(err)
	}
	all, err := AddedSince(reqs, suite.Versions()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(reqs) {
		t.Errorf("--since the first version: %d specs, want all %d", len(all), len(reqs))
	}
	for _, r := range last {
		if r.Since != suite.Version() {
			t.Errorf("--since %s lists %s (Since %s)", suite.Version(), r.ID, r.Since)
		}
	}
	if _, err := AddedSince(reqs, "9.9.9"); err == nil || !strings.Contains(err.Error(), strings.Join(suite.Versions(), ", ")) {
		t.Errorf("--since 9.9.9: %v, want an error naming the versions", err)
	}
}
