package mocknet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ServeOptions configures a standalone network.
type ServeOptions struct {
	// Addr is the loopback address to listen on; default 127.0.0.1:0.
	Addr string
	// Hosts are the virtual hosts to serve; default StandardHosts() and TLSHosts().
	Hosts []string
}

// Serve runs a network until ctx is done, for adapter authors who want to try their
// adapter's proxy routing by hand. It prints `proxy: http://127.0.0.1:PORT` as the first
// line of out, `dns: 127.0.0.1:PORT` (the DNS server, UDP and TCP) as the second and
// `ca: PATH`, the network's certificate authority written to a file of its own in a fresh
// temporary directory (removed when Serve returns), as the third; then one JSON line per
// finished exchange (completed, client-closed, server-reset), per escape and per tunnel, and
// one `{"lookup": {…}}` line per question the DNS server was asked.
func Serve(ctx context.Context, opts ServeOptions, out io.Writer) error {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = append(StandardHosts(), TLSHosts()...)
	}
	n, err := New(WithAddr(addr), WithHosts(hosts...))
	if err != nil {
		return err
	}
	defer n.Close()
	updates, cancel := n.Subscribe()
	defer cancel()
	lookups, cancelLookups := n.SubscribeLookups()
	defer cancelLookups()
	if _, err := fmt.Fprintf(out, "proxy: %s\ndns: %s\n", n.ProxyURL(), n.DNSAddr()); err != nil {
		return fmt.Errorf("write proxy address: %w", err)
	}
	caFile, removeCA, err := writeCA(n.CertificateAuthority())
	if err != nil {
		return err
	}
	defer removeCA()
	if _, err := fmt.Fprintf(out, "ca: %s\n", caFile); err != nil {
		return fmt.Errorf("write the CA's path: %w", err)
	}
	enc := json.NewEncoder(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case l := <-lookups:
			if err := enc.Encode(map[string]Lookup{"lookup": l}); err != nil {
				return fmt.Errorf("write lookup: %w", err)
			}
		case o := <-updates:
			if o.Outcome == OutcomeInFlight {
				continue
			}
			if err := enc.Encode(o); err != nil {
				return fmt.Errorf("write observation: %w", err)
			}
		}
	}
}

// writeCA writes the network's certificate authority where only this user can read it, in
// a directory of its own under the system's temporary directory (never a place any program
// reads trusted certificates from), and returns its path and how to remove it.
func writeCA(pem []byte) (string, func(), error) {
	dir, err := os.MkdirTemp("", "conform-mocknet-")
	if err != nil {
		return "", nil, fmt.Errorf("mocknet serve: a directory for the CA: %w", err)
	}
	remove := func() { _ = os.RemoveAll(dir) }
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, pem, 0o600); err != nil {
		remove()
		return "", nil, fmt.Errorf("mocknet serve: write the CA: %w", err)
	}
	return path, remove, nil
}
