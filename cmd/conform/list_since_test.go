package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/conform-suite/conform/suite"
)

func TestListSinceShowsWhatAVersionAdded(t *testing.T) {
	want := 0
	for _, r := range suite.Requirements() {
		if r.Since == suite.Version() {
			want++
		}
	}
	r := conform(t, "list", "--since", suite.Version())
	if r.code != exitOK || !strings.Contains(r.stdout, "\n"+strconv.Itoa(want)+" specs.") {
		t.Fatalf("conform list --since %s: exit %d, want the %d specs it added:\n%s", suite.Version(), r.code, want, r.stdout)
	}
	for _, line := range strings.Split(r.stdout, "\n")[1:] {
		id, _, _ := strings.Cut(line, " ")
		for _, req := range suite.Requirements() {
			if req.ID == id && req.Since != suite.Version() {
				t.Errorf("--since %s lists %s, added in %s", suite.Version(), id, req.Since)
			}
		}
	}
	r = conform(t, "list", "--since", "0.0.9")
	if r.code != exitUsage || !strings.Contains(r.stderr, "not a catalogue version") {
		t.Errorf("conform list --since 0.0.9: exit %d, stderr %q; want exit 2 naming the versions", r.code, r.stderr)
	}
}
