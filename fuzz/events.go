package fuzz

import (
	"context"
	"sync"

	"github.com/conform-suite/conform/harness"
)

// eventKind is the kind of a notification an implementation sent.
type eventKind int

const (
	evNotify eventKind = iota
	evLog
	evSettled
)

// event is one notification, in the order the implementation sent it.
type event struct {
	kind    eventKind
	method  string // notify: OutboundRequest or OutboundResponse
	taskID  string
	settled harness.TaskSettledEvent
}

// eventLog is the harness.Listener of one implementation instance: it files every
// notification under its vat, in order, and wakes whoever waits for one.
type eventLog struct {
	mu      sync.Mutex
	vats    map[string][]event
	changed chan struct{}
}

var _ harness.Listener = (*eventLog)(nil)

func newEventLog() *eventLog {
	return &eventLog{vats: map[string][]event{}, changed: make(chan struct{})}
}

func (l *eventLog) add(vat string, ev event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if list, ok := l.vats[vat]; ok {
		l.vats[vat] = append(list, ev)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *eventLog) Notify(ev harness.NotifyEvent) {
	l.add(ev.VatID, event{kind: evNotify, method: ev.Method})
}

func (l *eventLog) Log(ev harness.LogEvent) { l.add(ev.VatID, event{kind: evLog}) }

func (l *eventLog) TaskSettled(ev harness.TaskSettledEvent) {
	l.add(ev.VatID, event{kind: evSettled, taskID: ev.TaskID, settled: ev})
}

// track starts filing the events of vat; events of vats not tracked are dropped (a vat of
// an earlier program, whose implementation keeps talking about it).
func (l *eventLog) track(vat string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vats[vat] = []event{}
}

// forget stops filing the events of vat.
func (l *eventLog) forget(vat string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.vats, vat)
}

// mark is how many events of vat arrived so far.
func (l *eventLog) mark(vat string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.vats[vat])
}

// since returns the events of vat from index i on.
func (l *eventLog) since(vat string, i int) []event {
	l.mu.Lock()
	defer l.mu.Unlock()
	list := l.vats[vat]
	if i >= len(list) {
		return nil
	}
	return append([]event(nil), list[i:]...)
}

// settlement returns the taskSettled of a task, if it came.
func (l *eventLog) settlement(vat, task string) (harness.TaskSettledEvent, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range l.vats[vat] {
		if ev.kind == evSettled && ev.taskID == task {
			return ev.settled, true
		}
	}
	return harness.TaskSettledEvent{}, false
}

// waitSettled waits until the task settles or ctx ends.
func (l *eventLog) waitSettled(ctx context.Context, vat, task string) (harness.TaskSettledEvent, bool) {
	for {
		l.mu.Lock()
		changed := l.changed
		l.mu.Unlock()
		if ev, ok := l.settlement(vat, task); ok {
			return ev, true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return harness.TaskSettledEvent{}, false
		}
	}
}

// notifyCounts counts the OutboundRequest and OutboundResponse events of vat, and reports
// whether a response was ever notified before its request (more responses than requests at
// some point).
func (l *eventLog) notifyCounts(vat string) (requests, responses int, unpaired bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range l.vats[vat] {
		if ev.kind != evNotify {
			continue
		}
		switch ev.method {
		case "OutboundRequest":
			requests++
		case "OutboundResponse":
			responses++
			if responses > requests {
				unpaired = true
			}
		}
	}
	return requests, responses, unpaired
}
