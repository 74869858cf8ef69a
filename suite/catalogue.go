package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// catalogueEntry is one requirement as requirements.json and `conform list --json` carry it.
type catalogueEntry struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Labels      []string `json:"labels"`
	Requirement string   `json:"requirement"`
	Profile     string   `json:"profile"`
	Area        string   `json:"area"`
	Source      string   `json:"source"`
	Rationale   string   `json:"rationale,omitempty"`
	Fixture     string   `json:"fixture,omitempty"`
	Since       string   `json:"since"`
	Globals     []string `json:"globals"`
	File        string   `json:"file"`
}

// WriteJSON renders requirements as the machine-readable catalogue (requirements.json, and
// `conform list --json`): an array in ID order, each with the version that introduced it (so
// adapter maintainers can diff what a new version requires), the globals its vats need and the
// catalogue file that declares it.
func WriteJSON(w io.Writer, reqs []Requirement) error {
	items := make([]catalogueEntry, len(reqs))
	for i, r := range reqs {
		items[i] = catalogueEntry{
			ID: r.ID, Title: r.Title, Labels: r.Labels(), Requirement: r.Requirement, Profile: r.Profile,
			Area: r.Area, Source: r.Source, Rationale: r.Rationale, Fixture: r.Fixture, Since: r.Since,
			Globals: r.Globals, File: "suite/" + r.File,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}

// WriteMarkdown renders requirements as the REQUIREMENTS.md document: an overview of the
// profiles, then one table per area with ID, profile, requirement, rationale and source.
func WriteMarkdown(w io.Writer, reqs []Requirement) error {
	var b strings.Builder
	b.WriteString("# Conformance requirements\n\n")
	b.WriteString("Generated from the specs in `suite/` (`go test ./suite -run Markdown -update`, or `conform list --markdown`);\n")
	b.WriteString("a test fails when this file is stale. An ID, once published, keeps its meaning.\n\n")
	b.WriteString("| Profile | What it means | Specs |\n|---|---|---|\n")
	counts := map[string]int{}
	for _, r := range reqs {
		counts[r.Profile]++
	}
	for _, p := range Profiles() {
		fmt.Fprintf(&b, "| `%s` | %s | %d |\n", p, profileMeaning(p), counts[p])
	}
	for _, area := range Areas() {
		var rows []Requirement
		for _, r := range reqs {
			if r.Area == area {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", area)
		b.WriteString("| ID | Profile | Requirement | Globals | Rationale | Source | Fixture |\n|---|---|---|---|---|---|---|\n")
		for _, r := range rows {
			fixture := ""
			if r.Fixture != "" {
				fixture = "`fixtures/" + r.Fixture + ".js`"
			}
			fmt.Fprintf(&b, "| [%s](%s) | %s | **%s.** %s | %s | %s | %s | %s |\n", r.ID, r.File, r.Profile, cell(r.Title), cell(r.Requirement),
				strings.Join(r.Globals, ", "), cell(r.Rationale), cell(r.Source), fixture)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func profileMeaning(p string) string {
	switch p {
	case ProfileCore:
		return "What an ocap-kernel/Snaps-style endowment promises: globals, vat configuration, allowlist on the first hop, notify, teardown of in-flight requests and `text()` bodies."
	case ProfileStrict:
		return "Hardening no known implementation has: redirect hops checked, input converted once, no hostname differentials, teardown of clones, readers and uploads, no reachable host state."
	case ProfileFetchAPI:
		return "WHATWG fetch semantics of `fetch`, `Headers`, `Request`, `Response`, bodies and abort, for the features the endowment implements."
	case ProfileSnapsCompat:
		return "Behaviour MetaMask Snaps' endowment has and callers may rely on, such as the notify pairing around body reads."
	}
	return ""
}
