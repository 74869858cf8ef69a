// Package conformtest builds and runs the conform binary for tests that must use it as users
// do: Ginkgo runs one suite per process, so every run of the suite is a child process.
package conformtest
