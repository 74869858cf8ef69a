package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// ReadMatrixInputs reads each report directory: its report.json, its throughput figures
// (bench[dir], or bench.json beside the report when it exists) and its expectations file
// (expect[dir], optional, checked against the spec IDs known). Links to each report.html are
// made relative to page.
func ReadMatrixInputs(dirs []string, page string, expect, bench map[string]string, known []string) ([]MatrixInput, error) {
	var inputs []MatrixInput
	for _, dir := range dirs {
		dir = filepath.Clean(dir)
		run, err := ReadJSON(filepath.Join(dir, JSONFile))
		if err != nil {
			return nil, err
		}
		in := MatrixInput{Run: run}
		benchFile, explicit := bench[dir]
		if !explicit {
			benchFile = filepath.Join(dir, ThroughputFile)
		}
		t, err := ReadThroughput(benchFile)
		switch {
		case err == nil:
			if t.Implementation.Name != run.Implementation.Name {
				return nil, fmt.Errorf("%s measures %s, but the report in %s is of %s", benchFile, t.Implementation.Name, dir, run.Implementation.Name)
			}
			in.Throughput = t
		case explicit || !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
		if file, ok := expect[dir]; ok {
			ids := append([]string(nil), known...)
			for _, s := range run.Specs { // a report of another catalogue version may know other IDs
				ids = append(ids, s.ID)
			}
			exp, err := LoadExpectations(file, ids)
			if err != nil {
				return nil, err
			}
			in.Description, in.Summary = exp.Description, exp.Summary
		}
		if link, ok := relativeLink(page, filepath.Join(dir, HTMLFile)); ok {
			in.ReportLink = link
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

// relativeLink is the href of target from a page at page, when target exists.
func relativeLink(page, target string) (string, bool) {
	if _, err := os.Stat(target); err != nil {
		return "", false
	}
	from, err1 := filepath.Abs(filepath.Dir(page))
	to, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(from, to)
	if err != nil {
		return "", false
	}
	return (&url.URL{Path: filepath.ToSlash(rel)}).String(), true
}
