package mocknet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// StandardHosts are the virtual hosts of the suite's standard scenario.
func StandardHosts() []string {
	return []string{"allowed.test", "a.allowed.test", "evil.test", "other.test"}
}

// Option configures a Network.
type Option func(*config)

type config struct {
	addr  string
	hosts []string
}

// WithAddr sets the listen address (default 127.0.0.1:0). Only loopback addresses are
// accepted: mocknet is for this machine only.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithHosts registers virtual hosts at start.
func WithHosts(hosts ...string) Option {
	return func(c *config) { c.hosts = append(c.hosts, hosts...) }
}

// Network is a mock network of virtual hosts served from one loopback listener, which is at
// the same time a forward proxy (absolute-form requests and CONNECT tunnels) and an origin
// routed by the Host header. It never dials out: anything that is not a registered virtual
// host is refused with a 502 and recorded as an escape.
type Network struct {
	j       *journal
	catalog http.Handler
	ca      *authority

	mu     sync.Mutex
	hosts  map[string]*Host
	scopes []*Scope
	closed bool

	main *Scope
	// dns answers DNS for the virtual hosts and records every question in lookups (dns.go).
	dns     *dnsServer
	lookups *lookupLog
	// stop is closed by Close; handlers that hold requests open (hang, drip-forever,
	// upload-sink, tunnels) end when it is.
	stop chan struct{}
	wg   sync.WaitGroup
}

// Host is a virtual host: the standard route catalogue plus any handler a spec adds.
type Host struct {
	name string
	mu   sync.RWMutex
	mux  *http.ServeMux
	// patterns lists the spec-added patterns so a request falls through to the
	// catalogue when none of them matches.
	patterns int
}

// Name is the host's name, e.g. "allowed.test".
func (h *Host) Name() string { return h.name }

// Handle adds a route that takes precedence over the catalogue. pattern is a
// net/http.ServeMux pattern without a host ("/my-spec/route", "GET /x/{id}").
func (h *Host) Handle(pattern string, handler http.Handler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.mux.Handle(pattern, handler)
	h.patterns++
}

// HandleFunc is Handle for a function.
func (h *Host) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	h.Handle(pattern, http.HandlerFunc(handler))
}

func (h *Host) specHandler(r *http.Request) (http.Handler, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.patterns == 0 {
		return nil, false
	}
	handler, pattern := h.mux.Handler(r)
	return handler, pattern != ""
}

// New starts a network on a loopback listener.
func New(opts ...Option) (*Network, error) {
	cfg := config{addr: "127.0.0.1:0"}
	for _, o := range opts {
		o(&cfg)
	}
	var err error
	n := &Network{
		j:     newJournal(),
		hosts: map[string]*Host{},
		stop:  make(chan struct{}),
	}
	n.lookups = newLookupLog()
	n.catalog = n.newCatalog()
	if n.ca, err = newAuthority(time.Now()); err != nil {
		return nil, err
	}
	for _, h := range cfg.hosts {
		n.AddHost(h)
	}
	main, err := n.listen("", cfg.addr)
	if err != nil {
		return nil, err
	}
	n.main = main
	if n.dns, err = n.startDNS(main.ln.Addr().(*net.TCPAddr).IP.String()); err != nil {
		_ = n.Close()
		return nil, err
	}
	return n, nil
}

func (n *Network) newCatalog() http.Handler {
	hb := httpbin.New(httpbin.WithMaxBodySize(64<<20), httpbin.WithMaxDuration(10*time.Minute))
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", n.hang)
	mux.HandleFunc("/drip-forever", n.dripForever)
	mux.HandleFunc("/reset", n.reset)
	mux.HandleFunc("/upload-sink", n.uploadSink)
	mux.HandleFunc("/redirect-host/{host}", redirectHost)
	mux.HandleFunc("/set-cookie/{name}/{value}", setCookie)
	mux.HandleFunc("/state-echo", echoState)
	mux.Handle("/", hb)
	return mux
}

// AddHost registers a virtual host (case-insensitively) and returns it; adding a host
// twice returns the same Host.
func (n *Network) AddHost(name string) *Host {
	name = strings.ToLower(strings.TrimSpace(name))
	n.mu.Lock()
	defer n.mu.Unlock()
	if h, ok := n.hosts[name]; ok {
		return h
	}
	h := &Host{name: name, mux: http.NewServeMux()}
	n.hosts[name] = h
	return h
}

// Hosts lists the registered virtual hosts, sorted.
func (n *Network) Hosts() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	names := make([]string, 0, len(n.hosts))
	for name := range n.hosts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (n *Network) host(name string) (*Host, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	h, ok := n.hosts[strings.ToLower(name)]
	return h, ok
}

// ProxyURL is the address clients use as their HTTP proxy, e.g. "http://127.0.0.1:40123".
func (n *Network) ProxyURL() string { return n.main.ProxyURL() }

// Addr is the listener's address, e.g. "127.0.0.1:40123".
func (n *Network) Addr() string { return n.main.Addr() }

// Observations returns every exchange so far, in arrival order.
func (n *Network) Observations() []Observation { return n.j.all(0, "", false, false) }

// Since returns the exchanges that arrived after seq.
func (n *Network) Since(seq uint64) []Observation { return n.j.all(seq, "", false, false) }

// Tunnels returns the records of CONNECT tunnels to virtual hosts after seq (0 for all),
// with the TLS handshake of each: what a vat connected to, whether or not it sent a
// request.
func (n *Network) Tunnels(seq uint64) []Observation { return n.j.all(seq, "", false, true) }

// LastSeq is the Seq of the latest exchange (0 when none).
func (n *Network) LastSeq() uint64 { return n.j.lastSeq() }

// Escapes returns every refused attempt to leave the mock network.
func (n *Network) Escapes() []Observation {
	var out []Observation
	for _, o := range n.Observations() {
		if o.Escape {
			out = append(out, o)
		}
	}
	return out
}

// Subscribe delivers every exchange that arrives or changes from now on, in the order of
// their changes, until cancel is called; call it when done. Each delivery is the exchange's
// latest state: a reader that falls behind gets an exchange that changed several times
// meanwhile once, in its newest state, so it never loses an exchange nor its final
// outcome, never blocks the network, and costs memory per exchange, not per update. The
// channel is never closed.
func (n *Network) Subscribe() (<-chan Observation, func()) { return n.j.subscribe() }

// Close stops the listeners, ends every held request and tunnel, and waits for every
// goroutine of the network to return.
func (n *Network) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	scopes := append([]*Scope(nil), n.scopes...)
	n.mu.Unlock()
	close(n.stop)
	var errs []error
	for _, s := range scopes {
		errs = append(errs, s.shutdown())
	}
	if n.dns != nil {
		errs = append(errs, n.dns.close())
	}
	n.wg.Wait()
	return errors.Join(errs...)
}

// Scope is a listener of the network that records its own traffic apart, so that specs
// running in parallel never see each other's exchanges. It serves the same hosts.
type Scope struct {
	n    *Network
	name string
	ln   net.Listener
	srv  *http.Server
}

// NewScope opens another loopback listener on the network; its traffic is visible through
// the scope's accessors only (and in the network-wide journal).
func (n *Network) NewScope() (*Scope, error) {
	n.mu.Lock()
	name := fmt.Sprintf("scope-%d", len(n.scopes))
	n.mu.Unlock()
	return n.listen(name, "127.0.0.1:0")
}

func (n *Network) listen(name, addr string) (*Scope, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("mocknet listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("mocknet listen address %q: only loopback addresses are allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mocknet listen on %s: %w", addr, err)
	}
	s := &Scope{n: n, name: name, ln: ln}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          quietLogger(),
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		_ = ln.Close()
		return nil, errors.New("mocknet: network is closed")
	}
	n.scopes = append(n.scopes, s)
	n.mu.Unlock()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// ProxyURL is the scope's proxy address.
func (s *Scope) ProxyURL() string { return "http://" + s.ln.Addr().String() }

// Addr is the scope's listener address.
func (s *Scope) Addr() string { return s.ln.Addr().String() }

// Observations returns the exchanges received by this scope's listener.
func (s *Scope) Observations() []Observation { return s.n.j.all(0, s.name, true, false) }

func (s *Scope) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	return err
}
