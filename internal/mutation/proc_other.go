//go:build !unix

package main

import "os/exec"

// killProcessGroup leaves cancellation to os/exec, which kills only the direct child.
func killProcessGroup(*exec.Cmd) {}
