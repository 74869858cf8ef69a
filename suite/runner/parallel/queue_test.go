package parallel

import (
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
	"github.com/conform-suite/conform/suite"
	"github.com/conform-suite/conform/suite/runner"
)

func catalogue(t *testing.T) []suite.Spec {
	t.Helper()
	plan, err := runner.Select(runner.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	return plan.Specs
}

// costs makes every spec cost d, and the tampering ones tampering each.
func costs(specs []suite.Spec, d, tampering time.Duration) runner.Costs {
	var ran []reports.SpecResult
	for _, s := range specs {
		took := d
		if s.Tampers {
			took = tampering
		}
		ran = append(ran, reports.SpecResult{ID: s.ID, Status: reports.StatusPassed, Duration: took})
	}
	return runner.CostsFrom(&reports.Run{Specs: ran})
}

// Workers asking at random moments are each handed every spec once, each worker its specs
// in the order of the plan (ahead of where it is in its own tree); tampering specs only to
// workers that have run nothing else, and no more of those than the queue allows; the serial
// specs last, to one worker, once the others have exited.
func TestQueueHandsEverySpecOnceInOrder(t *testing.T) {
	specs := catalogue(t)
	byID := map[string]suite.Spec{}
	for _, s := range specs {
		byID[s.ID] = s
	}
	for seed := int64(1); seed <= 20; seed++ {
		rnd := rand.New(rand.NewSource(seed))
		workers := 2 + rnd.Intn(7)
		q := newQueue(specs, costs(specs, 10*time.Millisecond, time.Duration(1+rnd.Intn(400))*time.Millisecond), workers)
		position := map[string]int{}
		for i, id := range q.order() {
			position[id] = i
		}
		pauses := make([][]time.Duration, workers+1)
		for w := range pauses {
			for range len(specs) {
				pauses[w] = append(pauses[w], time.Duration(rnd.Intn(200))*time.Microsecond)
			}
		}
		var mu sync.Mutex
		var problems []string
		handed := map[string]int{}
		maxOnTampering := 0
		var wg sync.WaitGroup
		for w := 1; w <= workers; w++ {
			if !q.join(w) {
				t.Fatalf("seed %d: worker %d was not wanted", seed, w)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer q.left(w)
				var mine []string
				ranOther := false
				for i := 0; ; i++ {
					ids := q.next(w)
					if len(ids) == 0 {
						return
					}
					for _, id := range ids {
						if byID[id].Tampers && len(ids) > 1 || byID[id].Serial && len(ids) > 1 {
							mu.Lock()
							problems = append(problems, fmt.Sprintf("worker %d handed %v at once", w, ids))
							mu.Unlock()
						}
					}
					for _, id := range ids {
						q.mu.Lock()
						alive, onTampering := q.alive, q.onTampering
						q.mu.Unlock()
						mu.Lock()
						if prev, twice := handed[id]; twice {
							problems = append(problems, fmt.Sprintf("%s handed to workers %d and %d", id, prev, w))
						}
						handed[id] = w
						if len(mine) > 0 && position[mine[len(mine)-1]] > position[id] {
							problems = append(problems, fmt.Sprintf("worker %d handed %s after %s, behind it in the plan", w, id, mine[len(mine)-1]))
						}
						switch spec := byID[id]; {
						case spec.Tampers && ranOther:
							problems = append(problems, fmt.Sprintf("worker %d handed tampering spec %s after other specs", w, id))
						case spec.Serial && alive > 1:
							problems = append(problems, fmt.Sprintf("serial spec %s handed while %d workers are alive", id, alive))
						case !spec.Tampers:
							ranOther = true
						}
						maxOnTampering = max(maxOnTampering, onTampering)
						mu.Unlock()
						mine = append(mine, id)
					}
					time.Sleep(pauses[w][i%len(pauses[w])])
				}
			}()
		}
		q.startsDone()
		wg.Wait()
		for _, p := range problems {
			t.Errorf("seed %d, %d workers: %s", seed, workers, p)
		}
		if len(handed) != len(specs) {
			t.Errorf("seed %d: %d specs handed out of %d", seed, len(handed), len(specs))
		}
		if maxOnTampering > q.maxTampering {
			t.Errorf("seed %d: %d workers on tampering specs, at most %d allowed", seed, maxOnTampering, q.maxTampering)
		}
	}
}

// As many workers take the tampering specs as their cost is even shares of the run: one
// when they are cheap, more when they would hold up the run.
func TestTamperingSpecsGoToAsManyWorkersAsTheyNeed(t *testing.T) {
	specs := catalogue(t)
	if q := newQueue(specs, runner.Costs{}, 6); q.maxTampering != 1 {
		t.Errorf("without costs: %d tampering workers, want 1", q.maxTampering)
	}
	if q := newQueue(specs, costs(specs, 10*time.Millisecond, 10*time.Millisecond), 6); q.maxTampering != 1 {
		t.Errorf("cheap tampering specs: %d tampering workers, want 1", q.maxTampering)
	}
	q := newQueue(specs, costs(specs, 10*time.Millisecond, time.Second), 6)
	if q.maxTampering < 2 || q.maxTampering > 6 {
		t.Errorf("tampering specs of 1 s each: %d tampering workers, want 2 to 6", q.maxTampering)
	}
	// Two fresh workers take them, a third the others, and a worker that ran others never
	// gets a tampering spec.
	q.maxTampering = 2
	for w := 1; w <= 3; w++ {
		q.join(w)
	}
	isTampering := func(id string) bool {
		return slices.Contains(q.tampering, id)
	}
	for w, want := range []bool{1: true, 2: true, 3: false} {
		if w == 0 {
			continue
		}
		if ids := q.next(w); isTampering(ids[0]) != want {
			t.Errorf("worker %d's first specs %v: tampering %v, want %v", w, ids, isTampering(ids[0]), want)
		}
	}
	if ids := q.next(3); isTampering(ids[0]) {
		t.Errorf("worker 3 was handed tampering spec %v after another spec", ids)
	}
}

// The serial specs wait until every other worker has exited and no more will start, and a
// stopped queue hands out nothing, not even to the worker waiting for them.
func TestSerialSpecsWaitForTheOthers(t *testing.T) {
	specs := []suite.Spec{
		{Requirement: suite.Requirement{ID: "A-001"}},
		{Requirement: suite.Requirement{ID: "A-002"}, Serial: true},
	}
	q := newQueue(specs, runner.Costs{}, 2)
	q.join(1)
	q.join(2)
	if ids := q.next(1); !slices.Equal(ids, []string{"A-001"}) {
		t.Fatalf("first specs %v", ids)
	}
	got := make(chan []string, 1)
	go func() {
		got <- q.next(2)
	}()
	for waiting := false; !waiting; time.Sleep(time.Millisecond) {
		q.mu.Lock()
		waiting = q.serialWorker == 2
		q.mu.Unlock()
	}
	if ids := q.next(1); len(ids) > 0 {
		t.Fatalf("worker 1 was handed %v too", ids)
	}
	select {
	case ids := <-got:
		t.Fatalf("serial spec %v handed while worker 1 is alive", ids)
	case <-time.After(50 * time.Millisecond):
	}
	q.left(1)
	select {
	case ids := <-got:
		t.Fatalf("serial spec %v handed before the last worker was started", ids)
	case <-time.After(50 * time.Millisecond):
	}
	q.startsDone()
	if ids := <-got; !slices.Equal(ids, []string{"A-002"}) {
		t.Errorf("serial specs %v, want [A-002]", ids)
	}

	q = newQueue(specs, runner.Costs{}, 2)
	q.join(1)
	q.join(2)
	q.startsDone()
	q.next(1)
	go func() {
		got <- q.next(2)
	}()
	time.Sleep(20 * time.Millisecond)
	q.stop(interrupted)
	if ids := <-got; len(ids) > 0 {
		t.Errorf("a stopped queue handed out %v", ids)
	}
	if rest, why := q.remaining(); !slices.Equal(rest, []string{"A-002"}) || why != interrupted {
		t.Errorf("remaining %v (%v), want [A-002] (interrupted)", rest, why)
	}
}

// Cheap specs go out several at once, consecutive in the plan, costing together no more
// than a small part of a worker's share; costly ones one at a time, and without costs every
// spec alone.
func TestCheapSpecsGoOutInRuns(t *testing.T) {
	specs := catalogue(t)
	c := costs(specs, 10*time.Millisecond, 10*time.Millisecond)
	q := newQueue(specs, c, 2)
	q.join(1)
	for range len(q.tampering) {
		if ids := q.next(1); len(ids) != 1 {
			t.Fatalf("tampering specs handed out %v at once", ids)
		}
	}
	ids := q.next(1)
	var cost time.Duration
	for _, id := range ids {
		cost += c.Of(id)
	}
	if len(ids) < 2 || cost > q.quantum {
		t.Errorf("handed %d specs costing %s at once (quantum %s)", len(ids), cost, q.quantum)
	}
	if !slices.Equal(ids, q.others[:len(ids)]) {
		t.Errorf("handed %v, not the first specs in order", ids)
	}
	q = newQueue(specs, runner.Costs{}, 2)
	q.join(1)
	for range 20 {
		if ids := q.next(1); len(ids) != 1 {
			t.Fatalf("without costs, handed %v at once", ids)
		}
	}
}
