//go:build linux

package childproc

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes cmd, once started, receive SIGKILL when the process that started it
// dies. It keeps what cmd.SysProcAttr already says (a process group of its own).
//
// The signal follows the thread that started the child, not the process. Go's runtime ends
// a thread before the process only when a goroutine exits while locked to it, which nothing
// in conform does, so here the two are the same.
func DieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// ParentDeathSignal reports whether this system ends a child when its parent dies.
const ParentDeathSignal = true
