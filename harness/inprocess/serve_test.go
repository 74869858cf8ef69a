package inprocess_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness"
	"github.com/conform-suite/conform/harness/inprocess"
)

// stdioAdapter is the in-process reference served over pipes as `conform adapter
// reference` serves it over stdio.
type stdioAdapter struct {
	t      *testing.T
	in     *io.PipeWriter
	out    *bufio.Reader
	nextID int
	served chan error
}

func serveReference(t *testing.T) *stdioAdapter {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	a := &stdioAdapter{t: t, in: inW, out: bufio.NewReaderSize(outR, 1<<20), served: make(chan error, 1)}
	go func() {
		a.served <- harness.Serve(context.Background(), inprocess.New(inprocess.Options{}), inR, outW, io.Discard)
		_ = outW.Close()
	}()
	t.Cleanup(func() {
		_ = inW.Close()
		go func() { _, _ = io.Copy(io.Discard, outR) }() // let Serve finish writing
		if err := <-a.served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return a
}

// line is one line the adapter wrote, with its length.
type line struct {
	raw    []byte
	ID     *int
	Method string
	Params json.RawMessage
	Result json.RawMessage
	Error  *harness.RPCError
}

func (a *stdioAdapter) read() line {
	a.t.Helper()
	raw, err := a.out.ReadBytes('\n')
	if err != nil {
		a.t.Fatalf("read from the adapter: %v", err)
	}
	l := line{raw: raw[:len(raw)-1]}
	var m struct {
		ID     *int              `json:"id"`
		Method string            `json:"method"`
		Params json.RawMessage   `json:"params"`
		Result json.RawMessage   `json:"result"`
		Error  *harness.RPCError `json:"error"`
	}
	if err := json.Unmarshal(l.raw, &m); err != nil {
		a.t.Fatalf("a line that is not JSON (%d bytes): %v", len(l.raw), err)
	}
	l.ID, l.Method, l.Params, l.Result, l.Error = m.ID, m.Method, m.Params, m.Result, m.Error
	return l
}

// call sends a request and returns its answer, and the notifications written before it.
func (a *stdioAdapter) call(method string, params any) (answer line, notifications []line) {
	a.t.Helper()
	a.nextID++
	req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": a.nextID, "method": method, "params": params})
	if _, err := a.in.Write(append(req, '\n')); err != nil {
		a.t.Fatalf("write %s: %v", method, err)
	}
	for {
		l := a.read()
		if l.ID != nil && *l.ID == a.nextID {
			return l, notifications
		}
		notifications = append(notifications, l)
	}
}

// TestServeKeepsItsLinesWithinTheLimit checks that the in-process adapter served over
// stdio never writes a line longer than the protocol's 16 MiB: an answer that would be
// longer is a -32603 error saying so, a taskSettled a rejection saying so, a log is cut;
// and the adapter goes on answering.
func TestServeKeepsItsLinesWithinTheLimit(t *testing.T) {
	a := serveReference(t)
	if ans, _ := a.call(harness.MethodInitialize, map[string]any{"protocolVersion": harness.ProtocolVersion,
		"network": map[string]any{"proxy": "http://127.0.0.1:1"}}); ans.Error != nil {
		t.Fatalf("initialize: %v", ans.Error)
	}
	if ans, _ := a.call(harness.MethodCreateVat, map[string]any{"vatId": "v", "globals": []string{"Headers"}}); ans.Error != nil {
		t.Fatalf("createVat: %v", ans.Error)
	}
	huge := fmt.Sprintf("'x'.repeat(%d)", harness.MaxLineBytes+1<<10)
	checkLength := func(what string, l line) {
		t.Helper()
		if len(l.raw) > harness.MaxLineBytes {
			t.Errorf("%s: a line of %d bytes, more than %d", what, len(l.raw), harness.MaxLineBytes)
		}
	}

	ans, _ := a.call(harness.MethodEvaluate, map[string]any{"vatId": "v", "source": "return " + huge + ";"})
	checkLength("evaluate", ans)
	if ans.Error == nil || ans.Error.Code != harness.CodeInternalError || !strings.Contains(ans.Error.Message, "longer than the protocol's limit of 16777216") {
		t.Errorf("evaluate of a value longer than the limit answered %s, want a -32603 error naming the limit", truncated(ans.raw))
	}

	ans, notes := a.call(harness.MethodStart, map[string]any{"vatId": "v", "taskId": "t", "source": "console.log(" + huge + "); return " + huge + ";"})
	checkLength("start", ans)
	if ans.Error != nil {
		t.Fatalf("start: %v", ans.Error)
	}
	// The log and the settlement come after the answer; read up to the settlement.
	for len(notes) < 2 {
		notes = append(notes, a.read())
	}
	var sawLog, sawSettled bool
	for _, n := range notes {
		checkLength(n.Method, n)
		switch n.Method {
		case harness.NotificationLog:
			var ev harness.LogEvent
			_ = json.Unmarshal(n.Params, &ev)
			sawLog = strings.HasPrefix(ev.Message, "xxxx") && strings.Contains(ev.Message, "bytes cut")
		case harness.NotificationTaskSettled:
			var ev harness.TaskSettledEvent
			_ = json.Unmarshal(n.Params, &ev)
			sawSettled = ev.TaskID == "t" && ev.Status == "rejected" && ev.Error != nil && strings.Contains(ev.Error.Message, "longer than the protocol's limit")
		}
	}
	if !sawLog || !sawSettled {
		t.Errorf("the notifications of a task logging and returning more than the limit: log cut %v, settlement rejected %v", sawLog, sawSettled)
	}

	ans, _ = a.call(harness.MethodEvaluate, map[string]any{"vatId": "v", "source": "return 'still here';"})
	if ans.Error != nil || string(ans.Result) != `{"value":"still here"}` {
		t.Errorf("an evaluate after the long lines answered %s", truncated(ans.raw))
	}
	if ans, _ := a.call(harness.MethodShutdown, map[string]any{}); ans.Error != nil {
		t.Errorf("shutdown: %v", ans.Error)
	}
}

func truncated(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return string(b)
}
