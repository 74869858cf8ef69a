package main

import (
	"context"
	"io"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
)

func cmdAdapter(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, `Usage:
  conform adapter reference        serve the embedded reference over the adapter protocol (stdio)
  conform adapter check --adapter CMD   check that an adapter speaks the protocol

'conform adapter reference' is an adapter like any other: 'conform run --adapter "conform adapter reference"'
runs the suite through the protocol against the reference.
`)
		if len(args) == 0 {
			return exitUsage, usagef("name a subcommand: reference or check")
		}
		return exitOK, nil
	}
	switch args[0] {
	case "reference":
		fs := newFlags("adapter reference", "", "Serves the embedded reference over the adapter protocol on stdin/stdout (see harness/PROTOCOL.md); logs go to stderr.", "  conform run --adapter \"conform adapter reference\"", stdout)
		if err := parseFlags(fs, args[1:]); err != nil {
			return exitUsage, err
		}
		impl := inprocess.New(inprocess.Options{})
		if err := harness.Serve(ctx, impl, stdin, stdout, stderr); err != nil {
			return exitInfra, err
		}
		return exitOK, nil
	case "check":
		return cmdAdapterCheck(ctx, args[1:], stdout, stderr)
	}
	return exitUsage, usagef("unknown subcommand %q: use reference or check", args[0])
}
