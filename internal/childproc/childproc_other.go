//go:build !linux

package childproc

import "os/exec"

// DieWithParent does nothing where there is no parent-death signal: the child is told of
// its parent's end by its stdin closing.
func DieWithParent(*exec.Cmd) {}

// ParentDeathSignal reports whether this system ends a child when its parent dies.
const ParentDeathSignal = false
