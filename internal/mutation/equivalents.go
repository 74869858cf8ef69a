package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
)

// equivalentsFile is where mutants triaged as equivalent are listed, relative to the root.
const equivalentsFile = "reference/mutation-equivalents.txt"

// goAPITag marks an entry whose mutant changes only what a Go caller of the reference's
// library sees (its errors, its options), never what a vat or a protocol message can: it is
// equivalent for the suite, yet the reference's unit tests can tell it apart.
const goAPITag = "[go-api]"

// equivalent is one entry of the equivalents file.
type equivalent struct {
	Key    string
	Reason string
	Line   int
	// GoAPI is set for an entry tagged [go-api]: the mutant is still run, for the score with
	// the unit tests, and left out of the suite-alone score only.
	GoAPI bool
}

// parseEquivalents reads the equivalents file: one mutant a line, its key, then [go-api] for
// a mutant only the reference's Go callers could see, then the reason the suite cannot tell it
// from the original; blank lines and lines starting with # are ignored.
func parseEquivalents(data []byte) (map[string]equivalent, error) {
	entries := map[string]equivalent{}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		goAPI := strings.HasPrefix(reason, goAPITag)
		if goAPI {
			reason = strings.TrimSpace(strings.TrimPrefix(reason, goAPITag))
		}
		if strings.Count(key, ":") != 3 {
			return nil, fmt.Errorf("line %d: %q is not a mutant key (file:linehash:operator:ordinal)", n, key)
		}
		if reason == "" {
			return nil, fmt.Errorf("line %d: %s has no reason: say why no test can tell it from the original", n, key)
		}
		if previous, ok := entries[key]; ok {
			return nil, fmt.Errorf("line %d: %s is already listed on line %d", n, key, previous.Line)
		}
		entries[key] = equivalent{Key: key, Reason: reason, Line: n, GoAPI: goAPI}
	}
	return entries, scanner.Err()
}

func loadEquivalents(path string) (map[string]equivalent, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]equivalent{}, nil
	}
	if err != nil {
		return nil, err
	}
	entries, err := parseEquivalents(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// staleEquivalents lists the entries that match none of the mutants the sources have now:
// the line changed or went away, and the entry should be re-triaged or deleted.
func staleEquivalents(entries map[string]equivalent, files []*sourceFile) []equivalent {
	present := map[string]bool{}
	for _, f := range files {
		for _, m := range f.Mutants {
			present[m.Key()] = true
		}
	}
	var stale []equivalent
	for _, e := range entries {
		if !present[e.Key] {
			stale = append(stale, e)
		}
	}
	sortByLine(stale)
	return stale
}

func sortByLine(entries []equivalent) {
	slices.SortFunc(entries, func(a, b equivalent) int { return a.Line - b.Line })
}
