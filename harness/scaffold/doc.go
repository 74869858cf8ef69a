// Package scaffold is `conform adapter init`: it writes a starter adapter for one runtime
// family (node: node:vm contexts; ses: SES Compartments after lockdown; deno: a Deno process
// per vat; browser: a headless Chromium page per vat) into a new directory.
//
// A starter is a package.json pinning the adapter kit (@conform-suite/adapter-kit) and the
// runtime's packages, the adapter with its endowment factory and teardown marked FILL IN,
// an empty expectations.yaml, a .gitignore and a README saying what to fill in and how to
// run the suite. As generated it passes `conform adapter check`, with a stand-in endowment
// that reports notify events, so that the suite runs at once and fails, with its own
// messages, what the stand-in does not do.
//
// The kit is not on a registry: by default the starter depends on the kit embedded in this
// conform (package adapters/lib), written beside it as the tarball npm pack makes, so the
// adapter pins exactly the kit of the conform that wrote it. Templates are embedded with
// go:embed (templates/); placeholders are @@NAME@@-style words replaced as plain text, so a
// template is valid JavaScript, JSON or Markdown apart from them.
package scaffold
