package mocknet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// TLS: every virtual host speaks https inside CONNECT tunnels, with a certificate minted on
// demand by a certificate authority the network makes when it starts. The authority lives in
// memory only and for hours: a client trusts it because it was handed the PEM
// (Network.CertificateAuthority), never because it was installed anywhere on the machine.
//
// Four virtual hosts misbehave, each in one way a client must refuse (CertificateFaults):
// their names are enough, whatever hosts a scenario registers besides.

// The virtual hosts whose certificate is wrong, each in one way.
const (
	// HostWrongName serves a certificate of the network's authority, valid today, for
	// another name (NameOfWrongCertificate).
	HostWrongName = "wrong-name.test"
	// HostExpired serves a certificate of the network's authority for its own name that
	// expired an hour ago.
	HostExpired = "expired.test"
	// HostSelfSigned serves a certificate for its own name, signed by its own key.
	HostSelfSigned = "self-signed.test"
	// HostUnknownCA serves a certificate for its own name from an authority the network
	// made too but never hands out.
	HostUnknownCA = "unknown-ca.test"
)

// NameOfWrongCertificate is the only name in the certificate HostWrongName serves.
const NameOfWrongCertificate = "elsewhere.test"

// Certificate kinds, as Handshake.Certificate names the certificate a host presented.
const (
	CertificateValid      = "valid"
	CertificateWrongName  = "wrong-name"
	CertificateExpired    = "expired"
	CertificateSelfSigned = "self-signed"
	CertificateUnknownCA  = "unknown-ca"
)

// CertificateFaults maps each misbehaving virtual host to the kind of certificate it serves.
func CertificateFaults() map[string]string {
	return map[string]string{
		HostWrongName:  CertificateWrongName,
		HostExpired:    CertificateExpired,
		HostSelfSigned: CertificateSelfSigned,
		HostUnknownCA:  CertificateUnknownCA,
	}
}

// TLSHosts lists the misbehaving virtual hosts, sorted.
func TLSHosts() []string {
	return []string{HostExpired, HostSelfSigned, HostUnknownCA, HostWrongName}
}

// certificateLifetime is how long the network's authority, and every certificate it signs,
// is valid: from an hour before the network starts (clocks of clients differ a little) to a
// day after, long enough for a run and short enough that a copy left behind is worthless.
const (
	certificateBackdate = time.Hour
	certificateLifetime = 24 * time.Hour
	// handshakeTimeout bounds a TLS handshake in a tunnel, so a client that connects and
	// stalls does not hold a goroutine until the network closes.
	handshakeTimeout = 30 * time.Second
)

// Handshake is what mocknet saw of a TLS handshake in a CONNECT tunnel: what the client
// asked for, what it was given, and whether it went on. A client that refuses the
// certificate aborts the handshake, so a request that follows a completed handshake is the
// sign that the client accepted the certificate.
type Handshake struct {
	// SNI is the server name the client asked for; "" when it sent none (an IP address).
	SNI string `json:"sni,omitempty"`
	// ALPN lists the application protocols the client offered, Protocol the one agreed
	// ("h2", "http/1.1"; "" when the client offered none and HTTP/1.1 is spoken).
	ALPN     []string `json:"alpn,omitempty"`
	Protocol string   `json:"protocol,omitempty"`
	// Version is the TLS version agreed, e.g. "TLS 1.3".
	Version string `json:"version,omitempty"`
	// Certificate is the kind of certificate mocknet presented: CertificateValid or one of
	// the faults of CertificateFaults.
	Certificate string `json:"certificate,omitempty"`
	// Completed says whether the client finished the handshake.
	Completed bool `json:"completed"`
	// Alert is the TLS alert the client sent when it aborted the handshake, as Go names it
	// ("bad certificate", "unknown certificate authority", "certificate expired"); empty
	// when it closed the connection without one or did not abort.
	Alert string `json:"alert,omitempty"`
	// Error is how the handshake failed as the server saw it; empty when it completed.
	Error string `json:"error,omitempty"`
}

func (h *Handshake) String() string {
	if h == nil {
		return "no TLS"
	}
	switch {
	case h.Completed:
		return fmt.Sprintf("TLS completed (SNI %q, %s, %s, %s certificate)", h.SNI, orNone(h.Protocol), h.Version, h.Certificate)
	case h.Alert != "":
		return fmt.Sprintf("TLS aborted by the client with alert %q (SNI %q, %s certificate)", h.Alert, h.SNI, h.Certificate)
	}
	return fmt.Sprintf("TLS not completed: %s (SNI %q, %s certificate)", h.Error, h.SNI, orNone(h.Certificate))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// authority is a network's certificate authority and the certificates it minted, by name.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	// unknown is a second authority, never handed out: HostUnknownCA's certificate is its.
	unknown *authority
	from    time.Time
	until   time.Time

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// newAuthority makes a network's authority, and the unknown one beside it.
func newAuthority(now time.Time) (*authority, error) {
	a, err := makeAuthority("conform mocknet per-run CA", now)
	if err != nil {
		return nil, err
	}
	if a.unknown, err = makeAuthority("conform mocknet authority nobody trusts", now); err != nil {
		return nil, err
	}
	return a, nil
}

func makeAuthority(name string, now time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: generate the authority's key: %w", err)
	}
	from, until := now.Add(-certificateBackdate), now.Add(certificateLifetime)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"conform"}},
		NotBefore:             from,
		NotAfter:              until,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: make the authority's certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: parse the authority's certificate: %w", err)
	}
	return &authority{
		cert: cert, key: key, from: from, until: until,
		pem:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		leaves: map[string]*tls.Certificate{},
	}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		// crypto/rand does not fail on the platforms Go supports; a fixed serial would
		// still make valid certificates.
		return big.NewInt(time.Now().UnixNano())
	}
	return n.Add(n, big.NewInt(1))
}

// certificate returns the certificate served for a virtual host, minting it on first use,
// and the kind of certificate it is.
func (a *authority) certificate(host string) (*tls.Certificate, string, error) {
	kind, faulty := CertificateFaults()[host]
	if !faulty {
		kind = CertificateValid
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.leaves[host]; ok {
		return c, kind, nil
	}
	var (
		c   *tls.Certificate
		err error
	)
	switch kind {
	case CertificateWrongName:
		c, err = a.leaf(NameOfWrongCertificate, a.from, a.until)
	case CertificateExpired:
		now := time.Now()
		c, err = a.leaf(host, now.Add(-2*time.Hour), now.Add(-time.Hour))
	case CertificateSelfSigned:
		c, err = selfSigned(host, a.from, a.until)
	case CertificateUnknownCA:
		c, err = a.unknown.leaf(host, a.from, a.until)
	default:
		c, err = a.leaf(host, a.from, a.until)
	}
	if err != nil {
		return nil, kind, err
	}
	a.leaves[host] = c
	return c, kind, nil
}

// leaf signs a server certificate for name. The chain sent is the leaf and the authority's
// own certificate: a client that trusts the authority needs only the leaf, but Chromium's
// --ignore-certificate-errors-spki-list matches the keys of the certificates a server
// sends, so the authority's must be among them.
func (a *authority) leaf(name string, from, until time.Time) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: generate a key for %s: %w", name, err)
	}
	tmpl := leafTemplate(name, from, until)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: sign a certificate for %s: %w", name, err)
	}
	return &tls.Certificate{Certificate: [][]byte{der, a.cert.Raw}, PrivateKey: key}, nil
}

func selfSigned(name string, from, until time.Time) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: generate a key for %s: %w", name, err)
	}
	tmpl := leafTemplate(name, from, until)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("mocknet TLS: self-sign a certificate for %s: %w", name, err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func leafTemplate(name string, from, until time.Time) *x509.Certificate {
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             from,
		NotAfter:              until,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	return tmpl
}

// CertificateAuthority is the PEM of the network's certificate authority: what a client
// trusts, and only for this network, to reach its virtual hosts over https.
func (n *Network) CertificateAuthority() []byte { return append([]byte(nil), n.ca.pem...) }

// CertPool is a pool holding the network's certificate authority and nothing else, for a
// Go client's tls.Config.RootCAs.
func (n *Network) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(n.ca.cert)
	return pool
}

// handshake serves TLS on a tunnel to host h: the certificate is chosen by the server name
// the client asks for when that is a virtual host, else by the tunnel's target (a client
// that sends no SNI, as for an IP address). It returns the connection and what was seen.
func (n *Network) handshake(conn net.Conn, h *Host) (*tls.Conn, *Handshake, error) {
	hs := &Handshake{}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			hs.SNI, hs.ALPN = hello.ServerName, append([]string(nil), hello.SupportedProtos...)
			name := h.name
			if sni := strings.ToLower(strings.TrimSuffix(hello.ServerName, ".")); sni != "" {
				if _, ok := n.host(sni); ok {
					name = sni
				}
			}
			cert, kind, err := n.ca.certificate(name)
			hs.Certificate = kind
			return cert, err
		},
	}
	sniffer := &alertSniffer{Conn: conn}
	tc := tls.Server(sniffer, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	err := tc.HandshakeContext(ctx)
	sniffer.stop()
	if err != nil {
		hs.Error = err.Error()
		var op *net.OpError
		switch {
		case errors.As(err, &op) && op.Op == "remote error":
			hs.Alert = strings.TrimPrefix(op.Err.Error(), "tls: ")
		case sniffer.alert != nil:
			hs.Alert = strings.TrimPrefix(tls.AlertError(*sniffer.alert).Error(), "tls: ")
		}
		return nil, hs, err
	}
	st := tc.ConnectionState()
	hs.Completed, hs.Protocol, hs.Version = true, st.NegotiatedProtocol, tls.VersionName(st.Version)
	return tc, hs, nil
}

// handshakeOf returns the handshake of the TLS tunnel a request arrived in, nil for plain
// HTTP. The record is shared by every request of the tunnel and never changes once the
// handshake completed; observations copy it.
func handshakeOf(ctx context.Context) *Handshake {
	tun, _ := ctx.Value(tunnelKey{}).(tunnelOf)
	return tun.hs
}

// tunnelSeqOf returns the Seq of the tunnel a request arrived in, 0 outside a tunnel.
func tunnelSeqOf(ctx context.Context) uint64 {
	tun, _ := ctx.Value(tunnelKey{}).(tunnelOf)
	return tun.seq
}

func copyHandshake(hs *Handshake) *Handshake {
	if hs == nil {
		return nil
	}
	c := *hs
	c.ALPN = append([]string(nil), hs.ALPN...)
	return &c
}

// alertSniffer reads the TLS records a client sends during the handshake and keeps the
// description of a plaintext alert among them. A TLS 1.3 client built on OpenSSL (curl,
// Node) that refuses the server's certificate sends its alert unencrypted, before it has
// switched to the handshake keys; Go's server then fails to decrypt that record ("bad
// record MAC") and would not say which alert it was. An alert Go can read arrives as its
// own error instead.
type alertSniffer struct {
	net.Conn
	mu      sync.Mutex
	done    bool
	header  []byte // the header of the record being read, until it is whole
	body    int    // bytes of the record's body still to come
	inAlert bool   // the record being read is a plaintext alert
	alert   *uint8
}

const (
	tlsRecordHeaderLen = 5
	tlsRecordAlert     = 21
)

func (s *alertSniffer) Read(p []byte) (int, error) {
	n, err := s.Conn.Read(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.done {
		s.scan(p[:n])
	}
	return n, err
}

// stop ends the sniffing once the handshake is over: later records are the application's.
func (s *alertSniffer) stop() {
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
}

func (s *alertSniffer) scan(b []byte) {
	for len(b) > 0 {
		if s.body == 0 {
			take := min(tlsRecordHeaderLen-len(s.header), len(b))
			s.header, b = append(s.header, b[:take]...), b[take:]
			if len(s.header) < tlsRecordHeaderLen {
				return
			}
			s.body = int(s.header[3])<<8 | int(s.header[4])
			s.inAlert = s.header[0] == tlsRecordAlert && s.body == 2
			s.header = s.header[:0]
			continue
		}
		take := min(s.body, len(b))
		if s.inAlert && s.body == 1 && take == 1 {
			desc := b[0]
			s.alert = &desc
		} else if s.inAlert && take == 2 {
			desc := b[1]
			s.alert = &desc
		}
		s.body, b = s.body-take, b[take:]
	}
}
