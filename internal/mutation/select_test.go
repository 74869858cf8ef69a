package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestSelectOnlyAndRerun(t *testing.T) {
	src := []byte("x = a < b && c === d;\n")
	edits, err := jsEdits(string(src))
	if err != nil {
		t.Fatal(err)
	}
	files := []*sourceFile{{Path: "reference/w.js", Src: src, Mutants: mutantsOf("reference/w.js", src, edits)}}
	cmp, logic, unitOnly := files[0].Mutants[0], files[0].Mutants[1], files[0].Mutants[2]

	selected, carried, err := selectMutants(config{only: logic.Key()}, files)
	if err != nil || len(selected) != 1 || selected[0] != logic || carried != nil {
		t.Fatalf("--only %s: %v, %v, %v", logic.Key(), selected, carried, err)
	}
	if _, _, err := selectMutants(config{only: "reference/w.js:00000000:cmp-swap:0"}, files); err == nil {
		t.Error("--only of a key that is no mutant succeeded")
	}

	previous := Report{Mutants: []Result{
		{Key: cmp.Key(), Status: statusKilled, KilledBy: killerSuite},
		{Key: logic.Key(), Status: statusSurvived},
		{Key: unitOnly.Key(), Status: statusKilled, KilledBy: killerUnit}, // it survived the suite
		{Key: "reference/gone.js:00000000:flip-bool:0", Status: statusSurvived},
	}}
	data, err := json.Marshal(previous)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "previous.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	selected, carried, err = selectMutants(config{rerun: path}, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(selected) != 2 || selected[0] != logic || selected[1] != unitOnly {
		t.Errorf("--rerun selected %v; want the survivors of the suite still in the sources", selected)
	}
	if len(carried) != 1 || carried[0].Key != cmp.Key() || carried[0].Status != statusKilled {
		t.Errorf("--rerun carried %v; want the killed mutant as it was", carried)
	}
}
