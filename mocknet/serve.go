package mocknet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// ServeOptions configures a standalone network.
type ServeOptions struct {
	// Addr is the loopback address to listen on; default 127.0.0.1:0.
	Addr string
	// Hosts are the virtual hosts to serve; default StandardHosts().
	Hosts []string
}

// Serve runs a network until ctx is done, for adapter authors who want to try their
// adapter's proxy routing by hand. It prints `proxy: http://127.0.0.1:PORT` as the first
// line of out and `dns: 127.0.0.1:PORT` (the DNS server, UDP and TCP) as the second, then one
// JSON line per finished exchange (completed, client-closed, server-reset) and per escape,
// and one `{"lookup": {…}}` line per question the DNS server was asked.
func Serve(ctx context.Context, opts ServeOptions, out io.Writer) error {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = StandardHosts()
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
