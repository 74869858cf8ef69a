package harness

// The protocol over one adapter process: reading and validating its lines, matching
// answers to calls, dispatching notifications, and making calls with their time limits.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/conform-suite/conform/harness/schema"
)

type pendingCall struct {
	method string
	vatID  string // the vat a createVat creates
	ch     chan message
}

type taskKey struct{ vatID, taskID string }

// readLoop reads protocol lines until stdout closes or the protocol breaks.
func (p *proc) readLoop(stdout io.Reader) {
	r := bufio.NewReaderSize(stdout, 64<<10)
	for {
		line, err := readLine(r, p.x.opts.MaxLine)
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				p.fail(fmt.Errorf("the adapter printed a line longer than %d bytes on stdout (the protocol's limit; send large values in pieces or log them to stderr)", p.x.opts.MaxLine))
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				p.fail(fmt.Errorf("read the adapter's stdout: %w", err))
			}
			return
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := p.handleLine(line); err != nil {
			p.fail(err)
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its terminator, or errLineTooLong once more than
// max bytes arrived without one (it does not buffer beyond that).
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > max+2 { // +2: the terminator, possibly \r\n
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if len(line) > max {
				return nil, errLineTooLong
			}
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil // a last line without a newline still counts
		default:
			return nil, err
		}
	}
}

// handleLine routes one line; an error is a protocol violation that ends the adapter.
func (p *proc) handleLine(line []byte) error {
	var m message
	if err := json.Unmarshal(line, &m); err != nil || m.JSONRPC != "2.0" {
		return fmt.Errorf("the adapter printed a line on stdout that is not a JSON-RPC 2.0 message (stdout is for protocol messages only; log to stderr): %q", truncate(string(line), 200))
	}
	if m.ID == nil || string(*m.ID) == "null" {
		if m.Method == "" {
			if m.Error != nil {
				return fmt.Errorf("the adapter answered with an error that belongs to no request (id null): %s", m.Error.Error())
			}
			return fmt.Errorf("the adapter sent a message with neither a method nor an id: %q", truncate(string(line), 200))
		}
		return p.dispatch(m, line)
	}
	if m.Method != "" {
		return fmt.Errorf("the adapter sent a request (%q with id %s); adapters only answer and notify", m.Method, string(*m.ID))
	}
	id, err := strconv.ParseInt(string(*m.ID), 10, 64)
	p.mu.Lock()
	pc, ok := p.pending[id]
	delete(p.pending, id)
	late, dropped := p.abandoned[id]
	delete(p.abandoned, id)
	outstanding := make([]int64, 0, len(p.pending))
	for other := range p.pending {
		outstanding = append(outstanding, other)
	}
	p.mu.Unlock()
	if dropped {
		// Its caller gave up, but a vat it created exists all the same.
		p.answered(late, m)
		return nil
	}
	if err != nil || !ok {
		return fmt.Errorf("the adapter answered with id %s, but no request with that id is outstanding (outstanding ids: %v); a response must carry its request's id exactly", string(*m.ID), outstanding)
	}
	name := schema.Response(pc.method)
	if m.Error != nil || m.Result == nil {
		name = schema.ErrorResponse
	}
	if problems := schema.Validate(name, line); len(problems) > 0 {
		return fmt.Errorf("the adapter's answer to %s does not match %s: %s; the answer was %q", pc.method, name, joinProblems(problems), truncate(string(line), 300))
	}
	// Recorded here, in the reader, so that a notification read next already knows the vat.
	p.answered(pc, m)
	pc.ch <- m
	return nil
}

// answered records what a successful answer created.
func (p *proc) answered(pc *pendingCall, m message) {
	if pc.method != MethodCreateVat || m.Error != nil || m.Result == nil {
		return
	}
	p.mu.Lock()
	p.vats[pc.vatID] = true
	p.mu.Unlock()
}

// checkNotification warns of a notification that belongs to no vat or task of this
// process, or settles a task a second time. It still reaches the listener: the suite
// judges what the implementation does; these warnings are about the adapter.
func (p *proc) checkNotification(method string, params json.RawMessage) {
	var ids struct {
		VatID  string `json:"vatId"`
		TaskID string `json:"taskId"`
	}
	if json.Unmarshal(params, &ids) != nil {
		return // the schema check already passed; decoding reports anything else
	}
	p.mu.Lock()
	known := p.vats[ids.VatID]
	key := taskKey{ids.VatID, ids.TaskID}
	settled, started := p.tasks[key]
	if known && started && !settled && method == NotificationTaskSettled {
		p.tasks[key] = true
	}
	p.mu.Unlock()
	switch {
	case !known:
		p.x.warn(fmt.Sprintf("the adapter sent a %s notification for vat %q, which no createVat of this adapter process created; send notifications only for vats created by createVat, and only after its answer (PROTOCOL.md §5, ordering 4)", method, ids.VatID))
	case method != NotificationTaskSettled:
	case !started:
		p.x.warn(fmt.Sprintf("the adapter sent taskSettled for task %q of vat %q, which no start request began; send taskSettled only for the taskId of a start request (PROTOCOL.md §4.4)", ids.TaskID, ids.VatID))
	case settled:
		p.x.warn(fmt.Sprintf("the adapter sent a second taskSettled for task %q of vat %q; a task settles once: send exactly one taskSettled per task (PROTOCOL.md §5)", ids.TaskID, ids.VatID))
	}
}

func (p *proc) dispatch(m message, line []byte) error {
	switch m.Method {
	case NotificationNotify, NotificationLog, NotificationTaskSettled:
	default:
		return fmt.Errorf("the adapter sent an unknown notification %q (known: notify, log, taskSettled)", m.Method)
	}
	if problems := schema.Validate(schema.Notification(m.Method), line); len(problems) > 0 {
		return fmt.Errorf("the adapter's %s notification does not match %s: %s; it was %q", m.Method, schema.Notification(m.Method), joinProblems(problems), truncate(string(line), 300))
	}
	p.checkNotification(m.Method, m.Params)
	p.x.mu.Lock()
	l := p.x.listener
	p.x.mu.Unlock()
	if l == nil {
		return nil
	}
	var err error
	switch m.Method {
	case NotificationNotify:
		var ev NotifyEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.Notify(ev)
		}
	case NotificationLog:
		var ev LogEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.Log(ev)
		}
	case NotificationTaskSettled:
		var ev TaskSettledEvent
		if err = json.Unmarshal(m.Params, &ev); err == nil {
			l.TaskSettled(ev)
		}
	}
	if err != nil {
		return fmt.Errorf("decode the adapter's %s notification: %w", m.Method, err)
	}
	return nil
}

func joinProblems(problems []schema.Problem) string {
	var b bytes.Buffer
	for i, pr := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(pr.String())
	}
	return b.String()
}

// call sends a request and waits for its answer, the adapter's death or the timeout.
func (p *proc) call(ctx context.Context, method string, params, result any, timeout time.Duration) error {
	select {
	case <-p.dead:
		return p.fault(method)
	default:
	}
	p.mu.Lock()
	if p.fatal != nil {
		p.mu.Unlock()
		return p.fault(method)
	}
	p.nextID++
	id := p.nextID
	pc := &pendingCall{method: method, ch: make(chan message, 1)}
	switch params := params.(type) {
	case CreateVatParams:
		pc.vatID = params.VatID
	case StartParams:
		// Before the request is written: its taskSettled may come before its answer.
		key := taskKey{params.VatID, params.TaskID}
		if _, ok := p.tasks[key]; !ok {
			p.tasks[key] = false
		}
	}
	p.pending[id] = pc
	p.mu.Unlock()
	forget := func() {
		p.mu.Lock()
		delete(p.pending, id)
		p.mu.Unlock()
	}

	raw, err := json.Marshal(params)
	if err != nil {
		forget()
		return fmt.Errorf("encode %s params: %w", method, err)
	}
	idRaw := json.RawMessage(strconv.FormatInt(id, 10))
	line, err := json.Marshal(message{JSONRPC: "2.0", ID: &idRaw, Method: method, Params: raw})
	if err != nil {
		forget()
		return fmt.Errorf("encode %s request: %w", method, err)
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, timeout = d, time.Until(d)
	}
	p.writeMu.Lock()
	// An adapter that stops reading its stdin must not block the harness past the call's
	// deadline.
	_ = p.stdin.SetWriteDeadline(deadline)
	_, werr := p.stdin.Write(append(line, '\n'))
	p.writeMu.Unlock()
	if werr != nil {
		if errors.Is(werr, os.ErrDeadlineExceeded) {
			p.fail(fmt.Errorf("the adapter did not read its stdin for %s (the %s request could not be written); it is considered hung and was stopped", timeout.Round(time.Millisecond), method))
		} else {
			p.fail(fmt.Errorf("write the %s request to the adapter's stdin: %w", method, werr))
		}
		return p.fault(method)
	}

	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case m := <-pc.ch:
		return p.deliver(method, m, result)
	case <-p.dead:
		// An answer read just before the adapter exited (as after shutdown) still counts.
		select {
		case m := <-pc.ch:
			return p.deliver(method, m, result)
		default:
			return p.fault(method)
		}
	case <-timer.C:
		p.fail(fmt.Errorf("no answer to %s within %s; the adapter is considered hung and was stopped", method, timeout.Round(time.Millisecond)))
		return p.fault(method)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			p.fail(fmt.Errorf("no answer to %s within %s; the adapter is considered hung and was stopped", method, timeout.Round(time.Millisecond)))
			return p.fault(method)
		}
		// The caller gave up; the adapter is not at fault, and its answer will be dropped.
		p.mu.Lock()
		if _, still := p.pending[id]; still {
			delete(p.pending, id)
			p.abandoned[id] = pc
		}
		p.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// deliver hands an answer to the caller: its error, or its result decoded into result.
func (p *proc) deliver(method string, m message, result any) error {
	if m.Error != nil {
		return m.Error
	}
	if result != nil {
		if err := json.Unmarshal(m.Result, result); err != nil {
			p.fail(fmt.Errorf("the adapter's %s result does not decode: %v; it was %q", method, err, truncate(string(m.Result), 200)))
			return p.fault(method)
		}
	}
	return nil
}

func (x *External) current(method string) (*proc, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cur == nil {
		return nil, &AdapterError{Method: method, Command: x.command, Cause: errors.New("the adapter is not running: call initialize first")}
	}
	return x.cur, nil
}
