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

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/suite"
)

// Exit codes: the contract with CI.
const (
	exitOK          = 0 // no unexpected failure
	exitFailures    = 1 // conformance failures
	exitUsage       = 2 // usage or configuration error
	exitInfra       = 3 // the adapter or the infrastructure failed
	conformVersion  = "0.3.0"
	conformHomepage = "https://github.com/conform-suite/conform"
)

func main() {
	os.Exit(runWithSignals(os.Args[1:]))
}

// runWithSignals runs conform with SIGINT and SIGTERM cancelling the run, so that reports are
// still written (a parallel run passes the signal on to its workers).
func runWithSignals(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
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
		{"adapter", "serve the reference over stdio, check an adapter, write a starter one", cmdAdapter},
		{"mocknet", "serve the mock network standalone", cmdMocknet},
		{"report", "merge shard reports; compare implementations in a matrix", cmdReport},
		{"bench", "time the suite against an implementation, as a ratio to a baseline", cmdBench},
		{"fuzz", "generated programs in every implementation: properties, differences, shrinking", cmdFuzz},
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
  conform list --profile strict --focus teardown     # a dry run: what 'run' would select
  conform adapter check --adapter "node adapter.mjs"

Run 'conform <command> --help' for a command's flags; 'conform --version' for versions. Exit codes of 'run': 0 no unexpected
failure, 1 conformance failures, 2 usage or configuration error, 3 adapter or infrastructure
failure.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var list strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&list, "  %-9s %s\n", c.name, c.summary)
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
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
// the command's synopsis, description and examples (printed for --help only: a mistyped
// flag gets one line and a suggestion, not the whole manual).
func newFlags(name, synopsis, description, examples string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("conform "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage:\n  conform %s %s\n\n%s\n\nFlags:\n", name, synopsis, description)
		printFlags(stdout, fs)
		if examples != "" {
			fmt.Fprintf(stdout, "\nExamples:\n%s\n", examples)
		}
	}
	return fs
}

// internalFlag marks flags conform passes to itself (a parallel run's workers); --help
// leaves them out.
const internalFlag = "internal: "

// printFlags lists the flags as users type them (--name), without the internal ones.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, internalFlag) {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		line := "  " + dash + f.Name
		if name != "" {
			line += " " + name
		}
		usage = strings.ReplaceAll(usage, "\n", "\n    \t")
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", line, usage)
	})
}

// parseFlags parses args; --help prints usage and stops the command with exit 0. A flag
// error is one line, with the nearest known flag when the name looks mistyped.
func parseFlags(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.Usage()
			return flag.ErrHelp
		}
	}
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	if err := fs.Parse(args); err != nil {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			msg = "unknown flag " + name
			if near := nearestFlag(fs, strings.TrimLeft(name, "-")); near != "" {
				msg += fmt.Sprintf(" (did you mean --%s?)", near)
			}
		}
		return usagef("%s", msg)
	}
	return nil
}

// nearestFlag is the defined flag closest to name (at most two edits, or a prefix of it).
func nearestFlag(fs *flag.FlagSet, name string) string {
	best, bestDist := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, internalFlag) {
			return
		}
		d := editDistance(name, f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
	fmt.Fprintf(stdout, "conform %s (module %s, adapter protocol %s, spec catalogue %s: %d specs)\n%s\n",
		conformVersion, build, harness.ProtocolVersion, suite.Version(), len(suite.Requirements()), conformHomepage)
	return exitOK, nil
}
