package adapters_test

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	kit "github.com/conform-suite/conform/adapters/lib"
	"github.com/conform-suite/conform/internal/kitpack"
)

// libDir is the adapter kit, the npm package @conform-suite/adapter-kit.
var libDir = filepath.Join(repoRoot, "adapters", "lib")

// requireKitTools fails the test when the kit's dev dependencies (TypeScript, Node's types)
// are not installed: scripts/test installs them with `npm ci` in adapters/lib.
func requireKitTools(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatalf("npm is not on PATH: the adapter kit's tests need Node 20 and npm")
	}
	tsc, err := filepath.Abs(filepath.Join(libDir, "node_modules", "typescript", "bin", "tsc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("adapters/lib has no TypeScript: run `npm ci` in adapters/lib (scripts/test does)")
	}
	return tsc
}

// TestKitOwnTests runs the kit's node:test suite (`npm test` in adapters/lib: the protocol
// as a harness sees it, value formatting, the declarations against the exports) and checks
// its declarations with TypeScript (`npm run typecheck`).
func TestKitOwnTests(t *testing.T) {
	requireKitTools(t)
	for _, script := range []string{"test", "typecheck"} {
		if out, err := kitpack.NPM(t.Context(), libDir, "run", script); err != nil {
			t.Errorf("npm run %s in adapters/lib failed: %v", script, err)
		} else {
			t.Logf("npm run %s:\n%s", script, tail(out, 2000))
		}
	}
}

// TestKitPackInstallsIntoAFreshProject packs the kit as it would be published, installs the
// tarball into an empty project with nothing else, and checks an adapter written there
// against it: it must type-check against the kit's declarations and pass
// `conform adapter check`.
func TestKitPackInstallsIntoAFreshProject(t *testing.T) {
	tsc := requireKitTools(t)
	ctx := t.Context()
	tmp := t.TempDir()
	packed, err := kitpack.Pack(ctx, libDir, filepath.Join(tmp, "pack"))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := kit.ReadManifest()
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(append(slices.Clone(manifest.Files), "package.json")))
	got := slices.Sorted(slices.Values(packed.Files))
	if !slices.Equal(got, want) {
		t.Errorf("npm pack of the kit holds %q, want exactly %q (package.json's files)", got, want)
	}
	if packed.Name != "@conform-suite/adapter-kit" {
		t.Errorf("the kit is packed as %q, want @conform-suite/adapter-kit", packed.Name)
	}

	project := filepath.Join(tmp, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(project, "package.json"), `{"name": "kit-user", "private": true, "type": "module"}`+"\n")
	for _, name := range []string{"adapter.mjs", "jsconfig.json"} {
		src, err := os.ReadFile(filepath.Join("testdata", "minimal", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(project, name), string(src))
	}
	// The kit has no dependencies, so the tarball installs without the registry.
	if _, err := kitpack.NPM(ctx, project, "install", "--offline", packed.Tarball); err != nil {
		t.Fatal(err)
	}
	installed, err := os.ReadFile(filepath.Join(project, "node_modules", "@conform-suite", "adapter-kit", "package.json"))
	if err != nil || !strings.Contains(string(installed), `"version": "`+packed.Version+`"`) {
		t.Fatalf("the tarball did not install as node_modules/@conform-suite/adapter-kit %s: %v", packed.Version, err)
	}

	// Node's types come from the kit's own dev dependencies; the kit's come from the
	// installed tarball.
	typeRoots, err := filepath.Abs(filepath.Join(libDir, "node_modules", "@types"))
	if err != nil {
		t.Fatal(err)
	}
	check := exec.CommandContext(ctx, "node", tsc, "-p", "jsconfig.json", "--typeRoots", typeRoots)
	check.Dir = project
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("the adapter does not type-check against the installed kit's declarations: %v\n%s", err, out)
	}

	code, out := conform(t, "adapter", "check", "--adapter", "node "+filepath.Join(project, "adapter.mjs"))
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Fatalf("conform adapter check of an adapter on the packed kit: exit %d\n%s", code, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAdaptersUseTheKitByPackageName keeps the project's adapters on the kit as a user's
// adapter is: a "file:../lib" dependency recorded in the lockfile with the kit's current
// version, and imports by package name, never a relative path into adapters/lib.
func TestAdaptersUseTheKitByPackageName(t *testing.T) {
	var kit struct {
		Version         string            `json:"version"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	readJSON(t, filepath.Join(libDir, "package.json"), &kit)
	for _, name := range []string{"snaps-node", "node-plain", "deno", "chromium"} {
		var pkg struct {
			Dependencies map[string]string `json:"dependencies"`
		}
		readJSON(t, filepath.Join(name, "package.json"), &pkg)
		if got := pkg.Dependencies["@conform-suite/adapter-kit"]; got != "file:../lib" {
			t.Errorf("adapters/%s/package.json: @conform-suite/adapter-kit is %q, want \"file:../lib\"", name, got)
		}
		var lock struct {
			Packages map[string]struct {
				Version         string            `json:"version"`
				DevDependencies map[string]string `json:"devDependencies"`
			} `json:"packages"`
		}
		readJSON(t, filepath.Join(name, "package-lock.json"), &lock)
		if entry, ok := lock.Packages["../lib"]; !ok || entry.Version != kit.Version || !maps.Equal(entry.DevDependencies, kit.DevDependencies) {
			t.Errorf("adapters/%s/package-lock.json records the kit as %+v, not version %s with dev dependencies %v: run `npm install` in adapters/%s",
				name, entry, kit.Version, kit.DevDependencies, name)
		}
		sources, err := filepath.Glob(filepath.Join(name, "*.[mc]js"))
		if err != nil {
			t.Fatal(err)
		}
		more, _ := filepath.Glob(filepath.Join(name, "*.js"))
		for _, src := range append(sources, more...) {
			text, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(text), "\n") {
				if strings.Contains(line, "../lib/") && !strings.HasPrefix(strings.TrimSpace(line), "//") {
					t.Errorf("%s:%d reaches into adapters/lib by path (%s): import @conform-suite/adapter-kit by name", src, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
