package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Known is a known-divergences file: finding classes an implementation is known to show,
// each with why and what was seen, so that a triaged class does not fail a run. It has the
// shape and the rules of an expectations file (reports/expect.go): an ID, a reason, a link,
// evidence; here the ID is a finding class, and entries name their implementation, since one
// run compares several.
//
//	divergences:
//	  - id: allowlist/*                 # a class, or a class prefix ending in *
//	    implementation: node-plain      # the name the implementation's initialize answers
//	    code: 'priority: "bogus"'       # optional: only findings whose step code contains this
//	    reason: no allowlist: Node's fetch is handed to the vat as it is
//	    link: https://…                 # optional
//	    evidence: what a finding of this class showed (conform fuzz writes it)
//
// Code scopes an entry to one cause when a class has several (a fetch that fails in one
// engine for an init member it does not know, in another for a URL it refuses): a finding of
// the class is covered only if the code of its step (the allowlist, for "diff/config")
// contains the text.
type Known struct {
	Divergences []Divergence `yaml:"divergences"`
}

// Divergence is one entry of a Known file.
type Divergence struct {
	ID             string `yaml:"id" json:"id"`
	Implementation string `yaml:"implementation" json:"implementation"`
	Code           string `yaml:"code,omitempty" json:"code,omitempty"`
	Reason         string `yaml:"reason" json:"reason"`
	Link           string `yaml:"link,omitempty" json:"link,omitempty"`
	Evidence       string `yaml:"evidence" json:"evidence"`
}

// classPrefixes are the first segments of every class a run can produce.
var classPrefixes = []string{"allowlist", "notify", "teardown", "terminate", "crash", "hang", "diff"}

// LoadKnown reads and validates a known-divergences file: every entry needs a class ID (or
// a prefix of one ending in *), an implementation, a reason and evidence, and no entry may
// appear twice.
func LoadKnown(path string) (*Known, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read known-divergences file: %w", err)
	}
	var k Known
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse known-divergences file %s: %w (format: divergences: [{id, implementation, reason, link, evidence}])", path, err)
	}
	seen := map[string]bool{}
	var problems []string
	for i, d := range k.Divergences {
		key := d.Implementation + " " + d.ID + " " + d.Code
		switch {
		case d.ID == "":
			problems = append(problems, fmt.Sprintf("entry %d has no id", i+1))
		case !validClass(d.ID):
			problems = append(problems, fmt.Sprintf("%s is not a finding class: a class starts with one of %s (conform fuzz prints the class of each finding)", d.ID, strings.Join(classPrefixes, "/, ")+"/"))
		case d.Implementation == "":
			problems = append(problems, fmt.Sprintf("%s has no implementation: name the one whose divergence it is", d.ID))
		case seen[key]:
			problems = append(problems, fmt.Sprintf("%s is listed twice for %s", d.ID, d.Implementation))
		case strings.TrimSpace(d.Reason) == "":
			problems = append(problems, fmt.Sprintf("%s (%s) has no reason: say why the implementation differs", d.ID, d.Implementation))
		case strings.TrimSpace(d.Evidence) == "":
			problems = append(problems, fmt.Sprintf("%s (%s) has no evidence: paste what the finding showed", d.ID, d.Implementation))
		}
		seen[key] = true
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("known-divergences file %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return &k, nil
}

func validClass(id string) bool {
	head, _, _ := strings.Cut(strings.TrimSuffix(id, "*"), "/")
	for _, p := range classPrefixes {
		if head == p {
			return true
		}
	}
	return false
}

// Match returns the entry that covers f, if any: an entry for one of the implementations f
// concerns whose ID is f's class, or a prefix of it ending in *.
func (k *Known) Match(f Finding) (Divergence, bool) {
	if k == nil {
		return Divergence{}, false
	}
	for _, d := range k.Divergences {
		if !matchesImpl(d.Implementation, f.Impls) || !strings.Contains(f.Code, d.Code) {
			continue
		}
		if d.ID == f.Class || (strings.HasSuffix(d.ID, "*") && strings.HasPrefix(f.Class, strings.TrimSuffix(d.ID, "*"))) {
			return d, true
		}
	}
	return Divergence{}, false
}

// matchesImpl reports whether an entry for name covers one of impls. A broken variant of an
// implementation (conform-reference-mutant-NAME, from --mutant) inherits its entries: what
// the variant shares with the original is not what it was broken in.
func matchesImpl(name string, impls []string) bool {
	for _, i := range impls {
		if i == name || strings.HasPrefix(i, name+"-mutant-") {
			return true
		}
	}
	return false
}
