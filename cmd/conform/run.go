package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
)

const runDescription = `Runs the conformance specs inside this binary against an implementation: the embedded
reference (no --adapter), or an external adapter speaking harness/PROTOCOL.md. Writes
junit.xml, report.json and report.html to --report-dir, also when the run is interrupted.

Exit codes: 0 no unexpected failure; 1 conformance failures; 2 usage or configuration error;
3 the adapter or the infrastructure failed.`

const runExamples = `  conform run
  conform run --adapter "node adapters/snaps-node/adapter.mjs" --expect adapters/snaps-node/expectations.yaml
  conform run --profile core --label-filter 'teardown && !strict'
  conform run --spec ALLOW-002 --spec TEAR-001 -v
  conform run --shard 2/4 --report-dir reports/shard-2`

type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("run", "[flags]", runDescription, runExamples, stdout)
	adapter := fs.String("adapter", "", "adapter command line, e.g. \"node adapter.mjs\" (default: the embedded reference)")
	var profiles, specIDs stringList
	fs.Var(&profiles, "profile", "comma-separated profiles to run: core, strict, fetch-api, snaps-compat (default all)")
	labelFilter := fs.String("label-filter", "", "Ginkgo label filter over profile, area and ID labels, e.g. 'core && !teardown'")
	fs.Var(&specIDs, "spec", "run only this spec ID (repeatable)")
	expectFile := fs.String("expect", "", "expectations file listing specs this implementation is known to fail")
	strictExp := fs.Bool("strict-expectations", false, "fail the run when a spec listed as expected to fail passes")
	reportDir := fs.String("report-dir", "conform-reports", "directory for junit.xml, report.json and report.html")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of each protocol call to the implementation")
	shard := fs.String("shard", "", "run shard I of N (\"I/N\"), a deterministic partition of the specs")
	failFast := fs.Bool("fail-fast", false, "stop at the first failure")
	verbose := fs.Bool("v", false, "verbose: show Ginkgo's own output")
	quiet := fs.Bool("quiet", false, "print only the summary, no line per spec")
	mutant := fs.String("mutant", "", "run a deliberately broken variant of the reference (suite self-test; see reference/mutants)")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("unexpected argument %q (flags go before nothing else; quote the adapter command: --adapter \"node adapter.mjs\")", fs.Arg(0))
	}
	if *timeout <= 0 {
		return exitUsage, usagef("--timeout must be positive, got %s", *timeout)
	}
	cfg := suite.RunConfig{
		Profiles: profiles, LabelFilter: *labelFilter, SpecIDs: specIDs,
		CallTimeout: *timeout, FailFast: *failFast, Verbose: *verbose,
	}
	if !*quiet {
		cfg.Progress = stdout
	}
	if *shard != "" {
		s, err := parseShard(*shard)
		if err != nil {
			return exitUsage, err
		}
		cfg.Shard = s
	}
	switch {
	case *mutant != "" && *adapter != "":
		return exitUsage, usagef("--mutant and --adapter cannot be combined")
	case *mutant != "":
		target, err := suite.MutantTarget(*mutant)
		if err != nil {
			return exitUsage, usagef("%v", err)
		}
		cfg.Target = target
	case *adapter != "":
		target, err := suite.AdapterTarget(*adapter)
		if err != nil {
			return exitUsage, usagef("%v", err)
		}
		cfg.Target = target
	default:
		cfg.Target = suite.ReferenceTarget()
	}
	selected, err := suite.Select(cfg)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	if len(selected) == 0 {
		return exitUsage, usagef("the selection (profiles, --label-filter, --spec, --shard) matches no spec")
	}
	var exp *reports.Expectations
	if *expectFile != "" {
		var ids []string
		for _, r := range suite.Requirements() {
			ids = append(ids, r.ID)
		}
		if exp, err = reports.LoadExpectations(*expectFile, ids); err != nil {
			return exitUsage, usagef("%v", err)
		}
	}

	fmt.Fprintf(stdout, "conform: running %d specs against %s\n", len(selected), describeTarget(cfg.Target))
	result, runErr := suite.Run(ctx, cfg)
	var cfgErr *suite.ConfigError
	if errors.As(runErr, &cfgErr) {
		return exitUsage, usagef("%v", runErr)
	}
	if result == nil {
		return exitInfra, runErr
	}
	reports.Apply(result, exp)
	if infra := (*suite.InfraError)(nil); errors.As(runErr, &infra) {
		reports.MarkNotRun(result, "not run: "+runErr.Error())
	}
	if err := reports.WriteAll(*reportDir, result); err != nil {
		fmt.Fprintf(stderr, "conform run: %v\n", err)
		return exitInfra, nil
	}
	printSummary(stdout, result)
	fmt.Fprintf(stdout, "Reports: %s/{%s,%s,%s}\n", *reportDir, reports.JUnitFile, reports.JSONFile, reports.HTMLFile)
	return exitCode(result, runErr, *strictExp, stderr), nil
}

func describeTarget(t suite.Target) string {
	if t.Adapter != "" {
		return fmt.Sprintf("adapter %q", t.Adapter)
	}
	return t.Name + " (in process)"
}

func parseShard(s string) (suite.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(i)
	total, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return suite.Shard{}, usagef("invalid --shard %q: use I/N with 1 ≤ I ≤ N, e.g. --shard 2/4", s)
	}
	return suite.Shard{Index: index, Total: total}, nil
}

// exitCode decides the gate: infrastructure first, then unexpected failures, then
// (with --strict-expectations) unexpected passes.
func exitCode(run *reports.Run, runErr error, strictExpectations bool, stderr io.Writer) int {
	var infra *suite.InfraError
	if errors.As(runErr, &infra) {
		fmt.Fprintf(stderr, "conform run: the implementation failed: %s\n", reports.TerminalText(runErr.Error()))
		return exitInfra
	}
	counts := run.Count()
	infraFailures := 0
	for _, s := range run.Specs {
		if s.Status == reports.StatusFailed && s.Failure != nil && s.Failure.Infrastructure {
			infraFailures++
		}
	}
	switch {
	case run.Interrupted && strings.HasPrefix(run.InterruptReason, "interrupted"):
		fmt.Fprintln(stderr, "conform run: interrupted; reports were written and are marked interrupted")
		return exitInfra
	case infraFailures > 0 && infraFailures == counts[reports.StatusFailed]:
		fmt.Fprintf(stderr, "conform run: %d specs failed because the implementation crashed, hung or broke the protocol; see the adapter log in the report\n", infraFailures)
		return exitInfra
	case counts[reports.StatusFailed] > 0:
		return exitFailures
	case strictExpectations && counts[reports.StatusUnexpectedPass] > 0:
		fmt.Fprintf(stderr, "conform run: %d specs listed as expected failures passed; remove them from the expectations file\n", counts[reports.StatusUnexpectedPass])
		return exitFailures
	}
	return exitOK
}

func printSummary(w io.Writer, run *reports.Run) {
	statuses := []reports.Status{reports.StatusPassed, reports.StatusFailed, reports.StatusExpectedFailure, reports.StatusUnexpectedPass, reports.StatusSkipped}
	byProfile := map[string]reports.Counts{}
	for _, s := range run.Specs {
		if byProfile[s.Profile] == nil {
			byProfile[s.Profile] = reports.Counts{}
		}
		byProfile[s.Profile][s.Status]++
	}
	var profiles []string
	for p := range byProfile {
		profiles = append(profiles, p)
	}
	sort.Strings(profiles)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "profile\t")
	for _, s := range statuses {
		fmt.Fprintf(tw, "%s\t", s)
	}
	fmt.Fprintln(tw)
	total := reports.Counts{}
	for _, p := range profiles {
		fmt.Fprintf(tw, "%s\t", p)
		for _, s := range statuses {
			fmt.Fprintf(tw, "%d\t", byProfile[p][s])
			total[s] += byProfile[p][s]
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "total\t")
	for _, s := range statuses {
		fmt.Fprintf(tw, "%d\t", total[s])
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
	var failed []string
	for _, s := range run.Specs {
		if s.Status == reports.StatusFailed || s.Status == reports.StatusUnexpectedPass {
			msg := ""
			if s.Failure != nil {
				msg = reports.TerminalText(s.Failure.SummaryText())
			}
			line := fmt.Sprintf("  %s %s (%s)", s.Status, s.ID, s.Title)
			if msg != "" {
				line += "\n      " + msg
			}
			failed = append(failed, line)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nNeeds attention:\n%s\n", strings.Join(failed, "\n"))
	}
	if run.Interrupted {
		fmt.Fprintf(w, "\nRun interrupted: %s\n", reports.TerminalText(run.InterruptReason))
	}
	fmt.Fprintf(w, "\n%d passed, %d failed, %d expected failures, %d unexpected passes, %d skipped\n",
		total[reports.StatusPassed], total[reports.StatusFailed], total[reports.StatusExpectedFailure],
		total[reports.StatusUnexpectedPass], total[reports.StatusSkipped])
}

func cmdList(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	fs := newFlags("list", "[--json|--markdown] [--profile P]", "Lists every spec of the suite with its ID, title, labels and requirement.",
		"  conform list\n  conform list --json --profile strict\n  conform list --markdown > REQUIREMENTS.md", stdout)
	asJSON := fs.Bool("json", false, "print a JSON array of {id, title, labels, requirement, profile, area, source, fixture}")
	asMarkdown := fs.Bool("markdown", false, "print the REQUIREMENTS.md document")
	var profiles stringList
	fs.Var(&profiles, "profile", "only these profiles (comma-separated)")
	if err := parseFlags(fs, args); err != nil {
		return exitUsage, err
	}
	if *asJSON && *asMarkdown {
		return exitUsage, usagef("--json and --markdown are exclusive")
	}
	reqs, err := suite.Select(suite.RunConfig{Profiles: profiles})
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	switch {
	case *asJSON:
		type item struct {
			ID          string   `json:"id"`
			Title       string   `json:"title"`
			Labels      []string `json:"labels"`
			Requirement string   `json:"requirement"`
			Profile     string   `json:"profile"`
			Area        string   `json:"area"`
			Source      string   `json:"source"`
			Rationale   string   `json:"rationale,omitempty"`
			Fixture     string   `json:"fixture,omitempty"`
		}
		items := make([]item, len(reqs))
		for i, r := range reqs {
			items[i] = item{r.ID, r.Title, r.Labels(), r.Requirement, r.Profile, r.Area, r.Source, r.Rationale, r.Fixture}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOK, enc.Encode(items)
	case *asMarkdown:
		return exitOK, suite.WriteMarkdown(stdout, reqs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROFILE\tAREA\tTITLE")
	for _, r := range reqs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Profile, r.Area, r.Title)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\n%d specs. 'conform list --json' adds requirements and sources.\n", len(reqs))
	return exitOK, nil
}
