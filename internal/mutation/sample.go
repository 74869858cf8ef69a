package main

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// minPerFile is how many mutants every file gets before the rest of --count is shared out
// in proportion to the files' candidates, so a small file is never left untested.
const minPerFile = 3

// sample picks count mutants from files deterministically for a seed: every file gets up to
// minPerFile, the rest go to files in proportion to their remaining candidates, and each
// file's picks are a seeded shuffle of its own candidates, so adding a file does not change
// which mutants another file contributes. count <= 0 takes every candidate.
func sample(files []*sourceFile, count int, seed uint64) []Mutant {
	total := 0
	for _, f := range files {
		total += len(f.Mutants)
	}
	if count <= 0 || count >= total {
		var all []Mutant
		for _, f := range files {
			all = append(all, f.Mutants...)
		}
		return all
	}
	quota := make([]int, len(files))
	left := count
	for i, f := range files {
		quota[i] = min(minPerFile, len(f.Mutants), left)
		left -= quota[i]
	}
	remaining := 0
	for i, f := range files {
		remaining += len(f.Mutants) - quota[i]
	}
	// Largest remainder: each file's exact share, rounded down, then one more to the files
	// with the largest fractions until the count is reached.
	type share struct{ file, fraction int }
	var fractions []share
	handed := 0
	for i, f := range files {
		spare := len(f.Mutants) - quota[i]
		if remaining == 0 || spare == 0 {
			continue
		}
		exact := left * spare
		quota[i] += exact / remaining
		handed += exact / remaining
		fractions = append(fractions, share{i, exact % remaining})
	}
	slices.SortStableFunc(fractions, func(a, b share) int { return b.fraction - a.fraction })
	for k := 0; handed < left && k < len(fractions); k++ {
		quota[fractions[k].file]++
		handed++
	}
	var picked []Mutant
	for i, f := range files {
		h := fnv.New64a()
		h.Write([]byte(f.Path))
		rng := rand.New(rand.NewPCG(seed, h.Sum64()))
		order := rng.Perm(len(f.Mutants))[:quota[i]]
		slices.Sort(order)
		for _, k := range order {
			picked = append(picked, f.Mutants[k])
		}
	}
	return picked
}
