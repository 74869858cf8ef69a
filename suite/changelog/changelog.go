package changelog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/conform-suite/conform/suite"
)

//go:embed releases/*.json
var snapshots embed.FS

// Release is a released catalogue version: its snapshot is releases/VERSION.json.
type Release struct {
	Version string
	Date    string // YYYY-MM-DD: when the version was closed (the next one opened)
}

// Released lists the released catalogue versions, oldest first. Each is a prefix of
// suite.Versions; the versions after them are unreleased.
func Released() []Release {
	return []Release{
		// 0.1.0 closed when 0.2.0 opened (commit 1056d0e); its snapshot is requirements.json
		// as it was then, the first requirements.json with since.
		{Version: "0.1.0", Date: "2026-11-30"},
		// 0.2.0 closed when 0.3.0 opened (commit 5c7a570).
		{Version: "0.2.0", Date: "2026-12-06"},
	}
}

// Entry is what the changelog compares of a spec.
type Entry struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Requirement string `json:"requirement"`
	Profile     string `json:"profile"`
	Area        string `json:"area"`
	Since       string `json:"since"`
}

// Snapshot reads the catalogue of a released version, sorted by ID.
func Snapshot(version string) ([]Entry, error) {
	data, err := snapshots.ReadFile("releases/" + version + ".json")
	if err != nil {
		return nil, fmt.Errorf("changelog: no snapshot of catalogue version %s: %w", version, err)
	}
	var entries []Entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("changelog: snapshot of %s: %w", version, err)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return entries, nil
}

// Entries are the current catalogue's specs as the changelog compares them.
func Entries(reqs []suite.Requirement) []Entry {
	out := make([]Entry, len(reqs))
	for i, r := range reqs {
		out[i] = Entry{ID: r.ID, Title: r.Title, Requirement: r.Requirement, Profile: r.Profile, Area: r.Area, Since: r.Since}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Change is one version's difference from the one before.
type Change struct {
	Version  string
	Date     string // empty for the unreleased version
	Added    []Entry
	Changed  []Changed
	Removed  []Entry
	Released bool
}

// Changed is a spec whose requirement text or profile a version changed.
type Changed struct {
	Before, After Entry
}

// Changes compares each version with the one before: released versions by their
// snapshots, the unreleased one (if any) by the current catalogue. Newest first.
func Changes(current []Entry) ([]Change, error) {
	released := Released()
	versions := suite.Versions()
	if len(released) > len(versions) {
		return nil, fmt.Errorf("changelog: %d released versions, but the catalogue has %d", len(released), len(versions))
	}
	var changes []Change
	var before []Entry
	for i, v := range versions {
		var after []Entry
		c := Change{Version: v}
		if i < len(released) {
			if released[i].Version != v {
				return nil, fmt.Errorf("changelog: released version %d is %s, but the catalogue's is %s", i+1, released[i].Version, v)
			}
			snap, err := Snapshot(v)
			if err != nil {
				return nil, err
			}
			after, c.Date, c.Released = snap, released[i].Date, true
		} else if i == len(versions)-1 {
			after = current
		} else {
			return nil, fmt.Errorf("changelog: catalogue version %s is neither released (no snapshot) nor the one being built (%s)", v, versions[len(versions)-1])
		}
		c.Added, c.Changed, c.Removed = diff(before, after)
		changes = append(changes, c)
		before = after
	}
	slices.Reverse(changes)
	return changes, nil
}

func diff(before, after []Entry) (added []Entry, changed []Changed, removed []Entry) {
	old := map[string]Entry{}
	for _, e := range before {
		old[e.ID] = e
	}
	seen := map[string]bool{}
	for _, e := range after {
		seen[e.ID] = true
		prev, ok := old[e.ID]
		switch {
		case !ok:
			added = append(added, e)
		case prev.Requirement != e.Requirement || prev.Profile != e.Profile:
			changed = append(changed, Changed{Before: prev, After: e})
		}
	}
	for _, e := range before {
		if !seen[e.ID] {
			removed = append(removed, e)
		}
	}
	return added, changed, removed
}

const repoURL = "https://github.com/conform-suite/conform"

// Write renders CHANGELOG.md from the snapshots and the current catalogue.
func Write(w io.Writer, reqs []suite.Requirement) error {
	changes, err := Changes(Entries(reqs))
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`# Changelog

What each version of the conform catalogue added, changed and removed, spec by spec. The
format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions are the
catalogue's (` + "`suite.Versions`" + `), released as tags ` + "`vX.Y.Z`" + `. A spec's ID keeps its meaning once
published: "changed" means its requirement sentence or its profile changed, which can turn a
passing implementation into a failing one.

Pin the suite by tag (` + "`uses: conform-suite/conform@v" + latestRelease() + "`" + `); before moving the pin, read
the sections between your tag and the new one. ` + "`conform list --since VERSION`" + ` lists the specs a
version and those after it added; ` + "`suite/REQUIREMENTS.md`" + ` has every requirement in full.

Generated from ` + "`suite/requirements.json`" + ` and the snapshot of each released version
(` + "`suite/changelog/releases/`" + `) by ` + "`go test ./suite -run Markdown -update`" + `; a test fails when
this file is stale.
`)
	for _, c := range changes {
		if c.Released {
			fmt.Fprintf(&b, "\n## [%s] - %s\n", c.Version, c.Date)
		} else {
			fmt.Fprintf(&b, "\n## [Unreleased]\n\nCatalogue version %s, being built: its specs carry `Since: %q`.\n", c.Version, c.Version)
		}
		if len(c.Added) > 0 {
			fmt.Fprintf(&b, "\n### Added\n\n%s.\n\n", count(len(c.Added)))
			for _, e := range c.Added {
				fmt.Fprintf(&b, "- `%s` %s (%s)\n", e.ID, text(e.Title), e.Profile)
			}
		}
		if len(c.Changed) > 0 {
			fmt.Fprintf(&b, "\n### Changed\n\n%s.\n\n", count(len(c.Changed)))
			for _, ch := range c.Changed {
				fmt.Fprintf(&b, "- `%s` %s", ch.After.ID, text(ch.After.Title))
				if ch.Before.Profile != ch.After.Profile {
					fmt.Fprintf(&b, ": profile %s → %s", ch.Before.Profile, ch.After.Profile)
				}
				b.WriteString("\n")
				if ch.Before.Requirement != ch.After.Requirement {
					fmt.Fprintf(&b, "  - was: %s\n  - now: %s\n", text(ch.Before.Requirement), text(ch.After.Requirement))
				}
			}
		}
		if len(c.Removed) > 0 {
			fmt.Fprintf(&b, "\n### Removed\n\n%s.\n\n", count(len(c.Removed)))
			for _, e := range c.Removed {
				fmt.Fprintf(&b, "- `%s` %s (%s)\n", e.ID, text(e.Title), e.Profile)
			}
		}
	}
	b.WriteString("\n")
	for i, c := range changes {
		var prev string
		if i+1 < len(changes) {
			prev = "v" + changes[i+1].Version
		}
		switch {
		case !c.Released && prev != "":
			fmt.Fprintf(&b, "[Unreleased]: %s/compare/%s...HEAD\n", repoURL, prev)
		case !c.Released:
			fmt.Fprintf(&b, "[Unreleased]: %s/commits/HEAD\n", repoURL)
		case prev != "":
			fmt.Fprintf(&b, "[%s]: %s/compare/%s...v%s\n", c.Version, repoURL, prev, c.Version)
		default:
			fmt.Fprintf(&b, "[%s]: %s/releases/tag/v%s\n", c.Version, repoURL, c.Version)
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// markdown escapes the characters Markdown would read as markup in a requirement's text
// (backslashes, emphasis, code, links, HTML), so that the text reads as the catalogue has it.
var markdown = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`, "[", `\[`, "]", `\]`)

func text(s string) string { return markdown.Replace(strings.ReplaceAll(s, "\n", " ")) }

// latestRelease is the newest released version, the tag a new user pins.
func latestRelease() string {
	r := Released()
	return r[len(r)-1].Version
}

func count(n int) string {
	if n == 1 {
		return "1 spec"
	}
	return fmt.Sprintf("%d specs", n)
}

// AddedSince returns the specs of reqs added in version or later (their Since), in their
// order: `conform list --since VERSION`. version must be a catalogue version; empty, it
// returns reqs.
func AddedSince(reqs []suite.Requirement, version string) ([]suite.Requirement, error) {
	if version == "" {
		return reqs, nil
	}
	versions := suite.Versions()
	from := slices.Index(versions, version)
	if from < 0 {
		return nil, fmt.Errorf("--since %q is not a catalogue version (%s)", version, strings.Join(versions, ", "))
	}
	var out []suite.Requirement
	for _, r := range reqs {
		if slices.Index(versions, r.Since) >= from {
			out = append(out, r)
		}
	}
	return out, nil
}
