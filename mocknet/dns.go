package mocknet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS: a runtime that resolves host names itself (Deno looks up a proxied fetch's host to
// check its permissions) sends those names to a DNS server, which is a channel past the
// allowlist when the name is one the vat may not reach, and traffic off the machine when
// the server is the system's. The network answers DNS on a loopback port of its own, UDP
// and TCP: every registered virtual host is 127.0.0.1 (A) and ::1 (AAAA), every other name
// is NXDOMAIN, and every question asked is recorded as a Lookup, which specs assert on like
// exchanges. It never forwards a query anywhere.

// Lookup is one question mocknet's DNS server was asked.
type Lookup struct {
	Seq uint64 `json:"seq"`
	// Name is the name asked for, lower-cased, without the final dot.
	Name string `json:"name"`
	// Type is the record type asked for: "A", "AAAA", "HTTPS", … ("TYPE123" when unnamed).
	Type string `json:"type"`
	// Transport is "udp" or "tcp".
	Transport string `json:"transport"`
	// Client is the address the question came from.
	Client   string    `json:"client"`
	Received time.Time `json:"received"`
	// Answer is what the server answered: the address given (127.0.0.1 or ::1), "NODATA" (a
	// virtual host, asked for another type), "NXDOMAIN" (not a virtual host) or "REFUSED" (not
	// a standard query of class IN).
	Answer string `json:"answer"`
}

func (l Lookup) String() string {
	return fmt.Sprintf("#%d DNS %s %s from %s over %s: %s", l.Seq, l.Type, l.Name, l.Client, l.Transport, l.Answer)
}

// DNSAddr is the address of the network's DNS server, UDP and TCP, e.g. "127.0.0.1:40124".
func (n *Network) DNSAddr() string { return n.dns.addr() }

// Lookups returns every question the DNS server was asked, in arrival order.
func (n *Network) Lookups() []Lookup { return n.lookups.since(0) }

// LookupsSince returns the questions asked after seq.
func (n *Network) LookupsSince(seq uint64) []Lookup { return n.lookups.since(seq) }

// LastLookupSeq is the Seq of the latest lookup (0 when none).
func (n *Network) LastLookupSeq() uint64 { return n.lookups.last() }

// SubscribeLookups delivers every lookup from now on, in order, until cancel is called; the
// channel is never closed. A reader that falls behind loses nothing and never blocks the
// server: lookups are kept in the log, and the subscription only remembers how far it got.
func (n *Network) SubscribeLookups() (<-chan Lookup, func()) { return n.lookups.subscribe() }

// lookupLog is the ordered record of the questions asked, with a broadcast of each append.
type lookupLog struct {
	mu   sync.Mutex
	recs []Lookup
	// grew is closed and replaced at every append: waiters take it under mu.
	grew chan struct{}
}

func newLookupLog() *lookupLog { return &lookupLog{grew: make(chan struct{})} }

func (g *lookupLog) add(l Lookup) {
	g.mu.Lock()
	l.Seq = uint64(len(g.recs) + 1)
	g.recs = append(g.recs, l)
	close(g.grew)
	g.grew = make(chan struct{})
	g.mu.Unlock()
}

func (g *lookupLog) since(seq uint64) []Lookup {
	g.mu.Lock()
	defer g.mu.Unlock()
	if seq >= uint64(len(g.recs)) {
		return nil
	}
	return append([]Lookup(nil), g.recs[seq:]...)
}

func (g *lookupLog) last() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return uint64(len(g.recs))
}

func (g *lookupLog) subscribe() (<-chan Lookup, func()) {
	out, done := make(chan Lookup), make(chan struct{})
	next := g.last()
	go func() {
		for {
			g.mu.Lock()
			if next >= uint64(len(g.recs)) {
				grew := g.grew
				g.mu.Unlock()
				select {
				case <-grew:
					continue
				case <-done:
					return
				}
			}
			l := g.recs[next]
			g.mu.Unlock()
			select {
			case out <- l:
				next++
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(done) }) }
}

// dnsServer answers DNS over UDP and TCP on one loopback port.
type dnsServer struct {
	n   *Network
	udp net.PacketConn
	tcp net.Listener

	mu    sync.Mutex
	conns map[net.Conn]bool
}

// startDNS opens the server on host (a loopback address): UDP on a free port, TCP on the
// same port, trying again when another process holds that port's TCP side.
func (n *Network) startDNS(host string) (*dnsServer, error) {
	var errs []error
	for range 10 {
		udp, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("mocknet DNS: listen UDP on %s: %w", host, err)
		}
		tcp, err := net.Listen("tcp", udp.LocalAddr().String())
		if err != nil {
			_ = udp.Close()
			errs = append(errs, err)
			continue
		}
		s := &dnsServer{n: n, udp: udp, tcp: tcp, conns: map[net.Conn]bool{}}
		n.wg.Add(2)
		go s.serveUDP()
		go s.serveTCP()
		return s, nil
	}
	return nil, fmt.Errorf("mocknet DNS: no port free for both UDP and TCP on %s: %w", host, errors.Join(errs...))
}

func (s *dnsServer) addr() string { return s.udp.LocalAddr().String() }

func (s *dnsServer) close() error {
	err := errors.Join(s.udp.Close(), s.tcp.Close())
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	return err
}

func (s *dnsServer) serveUDP() {
	defer s.n.wg.Done()
	buf := make([]byte, 65535)
	for {
		k, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if answer := s.answer(buf[:k], "udp", from.String()); answer != nil {
			// An answer is at most one record for a name of at most 255 bytes: always
			// under UDP's 512.
			_, _ = s.udp.WriteTo(answer, from)
		}
	}
}

func (s *dnsServer) serveTCP() {
	defer s.n.wg.Done()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.n.wg.Add(1)
		go s.serveConn(c)
	}
}

// serveConn answers length-prefixed queries on one TCP connection until the client closes
// it, stays idle for 10 s, or the network closes.
func (s *dnsServer) serveConn(c net.Conn) {
	defer s.n.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		_ = c.Close()
	}()
	var size [2]byte
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(c, size[:]); err != nil {
			return
		}
		msg := make([]byte, binary.BigEndian.Uint16(size[:]))
		if _, err := io.ReadFull(c, msg); err != nil {
			return
		}
		answer := s.answer(msg, "tcp", c.RemoteAddr().String())
		if answer == nil {
			return
		}
		out := binary.BigEndian.AppendUint16(nil, uint16(len(answer)))
		if _, err := c.Write(append(out, answer...)); err != nil {
			return
		}
	}
}

// answer records the question of msg and builds the reply; nil when msg is not a query
// (nothing to answer).
func (s *dnsServer) answer(msg []byte, transport, client string) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.Response {
		return nil
	}
	reply := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired}
	questions, err := p.AllQuestions()
	if err != nil || len(questions) != 1 {
		reply.RCode = dnsmessage.RCodeFormatError
		return build(reply, nil, nil)
	}
	q := questions[0]
	l := Lookup{Name: strings.TrimSuffix(strings.ToLower(q.Name.String()), "."), Type: typeName(q.Type),
		Transport: transport, Client: client, Received: time.Now()}
	var answers []dnsmessage.Resource
	_, virtual := s.n.host(l.Name)
	switch {
	case h.OpCode != 0 || q.Class != dnsmessage.ClassINET:
		reply.RCode, l.Answer = dnsmessage.RCodeRefused, "REFUSED"
	case !virtual:
		reply.RCode, l.Answer = dnsmessage.RCodeNameError, "NXDOMAIN"
	case q.Type == dnsmessage.TypeA:
		answers = append(answers, loopback(q, &dnsmessage.AResource{A: netip.MustParseAddr("127.0.0.1").As4()}))
		l.Answer = "127.0.0.1"
	case q.Type == dnsmessage.TypeAAAA:
		answers = append(answers, loopback(q, &dnsmessage.AAAAResource{AAAA: netip.IPv6Loopback().As16()}))
		l.Answer = "::1"
	default:
		l.Answer = "NODATA"
	}
	s.n.lookups.add(l)
	return build(reply, &q, answers)
}

// loopback is an answer record for q with a TTL of 0, so that no cache spares the next
// lookup from being seen.
func loopback(q dnsmessage.Question, body dnsmessage.ResourceBody) dnsmessage.Resource {
	return dnsmessage.Resource{Header: dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0}, Body: body}
}

func build(h dnsmessage.Header, q *dnsmessage.Question, answers []dnsmessage.Resource) []byte {
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), h)
	b.EnableCompression()
	if q != nil {
		_ = b.StartQuestions()
		_ = b.Question(*q)
	}
	_ = b.StartAnswers()
	for _, a := range answers {
		switch body := a.Body.(type) {
		case *dnsmessage.AResource:
			_ = b.AResource(a.Header, *body)
		case *dnsmessage.AAAAResource:
			_ = b.AAAAResource(a.Header, *body)
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

// typeName names a record type: "A", "AAAA", "HTTPS", or "TYPE<n>".
func typeName(t dnsmessage.Type) string {
	name := t.String()
	if strings.HasPrefix(name, "Type") {
		return strings.TrimPrefix(name, "Type")
	}
	return fmt.Sprintf("TYPE%d", uint16(t))
}
