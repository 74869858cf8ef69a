package fuzz

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// What a run writes to its output directory:
//
//	findings/<class>@<implementations>.js    the minimal program, plain JavaScript
//	findings/<class>@<implementations>.json  seed, allowlist, each implementation's trace, the finding
//	corpus.json                              seeds of programs that showed something new
//	summary.json                             the run: seed, programs, rate, findings, known classes

// Report is a confirmed, shrunk finding, as written to the output directory.
type Report struct {
	Finding
	// RunSeed and Order locate the program that first showed it: program Order of a run
	// with seed RunSeed (the corpus counted first); Seen is how many programs showed it.
	RunSeed uint64 `json:"runSeed"`
	Order   int    `json:"order"`
	Seen    int    `json:"seen"`
	// GrammarVersion and Env are what the seed's program was generated with.
	GrammarVersion int `json:"grammarVersion"`
	Env            Env `json:"env"`
	// Program is the minimal program (its Seed is the original program's seed).
	Program            Program `json:"program"`
	OriginalStatements int     `json:"originalStatements"`
	ShrinkRuns         int     `json:"shrinkRuns"`
	// Reproduced says how often it came back; Fresh, whether it did in instances that had
	// run nothing before (false: it depends on what the implementation ran earlier).
	Reproduced string      `json:"reproduced"`
	Fresh      bool        `json:"freshInstances"`
	Runs       []RunReport `json:"runs"`
}

// RunReport is one implementation's run of the minimal program, with its trace.
type RunReport struct {
	*Run
	Trace Trace `json:"trace"`
}

// slug is a finding's file name without extension.
func (r *Report) slug() string {
	s := strings.NewReplacer("/", "_", ":", "-", "+", "_", " ", "_", "*", "").Replace(r.ID())
	return s
}

func (r *Report) written(out string) string {
	if out == "" {
		return ""
	}
	return "; written to " + filepath.Join(out, "findings", r.slug()+".{js,json}")
}

// header is the comment at the top of a finding's program.
func (r *Report) header() string {
	lines := []string{
		fmt.Sprintf("conform fuzz finding %s", r.Class),
		fmt.Sprintf("implementations: %s", strings.Join(r.Impls, ", ")),
	}
	if len(r.Majority) > 0 {
		lines = append(lines, "the majority: "+strings.Join(r.Majority, ", "))
	}
	lines = append(lines, strings.Split(r.Detail, "\n")...)
	lines = append(lines,
		fmt.Sprintf("program seed %d (grammar %d), program %d of run seed %d; shrunk from %d statements", r.Program.Seed, r.GrammarVersion, r.Order, r.RunSeed, r.OriginalStatements),
		"replay: conform fuzz --replay <this file's .json> with the same implementations")
	return strings.Join(lines, "\n")
}

func writeFinding(out string, r *Report) error {
	dir := filepath.Join(out, "findings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write finding: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, r.slug()+".js"), []byte(r.Program.Render(r.header())), 0o644); err != nil {
		return fmt.Errorf("write finding: %w", err)
	}
	return writeJSON(filepath.Join(dir, r.slug()+".json"), r)
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeSummary(out string, res *Result) error {
	return writeJSON(filepath.Join(out, "summary.json"), res)
}

// LoadReport reads a finding's JSON file.
func LoadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read finding: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("parse finding %s: %w", path, err)
	}
	if len(r.Program.Steps) == 0 {
		return nil, fmt.Errorf("finding %s has no program", path)
	}
	return &r, nil
}

// corpus is the seeds of programs that showed behaviour no earlier program of the corpus
// showed (an outcome of an operation, a finding class): a later run replays them first.
type corpus struct {
	Grammar  int      `json:"grammarVersion"`
	Env      Env      `json:"env"`
	Seeds    []uint64 `json:"seeds"`
	replay   []uint64
	features map[string]bool
}

func loadCorpus(out string, env Env) *corpus {
	c := &corpus{Grammar: GrammarVersion, Env: env, features: map[string]bool{}}
	if out == "" {
		return c
	}
	data, err := os.ReadFile(filepath.Join(out, "corpus.json"))
	if err != nil {
		return c
	}
	var old corpus
	if json.Unmarshal(data, &old) != nil || old.Grammar != GrammarVersion || !sameEnv(old.Env, env) {
		return c // another grammar or other implementations: its seeds mean other programs
	}
	c.replay = old.Seeds
	return c
}

func sameEnv(a, b Env) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// add keeps seed if its features include one not seen yet.
func (c *corpus) add(seed uint64, feats []string) bool {
	fresh := false
	for _, f := range feats {
		if !c.features[f] {
			c.features[f] = true
			fresh = true
		}
	}
	if fresh {
		c.Seeds = append(c.Seeds, seed)
	}
	return fresh
}

func writeCorpus(out string, env Env, c *corpus) error {
	seen := map[uint64]bool{}
	var seeds []uint64
	for _, s := range append(c.Seeds, c.replay...) {
		if !seen[s] {
			seen[s] = true
			seeds = append(seeds, s)
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	return writeJSON(filepath.Join(out, "corpus.json"), corpus{Grammar: GrammarVersion, Env: env, Seeds: seeds})
}

// features are what a program exercised: each step's operation with the kind of its
// outcome in each implementation, and each finding's class.
func features(p Program, runs []*Run, findings []Finding) []string {
	var out []string
	for _, r := range runs {
		for i, s := range r.Steps {
			if i >= len(p.Steps) {
				break
			}
			kind := s.Status
			switch {
			case s.Error != "":
				kind = "error " + s.Error
			case kind == "":
				kind = "value"
				var v map[string]any
				if json.Unmarshal(s.Value, &v) == nil && len(v) > 0 {
					keys := make([]string, 0, len(v))
					for k := range v {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					kind = "value " + keys[0]
				}
			}
			out = append(out, p.Steps[i].Op+" → "+kind)
		}
	}
	for _, f := range findings {
		out = append(out, "finding "+f.Class)
	}
	return out
}
