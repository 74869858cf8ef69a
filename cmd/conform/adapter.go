package main

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/check"
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

// cmdAdapterCheck checks that an adapter speaks the protocol (package harness/check).
func cmdAdapterCheck(ctx context.Context, args []string, stdout, _ io.Writer) (int, error) {
	fs := newFlags("adapter check", "--adapter CMD [--timeout D]",
		"Checks that an adapter speaks the protocol of harness/PROTOCOL.md before the suite is run\n"+
			"against it: initialize, createVat, evaluate (values, errors, console), start and taskSettled,\n"+
			"notify, routing through the mocknet proxy, the error codes, terminateVat and shutdown, and\n"+
			"that no notification names a vat or task the adapter never had, no task settles twice.\n"+
			"Exit 0 when every check passes, 1 when one fails, 3 when the adapter cannot be started.",
		"  conform adapter check --adapter \"node adapters/snaps-node/adapter.mjs\"\n  conform adapter check --adapter \"conform adapter reference\"", stdout)
	adapter := fs.String("adapter", "", "adapter command line to check (required)")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of each protocol call")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if strings.TrimSpace(*adapter) == "" {
		return exitUsage, usagef("--adapter is required: give the adapter's command line, e.g. --adapter \"node adapter.mjs\"")
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("unexpected arguments %q: quote the adapter command line as one --adapter value", fs.Args())
	}
	argv, err := harness.SplitCommand(*adapter)
	if err != nil {
		return exitUsage, usagef("--adapter: %v", err)
	}
	res, err := check.Run(ctx, check.Options{Argv: argv, CallTimeout: *timeout, Out: stdout})
	switch {
	case err != nil, !res.Initialized:
		return exitInfra, err
	case res.Failed > 0:
		return exitFailures, nil
	}
	return exitOK, nil
}
