package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	// SIGTERM too: the runs in flight are killed with their process groups either way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mutation:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	root, out, equivalents, files, only, rerun string
	focus                                      string
	count, parallel                            int
	seed                                       uint64
	timeout                                    time.Duration
	list, suiteOnly                            bool
	minScore                                   float64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("mutation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.root, "root", ".", "root of the conform module")
	fs.IntVar(&c.count, "count", 300, "how many mutants to run, spread over every file (0: all of them)")
	fs.StringVar(&c.files, "files", "", "comma-separated globs of the files to mutate, matched against the path from the root or the base name (\"*.js\", \"reference/allowlist/*.go\")")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the sample: the same seed over the same sources picks the same mutants")
	fs.IntVar(&c.parallel, "p", 2, "mutants run at the same time")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "bound on each test step of one mutant; a mutant past it is killed by timeout")
	fs.StringVar(&c.out, "out", "mutation-result.json", "where the machine-readable result is written")
	fs.StringVar(&c.equivalents, "equivalents", equivalentsFile, "file of mutants triaged as equivalent, relative to the root")
	fs.StringVar(&c.only, "only", "", "comma-separated mutant keys to run, instead of a sample")
	fs.StringVar(&c.rerun, "rerun", "", "a previous result: run again only its survivors and keep its other outcomes")
	fs.BoolVar(&c.list, "list", false, "list the sampled mutants with their diffs and exit without running them")
	fs.StringVar(&c.focus, "focus", "", "run only the specs matching this regular expression against each mutant (conform run --focus): shows which spec kills a mutant; a score measured with it is not the suite's")
	fs.BoolVar(&c.suiteOnly, "suite-only", false, "run only the suite against each mutant, not the reference's unit tests: the suite-alone score, in less time (the score with the unit tests is then not measured)")
	fs.Float64Var(&c.minScore, "min-score", 0, "exit non-zero when the suite-alone score, in percent, is below this")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if c.parallel < 1 {
		return c, errors.New("-p must be at least 1")
	}
	root, err := filepath.Abs(c.root)
	if err != nil {
		return c, err
	}
	c.root = root
	return c, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	files, err := discoverSources(c.root)
	if err != nil {
		return err
	}
	equivalents, err := loadEquivalents(filepath.Join(c.root, c.equivalents))
	if err != nil {
		return err
	}
	for _, e := range staleEquivalents(equivalents, files) {
		fmt.Fprintf(os.Stderr, "warning: %s:%d: %s matches no mutant of the current sources: re-triage or delete it\n", c.equivalents, e.Line, e.Key)
	}

	selected, carried, err := selectMutants(c, files)
	if err != nil {
		return err
	}
	sources := map[string][]byte{}
	for _, f := range files {
		sources[f.Path] = f.Src
	}
	if c.list {
		for _, m := range selected {
			fmt.Fprintf(stdout, "%s\t%s:%d\t%s\n", m.Key(), m.File, m.Line, m.Diff(sources[m.File]))
		}
		return nil
	}

	work, err := os.MkdirTemp("", "conform-mutation")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	r := &runner{root: c.root, work: work, timeout: c.timeout, suiteOnly: c.suiteOnly, focus: c.focus}
	if r.testPackages, err = referencePackages(ctx, c.root); err != nil {
		return err
	}

	began := time.Now()
	fmt.Fprintf(stdout, "baseline: building and testing the unmutated reference\n")
	if base := r.run(ctx, 0, nil, nil); base.Status != statusSurvived {
		return fmt.Errorf("the unmutated reference does not pass (%s by %s: %s): fix that before measuring mutants", base.Status, base.KilledBy, base.Detail)
	}

	results := runAll(ctx, r, c.parallel, selected, sources, equivalents, stdout)
	// An interrupted run still reports the mutants it finished, and says so.
	var interrupted error
	if ctx.Err() != nil {
		interrupted = fmt.Errorf("interrupted after %d of %d mutants: the report covers those", countRun(results), len(selected))
	}
	results = append(results, carried...)
	report := newReport(c, files, results, time.Since(began))
	report.print(stdout)
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.out, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write the result: %w", err)
	}
	fmt.Fprintf(stdout, "result: %s\n", c.out)
	if interrupted != nil {
		return interrupted
	}
	if c.minScore > 0 && report.SuiteScore < c.minScore {
		return fmt.Errorf("suite-alone score %.1f%% is below --min-score %.1f%%", report.SuiteScore, c.minScore)
	}
	return nil
}

// selectMutants decides what runs: the mutants named by --only, the mutants of --rerun that
// the suite did not kill (whose other outcomes are carried over), or a sample of the files
// matching --files.
func selectMutants(c config, files []*sourceFile) (selected []Mutant, carried []Result, err error) {
	byKey := map[string]Mutant{}
	for _, f := range files {
		for _, m := range f.Mutants {
			byKey[m.Key()] = m
		}
	}
	switch {
	case c.only != "":
		for _, key := range strings.Split(c.only, ",") {
			m, ok := byKey[strings.TrimSpace(key)]
			if !ok {
				return nil, nil, fmt.Errorf("--only: no mutant %q in the current sources", key)
			}
			selected = append(selected, m)
		}
		return selected, nil, nil
	case c.rerun != "":
		data, err := os.ReadFile(c.rerun)
		if err != nil {
			return nil, nil, err
		}
		var previous Report
		if err := json.Unmarshal(data, &previous); err != nil {
			return nil, nil, fmt.Errorf("--rerun %s: %w", c.rerun, err)
		}
		for _, res := range previous.Mutants {
			m, ok := byKey[res.Key]
			switch {
			case !ok:
				fmt.Fprintf(os.Stderr, "warning: --rerun: %s is no longer a mutant of the sources; dropped\n", res.Key)
			case res.Status == statusSurvived || res.Status == statusEquivalent || res.KilledBy == killerUnit:
				// Only the unit tests caught it, or nothing did: a new spec may kill it now.
				selected = append(selected, m)
			default:
				carried = append(carried, res)
			}
		}
		return selected, carried, nil
	}
	var chosen []*sourceFile
	for _, f := range files {
		ok, err := matchesAny(f.Path, c.files)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			chosen = append(chosen, f)
		}
	}
	if len(chosen) == 0 {
		return nil, nil, fmt.Errorf("--files %q matches none of the reference's sources", c.files)
	}
	return sample(chosen, c.count, c.seed), nil, nil
}

// referencePackages lists the packages whose unit tests run against each mutant: every
// package under reference/ in the default build. reference/mutants is not among them: it
// exists only with -tags conformfaults, and the mutants are of the reference as its users
// build it, where no fault can be switched on.
func referencePackages(ctx context.Context, root string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "./reference/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./reference/...: %w", err)
	}
	return strings.Fields(string(out)), nil
}

// runAll runs the mutants on parallel workers, printing a line as each finishes. Equivalent
// mutants are not run. Results keep the order of mutants; an interrupted run leaves the
// mutants it did not reach with an empty status.
func runAll(ctx context.Context, r *runner, parallel int, mutants []Mutant, sources map[string][]byte, equivalents map[string]equivalent, stdout io.Writer) []Result {
	results := make([]Result, len(mutants))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range parallel {
		wg.Go(func() {
			for i := range jobs {
				m := &mutants[i]
				var res Result
				switch e, ok := equivalents[m.Key()]; {
				case ok && !e.GoAPI:
					res = r.resultOf(m, sources[m.File])
					res.Status, res.Detail = statusEquivalent, e.Reason
				default:
					res = r.run(ctx, i+1, m, sources[m.File])
					res.GoAPI = ok
				}
				if ctx.Err() != nil {
					continue
				}
				mu.Lock()
				results[i] = res
				done++
				fmt.Fprintf(stdout, "[%d/%d] %-10s %-10s %s:%d %s  %s (%.0fs)\n", done, len(mutants), res.Status, res.KilledBy, res.File, res.Line, res.Operator, res.Diff, res.Seconds)
				if res.GoAPI && res.killedBySuite() {
					fmt.Fprintf(os.Stderr, "warning: %s is listed as %s, yet the suite killed it (%s): a vat can see it; delete the entry\n", res.Key, goAPITag, res.Detail)
				}
				mu.Unlock()
			}
		})
	}
	for i := range mutants {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func countRun(results []Result) int {
	n := 0
	for _, r := range results {
		if r.Status != "" {
			n++
		}
	}
	return n
}
