package suite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// catalogueFiles parses the catalogue files of the package: those named after an area's ID
// prefix (allow_tricks.go, tear.go). The other files (requirement.go, rows.go, …) are the
// catalogue's machinery.
func catalogueFiles(t *testing.T) (map[string]*ast.File, map[string][]byte) {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	sources := map[string][]byte{}
	fset := token.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") || !isCatalogueFile(path) {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[path], sources[path] = f, src
	}
	if len(files) == 0 {
		t.Fatal("no catalogue files found")
	}
	return files, sources
}

func isCatalogueFile(path string) bool {
	for _, prefix := range areaPrefixes() {
		if fileOfPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// A catalogue file can be read, moved or deleted alone: it uses the DSL and the catalogue's
// machinery, never what another catalogue file defines.
func TestCatalogueFilesStandAlone(t *testing.T) {
	files, _ := catalogueFiles(t)
	definedIn := map[string]string{}
	for path, f := range files {
		for _, d := range f.Decls {
			for _, name := range topLevelNames(d) {
				definedIn[name] = path
			}
		}
	}
	for path, f := range files {
		used := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			// An identifier the parser resolved within the file (a local, a parameter) is the
			// file's own; only unresolved ones name package-level declarations.
			if id, ok := n.(*ast.Ident); ok && id.Obj == nil {
				if def, ok := definedIn[id.Name]; ok && def != path && !used[id.Name] {
					used[id.Name] = true
					t.Errorf("%s uses %s, defined in the catalogue file %s: move shared helpers into suite/dsl", path, id.Name, def)
				}
			}
			return true
		})
	}
}

func topLevelNames(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			names = append(names, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}

// One way to declare a spec: rows given to Defaults.Specs, as keyed literals. No catalogue
// file builds a Spec or Requirement itself, and no function makes a Row from positional
// arguments.
func TestOneDeclarationForm(t *testing.T) {
	files, _ := catalogueFiles(t)
	for path, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				id, ok := n.Type.(*ast.Ident)
				if !ok {
					return true
				}
				switch id.Name {
				case "Spec", "Requirement":
					t.Errorf("%s builds a %s literal: declare specs as Rows of the file's Defaults", path, id.Name)
				case "Row", "Defaults":
					for _, el := range n.Elts {
						if _, keyed := el.(*ast.KeyValueExpr); !keyed {
							t.Errorf("%s: a %s literal must be keyed", path, id.Name)
							break
						}
					}
				}
			case *ast.FuncDecl:
				if results := n.Type.Results; results != nil {
					for _, r := range results.List {
						if id, ok := r.Type.(*ast.Ident); ok && (id.Name == "Row" || id.Name == "Spec") {
							t.Errorf("%s: %s returns a single %s: a spec is a keyed row, not a constructor call", path, n.Name.Name, id.Name)
						}
					}
				}
			}
			return true
		})
	}
}

// A catalogue file spends at most 8 non-blank lines a spec on average: the file states its
// defaults once and each row gives only what differs.
func TestCatalogueIsRows(t *testing.T) {
	_, sources := catalogueFiles(t)
	lines := 0
	for _, src := range sources {
		for _, l := range strings.Split(string(src), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
	}
	specs := len(All())
	if avg := float64(lines) / float64(specs); avg > 8 {
		t.Errorf("the catalogue files have %d non-blank lines for %d specs (%.1f a spec); at most 8 a spec", lines, specs, avg)
	}
}

// An ID leads to its file: every spec's File is the catalogue file whose source names the ID.
func TestEverySpecNamesItsFile(t *testing.T) {
	_, sources := catalogueFiles(t)
	var names []string
	for name := range sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, r := range Requirements() {
		src, ok := sources[r.File]
		if !ok {
			t.Errorf("%s: its file %q is not a catalogue file (%s)", r.ID, r.File, strings.Join(names, ", "))
			continue
		}
		if !strings.Contains(string(src), `"`+r.ID+`"`) {
			t.Errorf("%s: %s does not name the ID", r.ID, r.File)
		}
	}
}
