package suite

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Profiles, in the order they are documented.
const (
	ProfileCore        = "core"
	ProfileStrict      = "strict"
	ProfileFetchAPI    = "fetch-api"
	ProfileSnapsCompat = "snaps-compat"
)

// Profiles lists every profile.
func Profiles() []string {
	return []string{ProfileCore, ProfileStrict, ProfileFetchAPI, ProfileSnapsCompat}
}

// Areas, each a Ginkgo label and the JUnit classname suffix.
const (
	AreaAvailability = "availability"
	AreaConfig       = "config"
	AreaAllowlist    = "allowlist"
	AreaFetch        = "fetch"
	AreaHeaders      = "headers"
	AreaRequest      = "request"
	AreaResponse     = "response"
	AreaAbort        = "abort"
	AreaNotify       = "notify"
	AreaTeardown     = "teardown"
	AreaIsolation    = "isolation"
)

// Areas lists every area in report order.
func Areas() []string {
	return []string{AreaAvailability, AreaConfig, AreaAllowlist, AreaFetch, AreaHeaders,
		AreaRequest, AreaResponse, AreaAbort, AreaNotify, AreaTeardown, AreaIsolation}
}

// Requirement is what one spec demands, in words. Once published, an ID keeps its meaning.
type Requirement struct {
	ID          string // e.g. "ALLOW-012": area prefix and a number, never reused
	Title       string // short, for lists and test names
	Requirement string // one sentence, "must"
	Profile     string
	Area        string
	Source      string // Snaps behaviour, ocap-kernel docs, WHATWG fetch section, or the security argument
	Rationale   string // why an implementation must do this
	Fixture     string // "area/name" in fixtures/, when the spec runs a fixture
}

// Labels are the Ginkgo labels of the spec: its profile, its area and its ID.
func (r Requirement) Labels() []string {
	return []string{r.Profile, r.Area, r.ID}
}

// Spec is a requirement and the body that checks it.
type Spec struct {
	Requirement
	// Timeout bounds the whole spec; zero means defaultSpecTimeout.
	Timeout time.Duration
	// Tampers marks specs whose program tries to change the endowment. They run after all
	// others, so that an implementation that lets them (and shares the damage between vats)
	// does not spoil the results of unrelated specs.
	Tampers bool
	Run     func(t *T)
}

const defaultSpecTimeout = 30 * time.Second

// tamperingFixtures are the programs that try to change the endowment (see Spec.Tampers).
var tamperingFixtures = map[string]bool{"availability/try-mutations": true, "isolation/tamper": true}

var idPattern = regexp.MustCompile(`^[A-Z]+-[0-9]{3}$`)

// Requirements returns every spec's requirement, sorted by ID.
func Requirements() []Requirement {
	specs := allSpecs()
	reqs := make([]Requirement, len(specs))
	for i, s := range specs {
		reqs[i] = s.Requirement
	}
	return reqs
}

// allSpecs returns every spec, sorted by ID. It is rebuilt on each call so that no spec
// table is shared mutable state.
func allSpecs() []Spec {
	var specs []Spec
	for _, area := range specTables() {
		specs = append(specs, area()...)
	}
	for i := range specs {
		if tamperingFixtures[specs[i].Fixture] {
			specs[i].Tampers = true
		}
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].ID < specs[j].ID })
	return specs
}

// validateSpecs checks the invariants every spec table must keep; a violation is a bug in
// the suite, reported by the suite's own tests and by Run before anything runs.
func validateSpecs(specs []Spec) error {
	seen := map[string]bool{}
	profiles := setOf(Profiles())
	areas := setOf(Areas())
	var problems []string
	for _, s := range specs {
		switch {
		case !idPattern.MatchString(s.ID):
			problems = append(problems, fmt.Sprintf("%q: ID must look like AREA-123", s.ID))
		case seen[s.ID]:
			problems = append(problems, fmt.Sprintf("%s: duplicate ID", s.ID))
		case !profiles[s.Profile]:
			problems = append(problems, fmt.Sprintf("%s: unknown profile %q", s.ID, s.Profile))
		case !areas[s.Area]:
			problems = append(problems, fmt.Sprintf("%s: unknown area %q", s.ID, s.Area))
		case s.Title == "" || s.Requirement.Requirement == "" || s.Source == "":
			problems = append(problems, fmt.Sprintf("%s: title, requirement and source are required", s.ID))
		case s.Run == nil:
			problems = append(problems, fmt.Sprintf("%s: no body", s.ID))
		}
		seen[s.ID] = true
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid spec table:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func setOf(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}
