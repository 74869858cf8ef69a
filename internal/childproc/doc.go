// Package childproc makes the processes conform starts end with it: a parallel run's
// workers and the adapters they start. On Linux the kernel sends the child SIGKILL when its
// parent dies (the parent-death signal), however the parent ended, SIGKILL included. Other
// systems have no such signal: there a worker ends when its stdin, a pipe from its parent,
// closes (suite/runner/parallel), and an adapter when its stdin closes (PROTOCOL.md).
package childproc
