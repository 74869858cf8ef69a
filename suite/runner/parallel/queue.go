package parallel

import (
	"slices"
	"sync"
	"time"

	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

// queue hands the specs out to the workers as they ask, in runner.Order (see the package
// documentation), and keeps track of the workers, so that the specs that run alone wait
// until every other worker has exited.
type queue struct {
	mu   sync.Mutex
	cond *sync.Cond

	// The specs in order, in their three groups, and how many of each were handed out.
	tampering, others, serial []string
	nt, no, ns                int
	// maxTampering is how many workers may take tampering specs; onTampering how many do.
	maxTampering, onTampering int
	// A worker is handed consecutive other specs at once up to a cost of quantum, so that
	// it asks less often for cheap ones.
	costs   runner.Costs
	quantum time.Duration

	workers map[int]*workerState
	// alive counts the workers started and not yet exited; fresh those of them that have
	// not asked for a spec yet.
	alive, fresh int
	// allStarted: no other worker will be started.
	allStarted bool
	// serialWorker is the worker the serial specs go to, once one asked for them.
	serialWorker int
	stopped      stopReason
}

// quantumsPerShare: a run of cheap specs handed out at once costs at most this fraction
// of an even share of the run (so the workers still end within about that of each other).
const quantumsPerShare = 32

type workerState struct {
	asked     bool     // it asked for a spec at least once
	tampering bool     // it takes tampering specs (it has run nothing else)
	handed    []string // the specs handed to it, in order
}

type stopReason int

const (
	running     stopReason = iota
	interrupted            // the run was interrupted (its context is done)
	failedFast             // a spec failed under FailFast
)

// newQueue orders the specs for workers at most workers.
func newQueue(specs []suite.Spec, costs runner.Costs, workers int) *queue {
	q := &queue{workers: map[int]*workerState{}, costs: costs}
	q.cond = sync.NewCond(&q.mu)
	var tamperingCost, all time.Duration
	for _, s := range runner.Order(specs, costs) {
		c := costs.Of(s.ID)
		all += c
		switch {
		case s.Tampers:
			q.tampering = append(q.tampering, s.ID)
			tamperingCost += c
		case s.Serial:
			q.serial = append(q.serial, s.ID)
		default:
			q.others = append(q.others, s.ID)
		}
	}
	// As many workers take the tampering specs as their cost is even shares of the run.
	q.maxTampering = 1
	if share := all / time.Duration(max(1, workers)); share > 0 {
		q.maxTampering = int((tamperingCost + share - 1) / share)
		if costs.Known() { // else nothing says which specs are cheap
			q.quantum = share / quantumsPerShare
		}
	}
	q.maxTampering = min(max(1, q.maxTampering), max(1, workers))
	return q
}

// order is every spec in the order they are handed out: each worker's plan.
func (q *queue) order() []string {
	var ids []string
	ids = append(ids, q.tampering...)
	ids = append(ids, q.others...)
	return append(ids, q.serial...)
}

// join says whether another worker would find specs to take, and if so counts it as
// started (worker w).
func (q *queue) join(w int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	wanted := q.no < len(q.others) ||
		q.nt < len(q.tampering) && q.onTampering+q.fresh < q.maxTampering ||
		q.alive == 0 && (q.nt < len(q.tampering) || q.ns < len(q.serial))
	if q.stopped != running || !wanted {
		return false
	}
	q.workers[w] = &workerState{}
	q.alive++
	q.fresh++
	return true
}

// startsDone records that no other worker will be started.
func (q *queue) startsDone() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.allStarted = true
	q.cond.Broadcast()
}

// left records that worker w exited.
func (q *queue) left(w int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	st := q.workers[w]
	q.alive--
	if !st.asked {
		q.fresh--
	}
	if st.tampering {
		st.tampering = false
		q.onTampering--
	}
	if q.serialWorker == w {
		// It stopped early (its implementation hung): the next worker to ask takes the
		// serial specs left.
		q.serialWorker = 0
	}
	q.cond.Broadcast()
}

// stop hands out nothing more.
func (q *queue) stop(why stopReason) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped == running {
		q.stopped = why
	}
	q.cond.Broadcast()
}

// next is the specs worker w runs next, none when there is none for it: one spec, or
// consecutive other specs that together cost no more than the quantum.
func (q *queue) next(w int) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	st := q.workers[w]
	fresh := !st.asked
	if fresh {
		st.asked = true
		q.fresh--
	}
	if q.stopped != running {
		return nil
	}
	// Tampering specs go to workers that have run nothing else.
	if q.nt < len(q.tampering) && (st.tampering || fresh && q.onTampering < q.maxTampering) {
		if !st.tampering {
			st.tampering = true
			q.onTampering++
		}
		q.nt++
		return q.hand(st, q.tampering[q.nt-1:q.nt])
	}
	if st.tampering {
		st.tampering = false
		q.onTampering--
	}
	if q.no < len(q.others) {
		from, cost := q.no, q.costs.Of(q.others[q.no])
		for q.no++; q.no < len(q.others) && cost+q.costs.Of(q.others[q.no]) <= q.quantum; q.no++ {
			cost += q.costs.Of(q.others[q.no])
		}
		return q.hand(st, q.others[from:q.no])
	}
	if q.ns == len(q.serial) {
		return nil
	}
	// The serial specs go to the first worker that asks, once every other one has exited.
	if q.serialWorker == 0 {
		q.serialWorker = w
	}
	if q.serialWorker != w {
		return nil
	}
	for q.stopped == running && (q.alive > 1 || !q.allStarted) {
		q.cond.Wait()
	}
	if q.stopped != running {
		return nil
	}
	q.ns++
	return q.hand(st, q.serial[q.ns-1:q.ns])
}

func (q *queue) hand(st *workerState, ids []string) []string {
	st.handed = append(st.handed, ids...)
	return slices.Clone(ids)
}

// handedTo lists the specs handed to worker w.
func (q *queue) handedTo(w int) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if st := q.workers[w]; st != nil {
		return append([]string(nil), st.handed...)
	}
	return nil
}

// remaining lists the specs no worker was handed, and why the queue stopped.
func (q *queue) remaining() ([]string, stopReason) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var ids []string
	ids = append(ids, q.tampering[q.nt:]...)
	ids = append(ids, q.others[q.no:]...)
	ids = append(ids, q.serial[q.ns:]...)
	return ids, q.stopped
}
