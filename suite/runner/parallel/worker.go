package parallel

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

// message is one line of the protocol (see the package documentation): exactly one member
// is set.
type message struct {
	Plan   []string         `json:"plan,omitempty"`
	Ready  bool             `json:"ready,omitempty"`
	Next   bool             `json:"next,omitempty"`
	Run    []string         `json:"run,omitempty"`
	Stop   bool             `json:"stop,omitempty"`
	Done   *runner.SpecDone `json:"done,omitempty"`
	Report *reports.Run     `json:"report,omitempty"`
	Infra  string           `json:"infra,omitempty"`
	Hung   string           `json:"hung,omitempty"`
}

// Worker is a worker process's end of the protocol, over the process's stdin and stdout:
// the runner.Queue its run pulls its specs from.
type Worker struct {
	in *json.Decoder

	mu  sync.Mutex
	out *bufio.Writer
}

// NewWorker speaks the protocol with the parent: messages from in, to out.
func NewWorker(in io.Reader, out io.Writer) *Worker {
	return &Worker{in: json.NewDecoder(in), out: bufio.NewWriter(out)}
}

// Plan reads the parent's first message: the specs the worker may be handed, in the order
// they are handed out.
func (w *Worker) Plan() (runner.Plan, error) {
	var m message
	if err := w.in.Decode(&m); err != nil {
		return runner.Plan{}, fmt.Errorf("read the plan from the parent: %w", err)
	}
	if len(m.Plan) == 0 {
		return runner.Plan{}, errors.New("the parent sent no plan")
	}
	plan, err := runner.Select(runner.Selection{SpecIDs: m.Plan})
	if err != nil {
		return runner.Plan{}, fmt.Errorf("the plan the parent sent: %w", err)
	}
	byID := map[string]suite.Spec{}
	for _, s := range plan.Specs {
		byID[s.ID] = s
	}
	plan.Specs = plan.Specs[:0]
	for _, id := range m.Plan {
		plan.Specs = append(plan.Specs, byID[id])
	}
	return plan, nil
}

// Started tells the parent the implementation is up.
func (w *Worker) Started() { _ = w.send(message{Ready: true}) }

// Next asks the parent for the next specs and waits for the answer.
func (w *Worker) Next() []string {
	if w.send(message{Next: true}) != nil {
		return nil
	}
	var m message
	if err := w.in.Decode(&m); err != nil {
		return nil // the parent is gone
	}
	return m.Run // none: "stop"
}

// Finished tells the parent a spec it handed out finished.
func (w *Worker) Finished(d runner.SpecDone) { _ = w.send(message{Done: &d}) }

// Hung tells the parent the worker's in-process implementation stopped answering: the
// worker asks for no more specs, and the parent starts another in its place once it exits.
func (w *Worker) Hung(reason string) { _ = w.send(message{Hung: reason}) }

// Report sends the worker's report, the last message, with runErr when the implementation
// failed the run.
func (w *Worker) Report(run *reports.Run, runErr error) error {
	m := message{Report: run}
	if infra := (*runner.InfraError)(nil); errors.As(runErr, &infra) {
		m.Infra = runErr.Error()
	}
	return w.send(m)
}

func (w *Worker) send(m message) error {
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.out.Write(append(line, '\n')); err != nil {
		return err
	}
	return w.out.Flush()
}

// signalGrace is how long a worker told to stop may take to send its report before it
// exits without: less than the parent's workerGrace, so that it ends on its own first.
const signalGrace = 10 * time.Second

// ExitAfterSignal makes a worker end within signalGrace of a SIGINT or SIGTERM, with code,
// even while its implementation is stuck in a call: the signal also cancels the run, which
// then sends its report if it can, but nothing waits for a call that never returns. The
// parent sends SIGTERM when the run is interrupted. The returned function stops the watch.
func ExitAfterSignal(code int) (stop func()) {
	return exitAfterSignal(signalGrace, code)
}

func exitAfterSignal(grace time.Duration, code int) (stop func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		timer := time.NewTimer(grace)
		select {
		case <-timer.C:
			fmt.Fprintf(os.Stderr, "conform worker: still running %s after the signal to stop; exiting without waiting for the implementation\n", grace)
			os.Exit(code)
		case <-done:
			timer.Stop()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(signals)
			close(done)
		})
	}
}
