package dsl

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/conform-suite/conform/harness"
)

// EventLog is the harness.Listener of a run: it keeps every event per vat so specs can ask
// what a vat emitted, in order.
type EventLog struct {
	mu      sync.Mutex
	notify  map[string][]harness.NotifyEvent
	logLine map[string][]harness.LogEvent
	settled map[string]harness.TaskSettledEvent // by vatID + "/" + taskID
	// extra counts settlements that arrived more than once for a task: a protocol violation
	// the suite reports.
	extra map[string]int
}

func NewEventLog() *EventLog {
	return &EventLog{
		notify:  map[string][]harness.NotifyEvent{},
		logLine: map[string][]harness.LogEvent{},
		settled: map[string]harness.TaskSettledEvent{},
		extra:   map[string]int{},
	}
}

func (l *EventLog) Notify(ev harness.NotifyEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notify[ev.VatID] = append(l.notify[ev.VatID], ev)
}

func (l *EventLog) Log(ev harness.LogEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logLine[ev.VatID] = append(l.logLine[ev.VatID], ev)
}

func (l *EventLog) TaskSettled(ev harness.TaskSettledEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := ev.VatID + "/" + ev.TaskID
	if _, dup := l.settled[key]; dup {
		l.extra[key]++
		return
	}
	l.settled[key] = ev
}

func (l *EventLog) notifications(vatID string) []harness.NotifyEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]harness.NotifyEvent(nil), l.notify[vatID]...)
}

func (l *EventLog) logs(vatID string) []harness.LogEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]harness.LogEvent(nil), l.logLine[vatID]...)
}

func (l *EventLog) settlement(vatID, taskID string) (harness.TaskSettledEvent, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ev, ok := l.settled[vatID+"/"+taskID]
	return ev, ok
}

// Violations lists what the implementation emitted against the protocol without failing a
// spec: settlements that arrived more than once, and events for vats that were never
// created (known says which vat IDs were). The runner puts them in the run's warnings.
func (l *EventLog) Violations(known func(vatID string) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for key, n := range l.extra {
		out = append(out, fmt.Sprintf("taskSettled for task %s arrived %d more time(s); a task settles once (PROTOCOL.md, taskSettled)", key, n))
	}
	unknown := map[string][]string{}
	for vat := range l.notify {
		if !known(vat) {
			unknown[vat] = append(unknown[vat], "notify")
		}
	}
	for vat := range l.logLine {
		if !known(vat) {
			unknown[vat] = append(unknown[vat], "log")
		}
	}
	for key := range l.settled {
		vat, _, _ := strings.Cut(key, "/")
		if !known(vat) {
			unknown[vat] = append(unknown[vat], "taskSettled")
		}
	}
	for vat, kinds := range unknown {
		out = append(out, fmt.Sprintf("%s for vat %q, which the suite never created; events carry the vatId of the vat that emitted them (PROTOCOL.md)", strings.Join(kinds, ", "), vat))
	}
	sort.Strings(out)
	return out
}
