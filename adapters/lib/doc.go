// Package lib carries the adapter kit, the npm package @conform-suite/adapter-kit in this
// directory, inside the conform binary: `conform adapter init` and `conform adapter kit`
// write it into a user's adapter directory as the tarball `npm pack` would make, so that an
// adapter pins the kit of the conform it is run with without the kit being on a registry.
//
// The JavaScript in this directory is the kit itself (README.md); this package only reads
// it. Its files are those package.json publishes ("files", plus package.json), and a test
// keeps the two lists, and the tarball and npm's, the same.
package lib
