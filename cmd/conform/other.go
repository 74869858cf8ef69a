package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/conform-suite/conform/mocknet"
	"github.com/conform-suite/conform/reports"
)

func cmdMocknet(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	if len(args) == 0 || (args[0] != "serve" && args[0] != "-h" && args[0] != "--help") {
		return exitUsage, usagef("expected 'conform mocknet serve'")
	}
	if args[0] != "serve" {
		args = []string{"--help"}
	} else {
		args = args[1:]
	}
	fs := newFlags("mocknet serve", "[--addr 127.0.0.1:0] [--host NAME]...",
		`Serves the mock network standalone, for adapter authors: every virtual host gets the full
route catalogue (go-httpbin plus /hang, /drip-forever, /reset, /upload-sink,
/redirect-host/{host}, /set-cookie/{name}/{value}, /state-echo). The first line of output is
"proxy: http://127.0.0.1:PORT", the second "dns: 127.0.0.1:PORT" (a DNS server, UDP and TCP,
answering the virtual hosts with loopback and NXDOMAIN for every other name); then one JSON
line per finished exchange (completed, client-closed, server-reset), per escape and, as
{"lookup": …}, per DNS question. Point your adapter's HTTP proxy at the first address and, if
its runtime resolves names, its resolver at the second. Stop with Ctrl-C.
Every host also speaks https inside CONNECT tunnels, with certificates of a certificate
authority made for this run: the line "ca: PATH" names a file holding it (removed on exit);
trust it for this network only (curl --cacert PATH -x PROXY https://allowed.test/get). The
hosts wrong-name.test, expired.test, self-signed.test and unknown-ca.test serve bad ones.`,
		"  conform mocknet serve\n  conform mocknet serve --addr 127.0.0.1:8899 --host allowed.test --host evil.test", stdout)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	var hosts stringList
	fs.Var(&hosts, "host", "virtual host to serve (repeatable; default: "+fmt.Sprint(mocknet.StandardHosts())+")")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if err := mocknet.Serve(ctx, mocknet.ServeOptions{Addr: *addr, Hosts: hosts}, stdout); err != nil {
		return exitInfra, err
	}
	return exitOK, nil
}

func cmdReport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "matrix" {
		return cmdReportMatrix(ctx, args[1:], stdin, stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "merge" && args[0] != "-h" && args[0] != "--help") {
		return exitUsage, usagef("expected 'conform report merge DIR...' or 'conform report matrix DIR...'")
	}
	if args[0] != "merge" {
		args = []string{"--help"}
	} else {
		args = args[1:]
	}
	fs := newFlags("report merge", "[--out DIR] [--allow-partial] DIR...",
		`Merges the reports of shards (each a --report-dir of 'conform run --shard I/N') into one JUnit/JSON/HTML set.
Every shard of the run must be given, once: a missing shard, shards of different totals or of
different implementations are refused (exit 2). With --allow-partial missing shards are
accepted and the merged report is marked partial, naming them.`,
		"  conform report merge --out conform-reports shard-1 shard-2 shard-3\n  conform report merge --allow-partial --out conform-reports shard-1 shard-3", stdout)
	out := fs.String("out", "conform-reports", "directory for the merged reports")
	fs.StringVar(out, "report-dir", "conform-reports", "the same as --out, named as in 'conform run'")
	allowPartial := fs.Bool("allow-partial", false, "merge although shards are missing; the merged report is marked partial")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() == 0 {
		return exitUsage, usagef("name at least one report directory to merge")
	}
	var runs []*reports.Run
	for _, dir := range fs.Args() {
		r, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
		if err != nil {
			return exitUsage, usagef("%v", err)
		}
		runs = append(runs, r)
	}
	merged, err := reports.Merge(reports.MergeOptions{AllowPartial: *allowPartial}, runs...)
	var incomplete *reports.IncompleteShardsError
	if errors.As(err, &incomplete) {
		return exitUsage, usagef("%v; merge every shard, or pass --allow-partial to write a report marked partial", err)
	}
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	if err := reports.WriteAll(*out, merged); err != nil {
		return exitInfra, err
	}
	c := merged.Count()
	fmt.Fprintf(stdout, "merged %d reports (%d specs: %d passed, %d failed) into %s\n", len(runs), len(merged.Specs), c[reports.StatusPassed], c[reports.StatusFailed], *out)
	if merged.Partial {
		fmt.Fprintf(stdout, "the merged report is partial: %s\n", reports.TerminalText(merged.PartialReason))
	}
	return exitOK, nil
}
