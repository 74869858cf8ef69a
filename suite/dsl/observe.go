package dsl

import (
	"fmt"
	"strings"
	"time"

	"github.com/conform-suite/conform/mocknet"
)

// Observation is one exchange mocknet saw, as predicates receive it.
type Observation = mocknet.Observation

// Seen is what mocknet observed. In a failed assertion it prints one readable line per
// exchange (host, method, path, timing, outcome) instead of Go structs.
type Seen []mocknet.Observation

// GomegaString is how Gomega prints Seen in failure messages.
func (s Seen) GomegaString() string { return DescribeObservations(s) }

// describeObservations renders observations one per line, for failure messages.
func DescribeObservations(obs []mocknet.Observation) string {
	if len(obs) == 0 {
		return "  (nothing)"
	}
	var b strings.Builder
	for _, o := range obs {
		b.WriteString("  ")
		b.WriteString(DescribeObservation(o))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// DescribeObservation renders one exchange as a line: host, method, path, timing, outcome.
func DescribeObservation(o mocknet.Observation) string {
	if o.Tunnel {
		return fmt.Sprintf("tunnel to %s at %s: %s, %s", o.Target, o.Received.Format("15:04:05.000"), o.TLS, o.Outcome)
	}
	if o.Escape {
		return fmt.Sprintf("ESCAPE attempt to %s (%s %s via %s) at %s", o.Target, o.Method, o.Path, o.Via, o.Received.Format("15:04:05.000"))
	}
	line := fmt.Sprintf("%s %s %s%s via %s: received %s, %s", o.Host, o.Method, o.Path, query(o.RawQuery), o.Via, o.Received.Format("15:04:05.000"), o.Outcome)
	if o.Preflight {
		line = "CORS preflight: " + line
	}
	if !o.ClosedAt.IsZero() {
		line += fmt.Sprintf(" at %s (+%s)", o.ClosedAt.Format("15:04:05.000"), o.ClosedAt.Sub(o.Received).Round(time.Millisecond))
	}
	if o.BodyBytes > 0 {
		line += fmt.Sprintf(", request body %d bytes", o.BodyBytes)
	}
	if o.BytesSent > 0 {
		line += fmt.Sprintf(", %d bytes sent", o.BytesSent)
	}
	if o.TLS != nil {
		line += fmt.Sprintf(", over TLS (SNI %q, %s)", o.TLS.SNI, o.TLS.Protocol)
	}
	return line
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// PathIs matches requests on allowed.test whose path (without query) is path. Like every
// path predicate here it leaves out CORS preflights (a browser's OPTIONS before the request):
// they are contact with the host, but not the request a spec counts or waits on.
func PathIs(path string) func(o Observation) bool {
	return func(o Observation) bool { return o.Host == HostAllowed && o.Path == path && !o.Preflight }
}

// Streaming matches an exchange on allowed.test's path whose response has started (headers
// and some body bytes sent), so the fetch has resolved and a body is open.
func Streaming(path string) func(o Observation) bool {
	return func(o Observation) bool {
		return o.Host == HostAllowed && o.Path == path && !o.Preflight && !o.ResponseStarted.IsZero() && o.BytesSent > 0
	}
}

// Filter returns the observations pred matches, in order.
func Filter(obs []Observation, pred func(Observation) bool) Seen {
	var out Seen
	for _, o := range obs {
		if pred(o) {
			out = append(out, o)
		}
	}
	return out
}

// PathOnly drops the query of a request path, as mocknet records paths without it.
func PathOnly(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// Escapes returns the attempts to leave the mock network among obs.
func Escapes(obs []Observation) Seen {
	return Filter(obs, func(o Observation) bool { return o.Escape })
}
