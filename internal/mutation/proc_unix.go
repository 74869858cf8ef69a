//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// killProcessGroup puts cmd in its own process group and makes cancellation kill the whole
// group: go test's test binaries and the conform binary's children do not outlive a bound.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
