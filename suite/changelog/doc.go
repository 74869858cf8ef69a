// Package changelog writes CHANGELOG.md: for each catalogue version (suite.Versions), the
// specs it added, changed (requirement text or profile) and removed, in the form of Keep a
// Changelog, so that a user who pins the suite by tag reads what upgrading brings.
//
// A released version is frozen in a snapshot, releases/VERSION.json: the catalogue's
// requirements.json as that version was released, committed when it is tagged. A version's
// section compares its snapshot with the one before; the version being built (the last of
// suite.Versions without a snapshot) is "Unreleased" and compares the current catalogue with
// the last snapshot. Snapshots rather than git history, so that the changelog is the same
// in a shallow clone, a source archive or the Go module cache.
//
// The catalogue's tests keep CHANGELOG.md current (`go test ./suite -run Markdown -update`
// rewrites it with REQUIREMENTS.md and requirements.json) and check the snapshots against
// the catalogue: a released version's specs are all still there, or listed as removed, and
// no spec claims a released version it is not in.
//
// Releasing a version: copy suite/requirements.json to releases/VERSION.json, add the
// version and its date to Released, open the next version in suite.Versions, regenerate.
package changelog
