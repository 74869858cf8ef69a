// Package adapters holds adapters that run the conformance suite against real
// implementations in other runtimes, over the protocol of harness/PROTOCOL.md:
//
//   - snaps-node: MetaMask Snaps' network endowment
//     (@metamask/snaps-execution-environments, unmodified) under SES in Node, behind a host
//     allowlist written as ocap-kernel documents it;
//   - node-plain: Node's own fetch handed to a vat unchanged, the suite's negative control;
//   - deno: Deno's own fetch, each vat a Deno Worker whose net permission is its allowlist
//     (the Deno binary comes from the npm package @deno/linux-x64-glibc).
//
// lib is the adapter kit they share, the npm package @conform-suite/adapter-kit, on which each
// adapter depends by package name ("file:../lib"), as a user's adapter does.
//
// Each adapter has an expectations.yaml listing every spec it fails, with the evidence and
// what would fix it, and its reports are committed under results/<adapter>/. The Go package
// itself only holds the tests that keep both true: one runs the suite against each adapter
// with its expectations and --strict-expectations, so a new failure or a fixed one fails
// `go test ./...`; another drives the deno adapter directly to check what the suite does
// not (a program pending at termination is answered -32002); kit_test.go runs the kit's own
// node:test suite and TypeScript check, and packs the kit with npm, installs the tarball into
// an empty project and checks a minimal adapter written there. `go test ./adapters -update` rewrites results/<adapter>/ from that run,
// and results/reference/ from a run against the embedded reference.
package adapters
