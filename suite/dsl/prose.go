package dsl

import (
	"fmt"
	"strings"
)

// Series writes items as a list in a sentence, each formatted with verb: Series("and", "%d",
// []int{199, 600}) is "199 and 600", and three items read "a, b or c". A requirement made
// with it from its run's data names exactly what the run checks, and cannot drift from it.
func Series[E any](conj, verb string, items []E) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf(verb, it)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + conj + " " + parts[len(parts)-1]
}
