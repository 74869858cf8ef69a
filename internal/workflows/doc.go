// Package workflows holds the tests of the repository's GitHub Actions workflows
// (.github/workflows): that ci.yml runs scripts/test on every push and pull request with
// the Go and Node the README names and keeps the diff of regenerated committed files, and
// that the reusable conform-sharded.yml shards `conform run` and merges the reports with
// `conform report merge`, with the README's example calling it only with inputs it has.
// GitHub runs the workflows; these tests only keep them from drifting from the project.
package workflows
