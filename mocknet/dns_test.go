package mocknet

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// resolverOf is a Go resolver that asks only n's DNS server, over network ("udp" or "tcp").
func resolverOf(n *Network, network string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, n.DNSAddr())
	}}
}

func TestDNSAnswersVirtualHostsWithLoopback(t *testing.T) {
	n := newTestNetwork(t)
	for _, transport := range []string{"udp", "tcp"} {
		r := resolverOf(n, transport)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a failure bound
		addrs, err := r.LookupHost(ctx, "Allowed.Test")
		cancel()
		if err != nil {
			t.Fatalf("%s: look up allowed.test: %v", transport, err)
		}
		slices.Sort(addrs)
		if want := []string{"127.0.0.1", "::1"}; !slices.Equal(addrs, want) {
			t.Errorf("%s: allowed.test is %v, want %v", transport, addrs, want)
		}
	}
	byType := map[string][]Lookup{}
	for _, l := range n.Lookups() {
		if l.Name != "allowed.test" {
			t.Errorf("lookup of %q, want only allowed.test: %v", l.Name, l)
		}
		byType[l.Type+"/"+l.Transport] = append(byType[l.Type+"/"+l.Transport], l)
	}
	for key, answer := range map[string]string{"A/udp": "127.0.0.1", "AAAA/udp": "::1", "A/tcp": "127.0.0.1", "AAAA/tcp": "::1"} {
		got := byType[key]
		if len(got) == 0 {
			t.Errorf("no %s lookup recorded; recorded %v", key, n.Lookups())
			continue
		}
		if got[0].Answer != answer || got[0].Client == "" || got[0].Received.IsZero() {
			t.Errorf("%s lookup recorded as %+v, want answer %s with a client and a time", key, got[0], answer)
		}
	}
}

func TestDNSRefusesEveryOtherName(t *testing.T) {
	n := newTestNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a failure bound
	defer cancel()
	_, err := resolverOf(n, "udp").LookupHost(ctx, "c2VjcmV0.exfil.example")
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Fatalf("a name that is no virtual host must not be found, got %v", err)
	}
	got := n.Lookups()
	if len(got) == 0 {
		t.Fatal("the lookup was not recorded")
	}
	for _, l := range got {
		if l.Name != "c2vjcmv0.exfil.example" || l.Answer != "NXDOMAIN" {
			t.Errorf("recorded %v, want c2vjcmv0.exfil.example answered NXDOMAIN", l)
		}
	}
}

// A host added after the network started is answered too, and a virtual host asked for a
// type mocknet has no record of gets an empty answer, not NXDOMAIN.
func TestDNSFollowsAddedHostsAndAnswersOtherTypesEmpty(t *testing.T) {
	n := newTestNetwork(t)
	n.AddHost("late.test")
	name := dnsmessage.MustNewName("late.test.")
	for _, c := range []struct {
		qtype  dnsmessage.Type
		rcode  dnsmessage.RCode
		count  int
		answer string
	}{
		{dnsmessage.TypeA, dnsmessage.RCodeSuccess, 1, "127.0.0.1"},
		{dnsmessage.TypeTXT, dnsmessage.RCodeSuccess, 0, "NODATA"},
	} {
		h, answers := exchangeTCP(t, n, dnsmessage.Question{Name: name, Type: c.qtype, Class: dnsmessage.ClassINET})
		if h.RCode != c.rcode || len(answers) != c.count {
			t.Errorf("%v late.test: rcode %v with %d answers, want %v with %d", c.qtype, h.RCode, len(answers), c.rcode, c.count)
		}
		last := n.Lookups()[len(n.Lookups())-1]
		if last.Answer != c.answer || last.Transport != "tcp" {
			t.Errorf("%v late.test recorded as %v, want answer %s over tcp", c.qtype, last, c.answer)
		}
	}
	if got := n.Lookups()[1].Type; got != "TXT" {
		t.Errorf("type recorded as %q, want TXT", got)
	}
}

// exchangeTCP sends one question over TCP and returns the answer's header and records.
func exchangeTCP(t *testing.T, n *Network, q dnsmessage.Question) (dnsmessage.Header, []dnsmessage.Resource) {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 7, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		t.Fatal(err)
	}
	if err := b.Question(q); err != nil {
		t.Fatal(err)
	}
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", n.DNSAddr(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // a failure bound
	if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)); err != nil {
		t.Fatal(err)
	}
	var size [2]byte
	if _, err := io.ReadFull(c, size[:]); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatal(err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(reply); err != nil {
		t.Fatalf("unpack the answer: %v", err)
	}
	if m.ID != 7 || !m.Response || len(m.Questions) != 1 {
		t.Fatalf("answer %+v does not answer the question", m.Header)
	}
	return m.Header, m.Answers
}

func TestLookupSubscriptionDeliversInOrder(t *testing.T) {
	n := newTestNetwork(t)
	ch, cancel := n.SubscribeLookups()
	defer cancel()
	r := resolverOf(n, "udp")
	names := []string{"evil.test", "other.test", "nowhere.example"}
	for _, name := range names {
		ctx, stop := context.WithTimeout(context.Background(), 10*time.Second) // a failure bound
		_, _ = r.LookupIP(ctx, "ip4", name)
		stop()
	}
	bound := time.NewTimer(30 * time.Second) // a failure bound only
	defer bound.Stop()
	var got []string
	for len(got) < len(names) {
		select {
		case l := <-ch:
			got = append(got, l.Name)
		case <-bound.C:
			t.Fatalf("subscription delivered %v of %v", got, names)
		}
	}
	if !slices.Equal(got, names) {
		t.Errorf("delivered %v, want %v", got, names)
	}
}
