package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/conform-suite/conform/harness/schema"
)

// Serve speaks the adapter protocol (PROTOCOL.md) on in/out for impl, until shutdown or the
// end of in, so any Implementation can be driven as an external adapter. log receives
// diagnostics (an adapter's stderr).
//
// Requests are handled concurrently (a long evaluate does not hold up terminateVat);
// notifications and answers are written whole, one per line, in the order impl produced
// them, so a notify a program emitted before it settled is written before its result.
// impl's Listener calls must therefore be synchronous with the events, as the in-process
// backend's are.
//
// No line it writes is longer than MaxLineBytes, the protocol's limit in both directions:
// an answer that would be is replaced by a -32603 error saying so, a taskSettled by a
// rejection saying so, and a log message is cut.
func Serve(ctx context.Context, impl Implementation, in io.Reader, out io.Writer, log io.Writer) error {
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &server{impl: impl, out: out, log: log}
	r := bufio.NewReaderSize(in, 64<<10)
	var wg sync.WaitGroup
	initialized := false
	// finish tears impl down and lets pending requests end (they are answered with an
	// error once their context is cancelled), without waiting forever for a program that
	// never settles.
	finish := func() error {
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultShutdownTimeout)
		defer scancel()
		err := impl.Shutdown(sctx)
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			fmt.Fprintln(log, "serve: some requests were still pending at shutdown")
		}
		return err
	}
	for {
		line, err := readLine(r, MaxLineBytes)
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				s.reply(nil, nil, &RPCError{Code: CodeInvalidRequest, Message: fmt.Sprintf("request longer than %d bytes", MaxLineBytes)})
				fmt.Fprintln(log, "serve: a request line was too long; stopping")
			}
			ferr := finish()
			if err == io.EOF || errors.Is(err, errLineTooLong) {
				err = nil
			}
			return errors.Join(err, ferr)
		}
		if len(line) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			s.reply(nil, nil, &RPCError{Code: CodeParseError, Message: "parse error: " + err.Error()})
			continue
		}
		if m.JSONRPC != "2.0" || m.Method == "" {
			s.reply(m.ID, nil, &RPCError{Code: CodeInvalidRequest, Message: `invalid request: need "jsonrpc": "2.0" and a method`})
			continue
		}
		if m.ID == nil {
			continue // the harness sends no notifications; unknown ones are ignored
		}
		if !knownMethod(m.Method) {
			s.reply(m.ID, nil, &RPCError{Code: CodeMethodNotFound, Message: fmt.Sprintf("method %q not found", m.Method)})
			continue
		}
		if problems := schema.Validate(schema.Request(m.Method), line); len(problems) > 0 {
			s.reply(m.ID, nil, &RPCError{Code: CodeInvalidParams, Message: "invalid params: " + joinProblems(problems)})
			continue
		}
		switch {
		case m.Method == MethodInitialize && initialized:
			s.reply(m.ID, nil, &RPCError{Code: CodeInvalidRequest, Message: "initialize was already called"})
			continue
		case m.Method == MethodInitialize:
			// Handled before reading on: nothing else may run before the handshake.
			result, err := s.initialize(reqCtx, m.Params)
			if err == nil {
				initialized = true
			}
			s.answer(m.ID, result, err)
			continue
		case !initialized:
			s.reply(m.ID, nil, &RPCError{Code: CodeInvalidRequest, Message: fmt.Sprintf("%s before initialize", m.Method)})
			continue
		case m.Method == MethodShutdown:
			err := finish()
			s.answer(m.ID, struct{}{}, err)
			return nil
		}
		wg.Add(1)
		go func(m message) {
			defer wg.Done()
			result, err := s.handle(reqCtx, m)
			s.answer(m.ID, result, err)
		}(m)
	}
}

func knownMethod(method string) bool {
	switch method {
	case MethodInitialize, MethodCreateVat, MethodEvaluate, MethodStart, MethodTerminateVat, MethodTeardownVat, MethodShutdown:
		return true
	}
	return false
}

type server struct {
	impl Implementation
	log  io.Writer
	mu   sync.Mutex
	out  io.Writer
}

func (s *server) write(m message) {
	m.JSONRPC = "2.0"
	line, err := json.Marshal(m)
	if err != nil {
		fmt.Fprintf(s.log, "serve: encode message: %v\n", err)
		return
	}
	if len(line) > MaxLineBytes {
		// The protocol's line limit binds the adapter's output too: a longer line is a fault
		// that would cost the harness the whole adapter. What was too long is replaced by
		// what says so.
		fmt.Fprintf(s.log, "serve: a %d-byte line is longer than the protocol's %d; sending a shortened one\n", len(line), MaxLineBytes)
		short, ok := shorten(m, len(line))
		if !ok {
			return
		}
		if line, err = json.Marshal(short); err != nil {
			fmt.Fprintf(s.log, "serve: encode message: %v\n", err)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.out.Write(append(line, '\n')); err != nil {
		fmt.Fprintf(s.log, "serve: write: %v\n", err)
	}
}

// shorten replaces a message that would be a line of n bytes, more than MaxLineBytes: an
// answer becomes an internal error (-32603) saying so; a taskSettled becomes a rejection
// saying so; a log keeps the start of its message. Anything else (a notify is a few bytes)
// is dropped.
func shorten(m message, n int) (message, bool) {
	tooLong := fmt.Sprintf("would be a line of %d bytes, longer than the protocol's limit of %d (PROTOCOL.md §2)", n, MaxLineBytes)
	switch {
	case m.ID != nil:
		return message{JSONRPC: m.JSONRPC, ID: m.ID, Error: &RPCError{Code: CodeInternalError, Message: "the answer " + tooLong}}, true
	case m.Method == NotificationTaskSettled:
		var ev TaskSettledEvent
		if err := json.Unmarshal(m.Params, &ev); err != nil {
			return message{}, false
		}
		ev.Status, ev.Value = "rejected", nil
		ev.Error = &JSError{Name: "Error", Message: "the task settled, but its taskSettled notification " + tooLong}
		raw, err := json.Marshal(ev)
		if err != nil {
			return message{}, false
		}
		return message{JSONRPC: m.JSONRPC, Method: m.Method, Params: raw}, true
	case m.Method == NotificationLog:
		var ev LogEvent
		if err := json.Unmarshal(m.Params, &ev); err != nil {
			return message{}, false
		}
		// JSON escaping grows a byte at most sixfold (\u0000): an eighth of the limit, cut
		// at the start of a character, always fits.
		cut := min(MaxLineBytes/8, len(ev.Message))
		for cut > 0 && cut < len(ev.Message) && !utf8.RuneStart(ev.Message[cut]) {
			cut--
		}
		ev.Message = fmt.Sprintf("%s… [%d bytes cut: the log line %s]", ev.Message[:cut], len(ev.Message)-cut, tooLong)
		raw, err := json.Marshal(ev)
		if err != nil {
			return message{}, false
		}
		return message{JSONRPC: m.JSONRPC, Method: m.Method, Params: raw}, true
	}
	return message{}, false
}

// answer replies with result, or with err as a JSON-RPC error: an *RPCError as it is, any
// other error as an internal error.
func (s *server) answer(id *json.RawMessage, result any, err error) {
	var rpcErr *RPCError
	if err != nil && !errors.As(err, &rpcErr) {
		rpcErr = &RPCError{Code: CodeInternalError, Message: err.Error()}
	}
	s.reply(id, result, rpcErr)
}

func (s *server) reply(id *json.RawMessage, result any, rpcErr *RPCError) {
	m := message{ID: id}
	if rpcErr != nil {
		m.Error = rpcErr
	} else {
		raw, err := json.Marshal(result)
		if err != nil {
			m.Error = &RPCError{Code: CodeInternalError, Message: err.Error()}
		} else {
			m.Result = raw
		}
	}
	if id == nil {
		null := json.RawMessage("null")
		m.ID = &null
	}
	s.write(m)
}

func (s *server) notify(method string, params any) {
	raw, err := json.Marshal(params)
	if err != nil {
		fmt.Fprintf(s.log, "serve: encode %s: %v\n", method, err)
		return
	}
	s.write(message{Method: method, Params: raw})
}

func (s *server) Notify(ev NotifyEvent)           { s.notify(NotificationNotify, ev) }
func (s *server) Log(ev LogEvent)                 { s.notify(NotificationLog, ev) }
func (s *server) TaskSettled(ev TaskSettledEvent) { s.notify(NotificationTaskSettled, ev) }

func decode[T any](raw json.RawMessage) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, &RPCError{Code: CodeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return v, nil
}

func (s *server) initialize(ctx context.Context, raw json.RawMessage) (any, error) {
	p, err := decode[InitializeParams](raw)
	if err != nil {
		return nil, err
	}
	if p.ProtocolVersion != ProtocolVersion {
		return nil, &RPCError{Code: CodeInvalidParams, Message: fmt.Sprintf("protocol version %q is not supported; this adapter speaks %q", p.ProtocolVersion, ProtocolVersion)}
	}
	p.Listener = s
	return s.impl.Initialize(ctx, p)
}

func (s *server) handle(ctx context.Context, m message) (any, error) {
	empty := struct{}{}
	switch m.Method {
	case MethodCreateVat:
		p, err := decode[CreateVatParams](m.Params)
		if err != nil {
			return nil, err
		}
		return empty, s.impl.CreateVat(ctx, p)
	case MethodEvaluate:
		p, err := decode[EvaluateParams](m.Params)
		if err != nil {
			return nil, err
		}
		return s.impl.Evaluate(ctx, p.VatID, p.Source)
	case MethodStart:
		p, err := decode[StartParams](m.Params)
		if err != nil {
			return nil, err
		}
		return empty, s.impl.Start(ctx, p.VatID, p.TaskID, p.Source)
	case MethodTerminateVat:
		p, err := decode[TerminateVatParams](m.Params)
		if err != nil {
			return nil, err
		}
		return empty, s.impl.TerminateVat(ctx, p.VatID)
	case MethodTeardownVat:
		p, err := decode[TeardownVatParams](m.Params)
		if err != nil {
			return nil, err
		}
		td, ok := s.impl.(VatTeardown)
		if !ok {
			break
		}
		return empty, td.TeardownVat(ctx, p.VatID)
	}
	return nil, &RPCError{Code: CodeMethodNotFound, Message: fmt.Sprintf("method %q not found", m.Method)}
}
