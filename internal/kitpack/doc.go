// Package kitpack packs the adapter kit (adapters/lib, the npm package
// @conform-suite/adapter-kit) with `npm pack`, as it would be published, and runs npm, for
// tests that install the kit into a fresh project the way a user's adapter gets it: the
// kit's own package test (adapters) and the scaffold's (harness/scaffold).
package kitpack
