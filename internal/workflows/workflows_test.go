package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const root = "../.."

type workflow struct {
	On   map[string]yaml.Node `yaml:"on"`
	Jobs map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func load(t *testing.T, name string) (workflow, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w, string(data)
}

func steps(w workflow) []step {
	var all []step
	for _, j := range w.Jobs {
		all = append(all, j.Steps...)
	}
	return all
}

func TestCIRunsScriptsTest(t *testing.T) {
	w, _ := load(t, "ci.yml")
	for _, event := range []string{"push", "pull_request"} {
		if _, ok := w.On[event]; !ok {
			t.Errorf("ci.yml does not run on %s", event)
		}
	}
	var runsTests, goFromMod, node20, uploadsDiff bool
	for _, s := range steps(w) {
		switch {
		case strings.TrimSpace(s.Run) == "scripts/test":
			runsTests = true
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			goFromMod = s.With["go-version-file"] == "go.mod"
		case strings.HasPrefix(s.Uses, "actions/setup-node@"):
			node20 = s.With["node-version"] == "20"
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			uploadsDiff = s.With["name"] == "committed-report-diff"
		}
	}
	if !runsTests || !goFromMod || !node20 || !uploadsDiff {
		t.Errorf("ci.yml: runs scripts/test %v, Go from go.mod %v, Node 20 %v, uploads the committed-report diff %v; want all",
			runsTests, goFromMod, node20, uploadsDiff)
	}
	// The README's Go is go.mod's.
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goLine == nil || !strings.Contains(string(readme), "Go "+string(goLine[1])) {
		t.Errorf("README.md does not name go.mod's Go (%s)", goLine)
	}
}

func TestShardedWorkflowShardsAndMerges(t *testing.T) {
	w, text := load(t, "conform-sharded.yml")
	call, ok := w.On["workflow_call"]
	if !ok {
		t.Fatal("conform-sharded.yml is not a reusable workflow (on: workflow_call)")
	}
	var spec struct {
		Inputs map[string]struct {
			Required bool `yaml:"required"`
		} `yaml:"inputs"`
	}
	if err := call.Decode(&spec); err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{`--shard "$SHARD"`, "report merge --out", "fromJSON(needs.build.outputs.shards)"} {
		if !strings.Contains(text, must) {
			t.Errorf("conform-sharded.yml does not contain %q", must)
		}
	}

	// The README's example calls the workflow with inputs it has, and every required one.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(jobs:\n  conformance:\n    uses: conform-suite/conform/.github/workflows/conform-sharded.yml@.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no example calling conform-sharded.yml")
	}
	var example struct {
		Jobs map[string]struct {
			With map[string]yaml.Node `yaml:"with"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(block[1], &example); err != nil {
		t.Fatalf("README.md's example: %v", err)
	}
	with := example.Jobs["conformance"].With
	for name := range with {
		if _, ok := spec.Inputs[name]; !ok {
			t.Errorf("README.md's example passes %q, which conform-sharded.yml does not take", name)
		}
	}
	for name, in := range spec.Inputs {
		if _, ok := with[name]; in.Required && !ok {
			t.Errorf("README.md's example does not pass the required input %q", name)
		}
	}
	if !strings.Contains(text, "uses: conform-suite/conform/.github/workflows/conform-sharded.yml@") {
		t.Error("conform-sharded.yml's header does not show how to call it")
	}
}
