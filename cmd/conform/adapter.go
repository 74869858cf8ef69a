package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/check"
	"github.com/conform-suite/conform/harness/inprocess"
	"github.com/conform-suite/conform/harness/scaffold"
)

func cmdAdapter(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, `Usage:
  conform adapter reference        serve the embedded reference over the adapter protocol (stdio)
  conform adapter check --adapter CMD   check that an adapter speaks the protocol
  conform adapter init DIR --runtime node|ses|deno|browser   write a starter adapter
  conform adapter kit [--out DIR]  write the adapter kit's npm tarball (@conform-suite/adapter-kit)

'conform adapter reference' is an adapter like any other: 'conform run --adapter "conform adapter reference"'
runs the suite through the protocol against the reference.
`)
		if len(args) == 0 {
			return exitUsage, usagef("name a subcommand: reference, check, init or kit")
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
	case "init":
		return cmdAdapterInit(args[1:], stdout)
	case "kit":
		return cmdAdapterKit(args[1:], stdout)
	}
	return exitUsage, usagef("unknown subcommand %q: use reference, check, init or kit", args[0])
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

// cmdAdapterInit writes a starter adapter (package harness/scaffold).
func cmdAdapterInit(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("adapter init", "DIR --runtime "+strings.Join(scaffold.Runtimes(), "|")+" [--name NAME] [--kit SPEC]",
		"Writes a starter adapter into DIR (new or empty): package.json pinning the adapter kit and the\n"+
			"runtime's packages, the adapter with its endowment factory and teardown marked FILL IN,\n"+
			"expectations.yaml and a README. As written it passes 'conform adapter check' with a stand-in\n"+
			"endowment, and the suite fails what that stand-in does not do. Runtime families: node (node:vm\n"+
			"contexts), ses (SES Compartments), deno (a Deno process per vat), browser (a Chromium page per vat).\n"+
			"The kit of this conform is written beside it as an npm tarball, unless --kit names another.",
		"  conform adapter init my-adapter --runtime ses\n  cd my-adapter && npm install && conform adapter check --adapter \"node adapter.mjs\"", stdout)
	runtime := fs.String("runtime", "", "runtime family: "+strings.Join(scaffold.Runtimes(), ", ")+" (required)")
	name := fs.String("name", "", "the adapter's name (default: DIR's base name)")
	kitSpec := fs.String("kit", "", "npm dependency spec of the kit for package.json (default: the kit of this conform, written into DIR)")
	// DIR may come before the flags, as the usage line shows it.
	var dir []string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[:1], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if dir = append(dir, fs.Args()...); len(dir) != 1 {
		return exitUsage, usagef("name one directory to write the adapter into, e.g. 'conform adapter init my-adapter --runtime node'")
	}
	if *runtime == "" {
		return exitUsage, usagef("--runtime is required: one of %s", strings.Join(scaffold.Runtimes(), ", "))
	}
	res, err := scaffold.Init(scaffold.Options{Dir: dir[0], Runtime: *runtime, Name: *name, Kit: *kitSpec, ConformVersion: conformVersion})
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	fmt.Fprintf(stdout, "wrote adapter %q (%s) into %s: %s\nnext:\n  cd %s\n  npm install\n  conform adapter check --adapter \"node adapter.mjs\"\n  conform run --adapter \"node adapter.mjs\"\nthen fill in what README.md says.\n",
		res.Name, *runtime, res.Dir, strings.Join(res.Files, ", "), res.Dir)
	return exitOK, nil
}

// cmdAdapterKit writes the embedded adapter kit as an npm tarball.
func cmdAdapterKit(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("adapter kit", "[--out DIR]",
		"Writes the adapter kit of this conform (@conform-suite/adapter-kit) into DIR as the tarball npm pack\n"+
			"makes, to depend on with \"file:\" (the kit is not on the npm registry). Prints the tarball's path.",
		"  conform adapter kit --out vendor && npm install ./vendor/conform-suite-adapter-kit-*.tgz", stdout)
	out := fs.String("out", ".", "directory to write the tarball into")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("unexpected arguments %q: give the directory with --out", fs.Args())
	}
	path, err := scaffold.WriteKit(*out)
	if err != nil {
		return exitInfra, err
	}
	fmt.Fprintln(stdout, path)
	return exitOK, nil
}
