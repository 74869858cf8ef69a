package scaffold

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

// Every runtime's starter is complete as written: its files, no placeholder left, a
// package.json that pins the kit it was told to, and an expectations file conform reads.
func TestInitWritesEveryRuntime(t *testing.T) {
	var ids []string
	for _, r := range suite.Requirements() {
		ids = append(ids, r.ID)
	}
	for _, runtime := range Runtimes() {
		t.Run(runtime, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "My Kernel")
			res, err := Init(Options{Dir: dir, Runtime: runtime, ConformVersion: "9.9.9"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Name != "my-kernel" {
				t.Errorf("name from the directory %q: %q, want my-kernel", filepath.Base(dir), res.Name)
			}
			want := []string{".gitignore", "README.md", "adapter.mjs", "expectations.yaml", "package.json"}
			for _, f := range want {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s was not written: %v", f, err)
				}
			}
			for _, f := range res.Files {
				if strings.HasSuffix(f, ".tgz") {
					if res.Kit != "file:./"+f {
						t.Errorf("the kit is written as %s but package.json depends on %s", f, res.Kit)
					}
					continue
				}
				data, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if i := strings.Index(string(data), "@@"); i >= 0 {
					t.Errorf("%s keeps a placeholder: %.40s", f, data[i:])
				}
			}
			var pkg struct {
				Name         string            `json:"name"`
				Dependencies map[string]string `json:"dependencies"`
			}
			data, err := os.ReadFile(filepath.Join(dir, "package.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &pkg); err != nil {
				t.Fatalf("package.json is not JSON: %v\n%s", err, data)
			}
			if pkg.Name != "my-kernel" || pkg.Dependencies["@conform-suite/adapter-kit"] != res.Kit {
				t.Errorf("package.json names %q and depends on the kit as %q, want my-kernel and %q", pkg.Name, pkg.Dependencies["@conform-suite/adapter-kit"], res.Kit)
			}
			exp, err := reports.LoadExpectations(filepath.Join(dir, "expectations.yaml"), ids)
			if err != nil {
				t.Fatalf("expectations.yaml: %v", err)
			}
			if exp.Implementation != "my-kernel" || len(exp.Expectations) != 0 {
				t.Errorf("expectations.yaml: %+v, want implementation my-kernel and no entries", exp)
			}
			readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
			if !strings.Contains(string(readme), "FILL IN") || !strings.Contains(string(readme), "conform 9.9.9") {
				t.Errorf("README.md does not say what to fill in and which conform wrote it:\n%s", readme)
			}
		})
	}
}

func TestInitRefuses(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts Options
		want string
	}{
		{"a non-empty directory", Options{Dir: full, Runtime: RuntimeNode}, "is not empty"},
		{"an unknown runtime", Options{Dir: filepath.Join(t.TempDir(), "a"), Runtime: "bun"}, `unknown runtime family "bun": use one of node, ses, deno, browser`},
		{"a name npm refuses", Options{Dir: filepath.Join(t.TempDir(), "a"), Runtime: RuntimeNode, Name: "My Adapter"}, "not an npm package name"},
		{"no directory", Options{Runtime: RuntimeNode}, "name the directory"},
	} {
		if _, err := Init(c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}
}

// --kit names the dependency; nothing is written for the kit then.
func TestInitWithAKitSpec(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a")
	res, err := Init(Options{Dir: dir, Runtime: RuntimeSES, Kit: "file:../kit.tgz", Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if strings.HasSuffix(f, ".tgz") {
			t.Errorf("with --kit, init still wrote %s", f)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "package.json"))
	if !strings.Contains(string(data), `"@conform-suite/adapter-kit": "file:../kit.tgz"`) {
		t.Errorf("package.json does not depend on the given kit:\n%s", data)
	}
}

// The starters pin what the project's adapters run with, so that a starter installs what is
// known to work with the suite (and what scripts/test already put in npm's cache).
func TestDependenciesAreTheProjectAdapters(t *testing.T) {
	pinned := map[string]string{}
	for _, adapter := range []string{"snaps-node", "node-plain", "deno", "chromium"} {
		var pkg struct {
			Dependencies map[string]string `json:"dependencies"`
		}
		data, err := os.ReadFile(filepath.Join("..", "..", "adapters", adapter, "package.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &pkg); err != nil {
			t.Fatal(err)
		}
		for name, version := range pkg.Dependencies {
			pinned[name] = version
		}
	}
	for name, version := range Dependencies() {
		if pinned[name] != version {
			t.Errorf("starters pin %s %s, the project's adapters %q: pin the same version", name, version, pinned[name])
		}
	}
}

func TestPackageName(t *testing.T) {
	for in, want := range map[string]string{"My Kernel": "my-kernel", "kernel.adapter": "kernel.adapter", "--": "conform-adapter", "Ünïcode": "n-code"} {
		if got := packageName(in); got != want {
			t.Errorf("packageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteKit(t *testing.T) {
	dir := t.TempDir()
	path, err := WriteKit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(path), "conform-suite-adapter-kit-") || !strings.HasSuffix(path, ".tgz") {
		t.Errorf("kit written as %s", path)
	}
	if _, err := exec.LookPath("tar"); err == nil {
		out, err := exec.Command("tar", "-tzf", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "package/protocol.mjs") {
			t.Errorf("tar cannot list the kit's tarball: %v\n%s", err, out)
		}
	}
}
