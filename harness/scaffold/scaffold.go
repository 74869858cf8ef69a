package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	kit "github.com/conform-suite/conform/adapters/lib"
)

//go:embed templates
var templates embed.FS

// Runtime families, each a directory of templates/.
const (
	RuntimeNode    = "node"
	RuntimeSES     = "ses"
	RuntimeDeno    = "deno"
	RuntimeBrowser = "browser"
)

// Runtimes lists the runtime families init can write, in the order help shows them.
func Runtimes() []string {
	return []string{RuntimeNode, RuntimeSES, RuntimeDeno, RuntimeBrowser}
}

// Dependencies are the npm packages a starter pins besides the kit, by name: the versions
// the project's own adapters run with (a test keeps them equal), so that a starter installs
// what is known to work with the suite.
func Dependencies() map[string]string {
	return map[string]string{
		"undici":                "6.24.1",
		"ses":                   "1.15.0",
		"@deno/linux-x64-glibc": "2.9.6",
		"puppeteer-core":        "24.43.1",
	}
}

// Options say what to write and where.
type Options struct {
	// Dir is the directory to write; it must not exist or be empty.
	Dir string
	// Runtime is one of Runtimes().
	Runtime string
	// Name is the adapter's name (package.json, initialize's name); by default Dir's base
	// name, made a valid npm package name.
	Name string
	// Kit is the npm dependency spec of the adapter kit written into package.json (a
	// tarball path as "file:…", a URL, a version). Empty: the kit embedded in this conform
	// is written into Dir as its npm tarball, and package.json depends on that file.
	Kit string
	// ConformVersion is the version of the conform writing the adapter, for its README.
	ConformVersion string
}

// Result says what was written.
type Result struct {
	Dir   string
	Name  string
	Files []string // relative to Dir, sorted
	// Kit is the dependency spec package.json names for the kit.
	Kit string
}

var npmName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Init writes a starter adapter for opts.Runtime into opts.Dir.
func Init(opts Options) (Result, error) {
	if !slices.Contains(Runtimes(), opts.Runtime) {
		return Result{}, fmt.Errorf("unknown runtime family %q: use one of %s", opts.Runtime, strings.Join(Runtimes(), ", "))
	}
	if strings.TrimSpace(opts.Dir) == "" {
		return Result{}, errors.New("name the directory to write the adapter into")
	}
	if err := emptyOrMissing(opts.Dir); err != nil {
		return Result{}, err
	}
	name := opts.Name
	if name == "" {
		abs, err := filepath.Abs(opts.Dir)
		if err != nil {
			return Result{}, fmt.Errorf("adapter directory: %w", err)
		}
		name = packageName(filepath.Base(abs))
	}
	if !npmName.MatchString(name) || len(name) > 214 {
		return Result{}, fmt.Errorf("adapter name %q is not an npm package name (lowercase letters, digits, '.', '_' and '-')", name)
	}
	files := map[string][]byte{}
	kitSpec := opts.Kit
	if kitSpec == "" {
		tgz, m, err := kit.Tarball()
		if err != nil {
			return Result{}, err
		}
		files[m.TarballName()] = tgz
		kitSpec = "file:./" + m.TarballName()
	}
	words := []string{
		"@@NAME@@", name,
		"@@RUNTIME@@", opts.Runtime,
		"@@KIT@@", kitSpec,
		"@@CONFORM@@", opts.ConformVersion,
	}
	deps := Dependencies()
	for word, pkg := range map[string]string{"@@UNDICI@@": "undici", "@@SES@@": "ses", "@@DENO@@": "@deno/linux-x64-glibc", "@@PUPPETEER@@": "puppeteer-core"} {
		words = append(words, word, deps[pkg])
	}
	notes, err := templates.ReadFile("templates/" + opts.Runtime + "/NOTES.md")
	if err != nil {
		return Result{}, fmt.Errorf("templates: %w", err)
	}
	var fillIn []string
	runtimeFiles, err := fs.ReadDir(templates, "templates/"+opts.Runtime)
	if err != nil {
		return Result{}, fmt.Errorf("templates: %w", err)
	}
	for _, e := range runtimeFiles {
		if e.Name() == "NOTES.md" {
			continue
		}
		data, err := templates.ReadFile("templates/" + opts.Runtime + "/" + e.Name())
		if err != nil {
			return Result{}, fmt.Errorf("templates: %w", err)
		}
		files[e.Name()] = data
		if strings.Contains(string(data), "FILL IN") {
			fillIn = append(fillIn, "`"+e.Name()+"`")
		}
	}
	words = append(words, "@@RUNTIME_NOTES@@", strings.TrimSpace(string(notes)), "@@FILL_IN_FILES@@", strings.Join(fillIn, " and "))
	for src, dst := range map[string]string{"README.md": "README.md", "expectations.yaml": "expectations.yaml", "gitignore": ".gitignore"} {
		data, err := templates.ReadFile("templates/common/" + src)
		if err != nil {
			return Result{}, fmt.Errorf("templates: %w", err)
		}
		files[dst] = data
	}
	replace := strings.NewReplacer(words...)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("adapter directory: %w", err)
	}
	res := Result{Dir: opts.Dir, Name: name, Kit: kitSpec}
	for file, data := range files {
		if !strings.HasSuffix(file, ".tgz") {
			data = []byte(replace.Replace(string(data)))
		}
		if err := os.WriteFile(filepath.Join(opts.Dir, file), data, 0o644); err != nil {
			return Result{}, fmt.Errorf("write %s: %w", file, err)
		}
		res.Files = append(res.Files, file)
	}
	slices.Sort(res.Files)
	return res, nil
}

// WriteKit writes the embedded kit's npm tarball into dir and returns its path, for
// upgrading the kit of an adapter written earlier.
func WriteKit(dir string) (string, error) {
	tgz, m, err := kit.Tarball()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kit directory: %w", err)
	}
	path := filepath.Join(dir, m.TarballName())
	if err := os.WriteFile(path, tgz, 0o644); err != nil {
		return "", fmt.Errorf("write the kit: %w", err)
	}
	return path, nil
}

func emptyOrMissing(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("adapter directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: init writes a new adapter into a new or empty directory", dir)
	}
	return nil
}

// packageName makes a directory name an npm package name: lowercase, and every run of
// characters npm does not allow a single '-'.
func packageName(base string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' || r == '-'
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-._")
	if name == "" {
		return "conform-adapter"
	}
	return name
}
