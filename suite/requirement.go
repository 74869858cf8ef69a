package suite

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/conform-suite/conform/suite/dsl"
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
	AreaHTTPS        = "https"
	AreaEgress       = "egress"
)

// Areas lists every area in report order.
func Areas() []string {
	return []string{AreaAvailability, AreaConfig, AreaAllowlist, AreaFetch, AreaHeaders,
		AreaRequest, AreaResponse, AreaAbort, AreaNotify, AreaTeardown, AreaIsolation, AreaHTTPS, AreaEgress}
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
	Since       string // the catalogue version that introduced the ID, e.g. "0.1.0"
	// Globals are every global the spec's vats may be given: an implementation that does not
	// offer one of them cannot run the spec (it is not applicable there). Never empty.
	Globals []string
	// Features are protocol features the spec needs (harness.FeatureTeardownVat): an
	// implementation whose initialize does not list one cannot run the spec.
	Features []string
	// File is the catalogue file that declares the spec, e.g. "allow_tricks.go".
	File string
}

// Labels are the Ginkgo labels of the spec: its profile, its area and its ID.
func (r Requirement) Labels() []string {
	return []string{r.Profile, r.Area, r.ID}
}

// Spec is a requirement and the body that checks it. Specs are declared as rows of a
// catalogue file (see Defaults and Row), never one by one.
type Spec struct {
	Requirement
	// Timeout bounds the whole spec; zero means DefaultSpecTimeout.
	Timeout time.Duration
	// Tampers marks specs whose program tries to change the endowment. They run after all
	// others, so that an implementation that lets them (and shares the damage between vats)
	// does not spoil the results of unrelated specs.
	Tampers bool
	// Serial marks specs that must run alone, never beside other specs (conform run -p):
	// they state a time bound that load from other specs could break.
	Serial bool
	// Run checks the requirement; it fails the spec through Gomega assertions.
	Run func(t *dsl.T)
}

// DefaultSpecTimeout bounds a spec that states no Timeout of its own.
const DefaultSpecTimeout = 30 * time.Second

// Versions lists the catalogue versions, oldest first; Since names one of them.
func Versions() []string { return []string{"0.1.0", "0.2.0", "0.3.0"} }

// Version is the catalogue's current version: the newest Since any spec may carry.
func Version() string {
	v := Versions()
	return v[len(v)-1]
}

var idPattern = regexp.MustCompile(`^([A-Z]+)-[0-9]{3}$`)

// areaPrefixes is the ID prefix every spec of an area carries.
func areaPrefixes() map[string]string {
	return map[string]string{
		AreaAvailability: "AVAIL", AreaConfig: "CONF", AreaAllowlist: "ALLOW", AreaFetch: "FETCH",
		AreaHeaders: "HDR", AreaRequest: "REQ", AreaResponse: "RES", AreaAbort: "ABORT",
		AreaNotify: "NOTIFY", AreaTeardown: "TEAR", AreaIsolation: "ISO",
		AreaHTTPS:  "TLS",
		AreaEgress: "EGRESS",
	}
}

// Requirements returns every spec's requirement, sorted by ID.
func Requirements() []Requirement {
	specs := All()
	reqs := make([]Requirement, len(specs))
	for i, s := range specs {
		reqs[i] = s.Requirement
	}
	return reqs
}

// All returns every spec of the catalogue, sorted by ID. It is rebuilt on each call so that
// no spec table is shared mutable state.
func All() []Spec {
	var specs []Spec
	for _, area := range specTables() {
		specs = append(specs, area()...)
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].ID < specs[j].ID })
	return specs
}

// Validate checks the invariants every spec keeps; a violation is a bug in the catalogue,
// reported by the catalogue's own tests and by the runner before anything runs.
func Validate(specs []Spec) error {
	seen := map[string]bool{}
	profiles := setOf(Profiles())
	areas := setOf(Areas())
	versions := setOf(Versions())
	prefixes := areaPrefixes()
	var problems []string
	for _, s := range specs {
		m := idPattern.FindStringSubmatch(s.ID)
		switch {
		case m == nil:
			problems = append(problems, fmt.Sprintf("%q: ID must look like AREA-123", s.ID))
		case seen[s.ID]:
			problems = append(problems, fmt.Sprintf("%s: duplicate ID", s.ID))
		case !areas[s.Area]:
			problems = append(problems, fmt.Sprintf("%s: unknown area %q", s.ID, s.Area))
		case m[1] != prefixes[s.Area]:
			problems = append(problems, fmt.Sprintf("%s: IDs of area %s begin with %s-", s.ID, s.Area, prefixes[s.Area]))
		case !profiles[s.Profile]:
			problems = append(problems, fmt.Sprintf("%s: unknown profile %q", s.ID, s.Profile))
		case !versions[s.Since]:
			problems = append(problems, fmt.Sprintf("%s: Since %q is not a catalogue version (%s)", s.ID, s.Since, strings.Join(Versions(), ", ")))
		case s.Title == "" || s.Requirement.Requirement == "" || s.Rationale == "" || s.Source == "":
			problems = append(problems, fmt.Sprintf("%s: title, requirement, rationale and source are required", s.ID))
		case strings.HasSuffix(s.Title, "."):
			problems = append(problems, fmt.Sprintf("%s: a title is a phrase, without a final full stop", s.ID))
		case !strings.Contains(s.Requirement.Requirement, "must") && !strings.Contains(s.Requirement.Requirement, "may"):
			problems = append(problems, fmt.Sprintf("%s: the requirement is one sentence saying what an implementation must (or may only) do", s.ID))
		case s.Fixture != "" && !fixturePattern.MatchString(s.Fixture):
			problems = append(problems, fmt.Sprintf("%s: fixture %q must be \"area/name\"", s.ID, s.Fixture))
		case s.Run == nil:
			problems = append(problems, fmt.Sprintf("%s: no body", s.ID))
		case len(s.Globals) == 0:
			problems = append(problems, fmt.Sprintf("%s: no globals declared", s.ID))
		case unknownGlobal(s.Globals) != "":
			problems = append(problems, fmt.Sprintf("%s: global %q is none of the web globals the catalogue knows (dsl.WebGlobals)", s.ID, unknownGlobal(s.Globals)))
		case !fileOfPrefix(s.File, m[1]):
			problems = append(problems, fmt.Sprintf("%s: declared in %s; specs %s-… live in %s.go or %s_*.go", s.ID, s.File, m[1], strings.ToLower(m[1]), strings.ToLower(m[1])))
		}
		seen[s.ID] = true
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid spec table:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// fileOfPrefix reports whether a catalogue file's name leads to the specs of an ID prefix:
// ALLOW- specs live in allow.go or allow_<topic>.go.
func fileOfPrefix(file, prefix string) bool {
	base := strings.TrimSuffix(file, ".go")
	p := strings.ToLower(prefix)
	return base == p || strings.HasPrefix(base, p+"_")
}

func unknownGlobal(globals []string) string {
	known := setOf(dsl.WebGlobals())
	for _, g := range globals {
		if !known[g] {
			return g
		}
	}
	return ""
}

var fixturePattern = regexp.MustCompile(`^[a-z]+/[a-z0-9-]+$`)

func setOf(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}
