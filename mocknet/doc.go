// Package mocknet is a fail-closed mock network of virtual hosts (allowed.test, evil.test,
// …) served from one loopback listener, which records what every virtual host saw and when
// each client closed its connection.
//
// The listener is at once an HTTP forward proxy (absolute-form requests and CONNECT
// tunnels) and an origin routed by the Host header, so any client in any language reaches
// it by setting its proxy to ProxyURL. Every virtual host serves go-httpbin's route
// catalogue plus /hang, /drip-forever, /reset, /upload-sink, /redirect-host/{host},
// /set-cookie/{name}/{value} and /state-echo (cookies.go); specs add their own routes with
// Host.Handle. Anything that is not a registered virtual
// host is refused with a 502 and recorded as an escape: mocknet never dials out.
//
// The network also answers DNS, UDP and TCP on a loopback port of its own (DNSAddr): every
// virtual host is 127.0.0.1 and ::1, every other name NXDOMAIN, and every question is
// recorded as a Lookup (dns.go), for the runtimes that resolve names themselves.
// Every virtual host speaks https too, inside CONNECT tunnels (any port; TLS when the
// client's first bytes are a ClientHello), HTTP/1.1 or h2 by ALPN, with a certificate minted
// from SNI by a certificate authority made in memory for the network and valid for a day
// (tls.go). Clients trust it through CertificateAuthority (the PEM) or CertPool, never
// through a trust store. wrong-name.test, expired.test, self-signed.test and unknown-ca.test
// present certificates a client must refuse. Every tunnel is recorded apart from the
// requests in it (Tunnels, TunnelOf), with its handshake: SNI, ALPN, the certificate
// presented, whether the client completed it and which alert it sent.
//
// Every route answers browsers' CORS: a request with an Origin header gets that origin
// allowed, with credentials, and all its response headers exposed; a CORS preflight is
// answered 204 by the network and recorded with Observation.Preflight set (cors.go).
//
//	n, err := mocknet.New(mocknet.WithHosts("allowed.test", "evil.test"))
//	defer n.Close()
//	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
//	client.Get("http://allowed.test/hang") // …
//	n.Observations() // what each host saw, with timings and outcomes
package mocknet
