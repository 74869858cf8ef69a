package mocknet

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Outcome is how an exchange ended, or that it has not ended yet.
type Outcome string

const (
	OutcomeInFlight     Outcome = "in-flight"
	OutcomeCompleted    Outcome = "completed"
	OutcomeClientClosed Outcome = "client-closed"
	OutcomeServerReset  Outcome = "server-reset"
	OutcomeEscape       Outcome = "escape"
)

// bodyPrefixLimit is how much of each request body an observation keeps.
const bodyPrefixLimit = 4096

// Observation is what mocknet saw of one exchange: a request to a virtual host, or an
// attempt to reach something that is not one (an escape). Observations are values: the
// accessors of Network return copies, and an exchange still in flight is observed again,
// with a later state, under the same Seq.
type Observation struct {
	Seq uint64 `json:"seq"`
	// Host is the virtual host reached: the CONNECT target, the host of an absolute-form
	// request, or the Host header of an origin request.
	Host string `json:"host,omitempty"`
	// Via is how the request arrived: "proxy" (absolute-form), "connect" (inside a tunnel)
	// or "origin" (routed by its Host header).
	Via      string      `json:"via"`
	Method   string      `json:"method,omitempty"`
	Path     string      `json:"path,omitempty"`
	RawQuery string      `json:"rawQuery,omitempty"`
	Header   http.Header `json:"header,omitempty"`
	// HostHeader is the Host the request carried, which may differ from Host.
	HostHeader string `json:"hostHeader,omitempty"`
	BodyPrefix []byte `json:"bodyPrefix,omitempty"`
	BodyBytes  int64  `json:"bodyBytes"`

	Received        time.Time `json:"received"`
	ResponseStarted time.Time `json:"responseStarted,omitzero"`
	Finished        time.Time `json:"finished,omitzero"`
	BytesSent       int64     `json:"bytesSent"`
	Status          int       `json:"status,omitempty"`

	Outcome  Outcome   `json:"outcome"`
	ClosedAt time.Time `json:"closedAt,omitzero"`

	Escape bool `json:"escape,omitempty"`
	// Target is what an escape asked for (host:port or URL).
	Target string `json:"target,omitempty"`
	// Scope names the scope whose listener received the exchange ("" for the network's own).
	Scope string `json:"scope,omitempty"`
}

func (o Observation) String() string {
	if o.Escape {
		return fmt.Sprintf("#%d escape to %s via %s", o.Seq, o.Target, o.Via)
	}
	return fmt.Sprintf("#%d %s %s %s via %s: %s", o.Seq, o.Host, o.Method, o.Path, o.Via, o.Outcome)
}

// journal is the ordered record of every exchange of a network, with subscribers.
type journal struct {
	mu   sync.Mutex
	recs []*Observation
	subs map[int]chan Observation
	next int
}

func newJournal() *journal { return &journal{subs: map[int]chan Observation{}} }

// begin records a new exchange and returns its handle.
func (j *journal) begin(o Observation) *exchange {
	j.mu.Lock()
	o.Seq = uint64(len(j.recs) + 1)
	rec := &o
	j.recs = append(j.recs, rec)
	j.publishLocked(*rec)
	j.mu.Unlock()
	return &exchange{j: j, rec: rec}
}

func (j *journal) publishLocked(o Observation) {
	for _, ch := range j.subs {
		select {
		case ch <- clone(o):
		default:
			// A slow subscriber loses updates rather than stalling the network; the full
			// record stays available from Observations.
		}
	}
}

func (j *journal) all(since uint64, scope string, scoped bool) []Observation {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Observation
	for _, r := range j.recs {
		if r.Seq <= since || (scoped && r.Scope != scope) {
			continue
		}
		out = append(out, clone(*r))
	}
	return out
}

func (j *journal) lastSeq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return uint64(len(j.recs))
}

func (j *journal) subscribe() (<-chan Observation, func()) {
	j.mu.Lock()
	defer j.mu.Unlock()
	id := j.next
	j.next++
	ch := make(chan Observation, 1024)
	j.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			j.mu.Lock()
			delete(j.subs, id)
			j.mu.Unlock()
		})
	}
}

func clone(o Observation) Observation {
	o.Header = o.Header.Clone()
	o.BodyPrefix = append([]byte(nil), o.BodyPrefix...)
	return o
}

// exchange is the live record of one exchange, updated as it progresses.
type exchange struct {
	j   *journal
	rec *Observation
}

func (x *exchange) update(fn func(o *Observation)) {
	x.j.mu.Lock()
	fn(x.rec)
	x.j.publishLocked(*x.rec)
	x.j.mu.Unlock()
}

// finish settles the outcome once; later calls do not overwrite it.
func (x *exchange) finish(outcome Outcome, at time.Time) {
	x.update(func(o *Observation) {
		if o.Outcome != OutcomeInFlight {
			return
		}
		o.Outcome = outcome
		o.Finished = at
		if outcome == OutcomeClientClosed {
			o.ClosedAt = at
		}
	})
}

// WaitFor blocks until an observation satisfying pred exists (checked against each
// exchange's latest state) and returns it, or returns ctx's error.
func (n *Network) WaitFor(ctx context.Context, pred func(Observation) bool) (Observation, error) {
	ch, cancel := n.j.subscribe()
	defer cancel()
	for _, o := range n.Observations() {
		if pred(o) {
			return o, nil
		}
	}
	for {
		select {
		case o := <-ch:
			if pred(o) {
				return o, nil
			}
		case <-ctx.Done():
			return Observation{}, fmt.Errorf("wait for observation: %w", ctx.Err())
		}
	}
}
