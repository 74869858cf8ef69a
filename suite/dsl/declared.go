package dsl

import "slices"

// undeclared returns the web globals of globals that the spec does not declare.
func (t *T) undeclared(globals []string) []string {
	var out []string
	for _, g := range globals {
		if slices.Contains(WebGlobals(), g) && !slices.Contains(t.spec.Globals, g) {
			out = append(out, g)
		}
	}
	return out
}
