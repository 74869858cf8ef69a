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
	// OutcomeClosed ends a tunnel record: the tunnel was closed, by either side.
	OutcomeClosed Outcome = "closed"
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
	// Preflight marks a CORS preflight (OPTIONS with Origin and
	// Access-Control-Request-Method), which the network answers itself: contact with the
	// host, but not a request the vat made. Specs that count a vat's requests skip these.
	Preflight bool `json:"preflight,omitempty"`
	// TLS is the handshake of the TLS tunnel the request arrived in (nil for plain HTTP),
	// or, on a tunnel record, the handshake tried in that tunnel (nil when the client spoke
	// plain HTTP in it or nothing at all).
	TLS *Handshake `json:"tls,omitempty"`
	// Tunnel marks the record of a CONNECT tunnel to a virtual host rather than of a
	// request: Host and Target say where to, Received and ClosedAt when it was open, TLS
	// what handshake happened in it. Tunnels are listed apart (Network.Tunnels), so that
	// counting a vat's requests never counts the connections they took.
	Tunnel bool `json:"tunnel,omitempty"`
	// TunnelSeq is, for a request that arrived in a CONNECT tunnel, the Seq of that
	// tunnel's record: a client that keeps connections alive sends many requests, of many
	// specs, through one tunnel.
	TunnelSeq uint64 `json:"tunnelSeq,omitempty"`
}

func (o Observation) String() string {
	if o.Tunnel {
		return fmt.Sprintf("#%d tunnel to %s: %s, %s", o.Seq, o.Target, o.TLS, o.Outcome)
	}
	if o.Escape {
		return fmt.Sprintf("#%d escape to %s via %s", o.Seq, o.Target, o.Via)
	}
	if o.Preflight {
		return fmt.Sprintf("#%d %s CORS preflight %s %s via %s: %s", o.Seq, o.Host, o.Header.Get("Access-Control-Request-Method"), o.Path, o.Via, o.Outcome)
	}
	return fmt.Sprintf("#%d %s %s %s via %s: %s", o.Seq, o.Host, o.Method, o.Path, o.Via, o.Outcome)
}

// journal is the ordered record of every exchange of a network, with subscribers.
type journal struct {
	mu   sync.Mutex
	recs []*Observation
	subs map[int]*subscriber
	next int
}

func newJournal() *journal { return &journal{subs: map[int]*subscriber{}} }

// subscriber is one Subscribe. It never holds copies of observations: it queues the Seq of
// each record that changed since it was last handed over (once, however often it changed),
// and its pump hands over the record's latest state when the reader takes it. So a reader
// that falls behind loses nothing, never slows the network, and costs at most one queue
// entry per record, whatever the number of updates.
type subscriber struct {
	out    chan Observation
	queue  []uint64        // Seqs changed and not yet handed over, oldest change first
	queued map[uint64]bool // the Seqs in queue
	wake   chan struct{}   // has a value when queue may have grown
	done   chan struct{}   // closed by cancel
}

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

// publishLocked tells every subscriber that the record o.Seq changed.
func (j *journal) publishLocked(o Observation) {
	for _, s := range j.subs {
		if s.queued[o.Seq] {
			continue // it will be handed over in its latest state anyway
		}
		s.queued[o.Seq] = true
		s.queue = append(s.queue, o.Seq)
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// all returns the records after since, of one scope when scoped: the tunnels when tunnels
// is set, else the exchanges.
func (j *journal) all(since uint64, scope string, scoped, tunnels bool) []Observation {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Observation
	for _, r := range j.recs {
		if r.Seq <= since || (scoped && r.Scope != scope) || r.Tunnel != tunnels {
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
	s := &subscriber{
		out: make(chan Observation), queued: map[uint64]bool{},
		wake: make(chan struct{}, 1), done: make(chan struct{}),
	}
	j.mu.Lock()
	id := j.next
	j.next++
	j.subs[id] = s
	j.mu.Unlock()
	go j.pump(s)
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			j.mu.Lock()
			delete(j.subs, id)
			j.mu.Unlock()
			close(s.done)
		})
	}
}

// pump hands s's queued records to its reader, each in its state at the time of handing
// over, until s is cancelled.
func (j *journal) pump(s *subscriber) {
	for {
		j.mu.Lock()
		if len(s.queue) == 0 {
			s.queue = nil // drop the emptied backing array
			j.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		seq := s.queue[0]
		s.queue = s.queue[1:]
		delete(s.queued, seq)
		o := clone(*j.recs[seq-1])
		j.mu.Unlock()
		select {
		case s.out <- o:
		case <-s.done:
			return
		}
	}
}

func clone(o Observation) Observation {
	o.Header = o.Header.Clone()
	o.BodyPrefix = append([]byte(nil), o.BodyPrefix...)
	o.TLS = copyHandshake(o.TLS)
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

// finish settles the outcome once; later calls neither overwrite it nor tell subscribers
// of a change, so an exchange is seen finishing once.
func (x *exchange) finish(outcome Outcome, at time.Time) {
	x.j.mu.Lock()
	defer x.j.mu.Unlock()
	o := x.rec
	if o.Outcome != OutcomeInFlight {
		return
	}
	o.Outcome = outcome
	o.Finished = at
	if outcome == OutcomeClientClosed {
		o.ClosedAt = at
	}
	x.j.publishLocked(*o)
}

// WaitFor blocks until an observation satisfying pred exists (checked against each
// exchange's latest state; tunnel records are not offered) and returns it, or returns
// ctx's error.
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
			if !o.Tunnel && pred(o) {
				return o, nil
			}
		case <-ctx.Done():
			return Observation{}, fmt.Errorf("wait for observation: %w", ctx.Err())
		}
	}
}
