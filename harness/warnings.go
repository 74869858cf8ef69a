package harness

// Protocol violations that do not stop an adapter, kept bounded for the run's report.

import (
	"fmt"
	"sync"
)

// MaxWarnings is how many distinct warnings an External keeps; later ones are counted.
const MaxWarnings = 50

// warningLog keeps distinct warnings in arrival order, counting repeats, up to
// MaxWarnings.
type warningLog struct {
	mu      sync.Mutex
	texts   []string
	counts  map[string]int
	dropped int
}

func (w *warningLog) add(text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counts == nil {
		w.counts = map[string]int{}
	}
	switch {
	case w.counts[text] > 0:
		w.counts[text]++
	case len(w.texts) < MaxWarnings:
		w.texts = append(w.texts, text)
		w.counts[text] = 1
	default:
		w.dropped++
	}
}

func (w *warningLog) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.texts)+1)
	for _, text := range w.texts {
		if n := w.counts[text]; n > 1 {
			text = fmt.Sprintf("%s [%d times]", text, n)
		}
		out = append(out, text)
	}
	if w.dropped > 0 {
		out = append(out, fmt.Sprintf("%d more warnings were not kept (at most %d distinct ones are)", w.dropped, MaxWarnings))
	}
	return out
}
