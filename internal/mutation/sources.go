package main

import (
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dop251/goja"
)

// sourceFile is one source of the reference and every mutant found in it.
type sourceFile struct {
	Path    string // slash-separated, relative to the module root
	Src     []byte
	Mutants []Mutant
}

// discoverSources walks reference/ for the files mutants are made of: every Go file of the
// default build that is not a test and every JavaScript file, leaving out testdata
// directories. Go files whose build constraints keep them out of the default build are left
// out too: the suite's deliberately broken variants (reference/mutants, faults_on.go and the
// rest behind -tags conformfaults) are not part of the reference its users build, and the
// runner builds and tests without the tag, so a mutant of them would change nothing it runs.
// The walk, not a list, decides, so the tool follows the reference however its files are
// laid out.
func discoverSources(root string) ([]*sourceFile, error) {
	var files []*sourceFile
	err := filepath.WalkDir(filepath.Join(root, "reference"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		isGo := strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		if !isGo && !strings.HasSuffix(rel, ".js") {
			return nil
		}
		if isGo {
			inDefaultBuild, err := build.Default.MatchFile(filepath.Dir(p), d.Name())
			if err != nil {
				return err
			}
			if !inDefaultBuild {
				return nil
			}
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var edits []edit
		if isGo {
			edits, err = goEdits(rel, src)
		} else {
			edits, err = jsEdits(string(src))
		}
		if err != nil {
			return fmt.Errorf("find mutants of %s: %w", rel, err)
		}
		files = append(files, &sourceFile{Path: rel, Src: src, Mutants: mutantsOf(rel, src, edits)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk the reference's sources: %w", err)
	}
	slices.SortFunc(files, func(a, b *sourceFile) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// matchesAny reports whether the file matches one of the comma-separated globs, matched
// against its whole path or its base name: "*.js" or "reference/allowlist/*.go".
func matchesAny(file, globs string) (bool, error) {
	if globs == "" {
		return true, nil
	}
	for _, glob := range strings.Split(globs, ",") {
		glob = strings.TrimSpace(glob)
		for _, candidate := range []string{file, path.Base(file)} {
			ok, err := path.Match(glob, candidate)
			if err != nil {
				return false, fmt.Errorf("--files %q: %w", glob, err)
			}
			if ok {
				return true, nil
			}
		}
	}
	return false, nil
}

// jsParses reports whether a mutated JavaScript file is still a program. Every file is
// compiled as the body of a strict function, as the reference compiles them, so a mutant
// that is a syntax error is "did not build" instead of a crash at start-up counted as a kill.
func jsParses(src []byte) error {
	_, err := goja.Compile("mutant.js", "(function () {\n'use strict';\n"+string(src)+"\n})", true)
	return err
}
