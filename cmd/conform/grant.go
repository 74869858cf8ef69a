package main

import (
	"slices"
	"strings"

	"github.com/conform-suite/conform/suite/dsl"
)

// grantPresets are the grants of known kernels, by the name --grant accepts for them.
func grantPresets() map[string][]string {
	return map[string][]string{"ocap-kernel": dsl.OcapKernelGrant()}
}

// parseGrant reads --grant: nil when it is empty (the implementation's whole offer), else the
// named globals, where a preset's name stands for its globals.
func parseGrant(flag string) ([]string, error) {
	if strings.TrimSpace(flag) == "" {
		return nil, nil
	}
	grant := []string{}
	for _, name := range strings.Split(flag, ",") {
		name = strings.TrimSpace(name)
		if preset, ok := grantPresets()[name]; ok {
			grant = append(grant, preset...)
			continue
		}
		if !slices.Contains(dsl.WebGlobals(), name) {
			return nil, usagef("--grant: %q is neither a global the suite knows (%s) nor a preset (ocap-kernel)", name, strings.Join(dsl.WebGlobals(), ", "))
		}
		grant = append(grant, name)
	}
	slices.Sort(grant)
	return slices.Compact(grant), nil
}
