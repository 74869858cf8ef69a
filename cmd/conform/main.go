package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// Exit codes: the contract with CI.
const (
	exitOK          = 0 // no unexpected failure
	exitFailures    = 1 // conformance failures
	exitUsage       = 2 // usage or configuration error
	exitInfra       = 3 // the adapter or the infrastructure failed
	conformVersion  = "0.1.0"
	conformHomepage = "https://github.com/conform-suite/conform"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError is a mistake in how conform was called; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error)
}

func commands() []command {
	return []command{
		{"run", "run the conformance suite against an implementation", cmdRun},
		{"list", "list every spec: ID, title, labels, requirement", cmdList},
		{"adapter", "serve the reference over stdio, or check an adapter", cmdAdapter},
		{"mocknet", "serve the mock network standalone", cmdMocknet},
		{"report", "merge shard reports", cmdReport},
		{"bench", "time the suite against an implementation, as a ratio to a baseline", cmdBench},
		{"version", "print the version", cmdVersion},
	}
}

const topUsage = `conform: a conformance suite for network endowments (fetch + allowlist + notify + teardown).

Usage:
  conform <command> [flags]

Commands:
%s
Examples:
  conform run                                   # the suite against the embedded reference
  conform run --adapter "node adapter.mjs" --expect expectations.yaml
  conform list --profile strict
  conform adapter check --adapter "node adapter.mjs"

Run 'conform <command> --help' for a command's flags. Exit codes of 'run': 0 no unexpected
failure, 1 conformance failures, 2 usage or configuration error, 3 adapter or infrastructure
failure.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var list strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&list, "  %-9s %s\n", c.name, c.summary)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, topUsage, list.String())
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		code, err := c.run(ctx, args[1:], stdin, stdout, stderr)
		name := c.name
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") && (c.name == "adapter" || c.name == "mocknet" || c.name == "report") {
			name += " " + args[1] // a subcommand: its own help is the useful one
		}
		var ue *usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "conform %s: %s\nRun 'conform %s --help' for usage.\n", name, ue.msg, name)
			return exitUsage
		case err != nil:
			fmt.Fprintf(stderr, "conform %s: %v\n", name, err)
			if code == exitOK {
				code = exitInfra
			}
		}
		return code
	}
	fmt.Fprintf(stderr, "conform: unknown command %q\n\nCommands:\n%sRun 'conform --help' for usage.\n", args[0], list.String())
	return exitUsage
}

// newFlags returns a flag set that reports errors instead of exiting, with a usage text of
// the command's synopsis, description and examples.
func newFlags(name, synopsis, description, examples string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("conform "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage:\n  conform %s %s\n\n%s\n\nFlags:\n", name, synopsis, description)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if examples != "" {
			fmt.Fprintf(stdout, "\nExamples:\n%s\n", examples)
		}
	}
	return fs
}

// parseFlags parses args; --help prints usage and stops the command with exit 0.
func parseFlags(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	return nil
}

func cmdVersion(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	fs := newFlags("version", "", "Print the version of conform and of the protocol it speaks.", "", stdout)
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	build := "devel"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		build = info.Main.Version
	}
	fmt.Fprintf(stdout, "conform %s (module %s, adapter protocol 1)\n%s\n", conformVersion, build, conformHomepage)
	return exitOK, nil
}
