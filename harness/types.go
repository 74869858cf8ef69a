package harness

import (
	"context"
	"encoding/json"
	"fmt"
)

// ProtocolVersion is the version of the adapter protocol this harness speaks.
const ProtocolVersion = "1"

// Implementation is an implementation under test (IUT) as the suite sees it: something that
// can create vats with a network endowment, run programs in them and tear them down.
// Both backends (in-process reference and external adapter) satisfy it, and so the suite
// never knows which one it drives.
//
// Methods may be called from several goroutines. Events (notify, log, taskSettled) are
// delivered to the Listener given in InitializeParams, in the order the IUT emitted them.
type Implementation interface {
	Initialize(ctx context.Context, params InitializeParams) (InitializeResult, error)
	CreateVat(ctx context.Context, params CreateVatParams) error
	// Evaluate runs source as the body of an async function inside the vat and waits
	// for it to settle. A JavaScript exception is not an error: it comes back in
	// EvalResult.Error. err is for failures of the IUT or the transport.
	Evaluate(ctx context.Context, vatID, source string) (EvalResult, error)
	// Start runs source like Evaluate but returns at once; the settlement arrives as a
	// TaskSettled event.
	Start(ctx context.Context, vatID, taskID, source string) error
	// TerminateVat tears the vat down and returns only once teardown has completed.
	TerminateVat(ctx context.Context, vatID string) error
	Shutdown(ctx context.Context) error
}

// LogTailer is an Implementation that keeps the end of its own log: an external adapter
// keeps the tail of its stderr. The runner puts that tail into the evidence of a failed
// spec, so a failure shows what the implementation said about it; implementations with
// nothing of their own to show (the in-process reference) do not implement it.
type LogTailer interface {
	// LogTail returns the end of the log of the current (or last) instance, at most a few
	// KiB, "" when there is none.
	LogTail() string
}

// WarningSource is an Implementation that notices protocol violations which do not stop
// it: an external adapter that sends a notification for a vat it never had, settles a task
// twice, or does not exit after shutdown. The runner puts the warnings into the run's
// reports; `conform adapter check` fails on them.
type WarningSource interface {
	// Warnings lists what was seen so far, each warning saying what arrived and what to
	// change; the list is bounded in length.
	Warnings() []string
}

// InitializeParams is the first call an IUT receives.
type InitializeParams struct {
	ProtocolVersion string        `json:"protocolVersion"`
	Network         NetworkConfig `json:"network"`
	// Listener receives the IUT's events. Not serialised.
	Listener Listener `json:"-"`
}

// NetworkConfig says how the IUT must route its vats' outbound HTTP.
type NetworkConfig struct {
	// Proxy is the mocknet forward proxy, e.g. "http://127.0.0.1:40123".
	Proxy string `json:"proxy"`
	// DNS is the mock network's DNS server, UDP and TCP, e.g. "127.0.0.1:40124": a runtime
	// that resolves host names itself must ask it and no other (PROTOCOL.md §6).
	DNS string `json:"dns,omitempty"`
	// CA is the PEM certificate of the run's certificate authority, which signs the https
	// certificates of the virtual hosts: the IUT trusts it for its vats' requests, beside
	// whatever it trusts already, and never turns certificate verification off.
	CA string `json:"ca,omitempty"`
}

// InitializeResult describes the IUT.
type InitializeResult struct {
	Name            string   `json:"name"`
	Version         string   `json:"version"`
	ProtocolVersion string   `json:"protocolVersion"`
	Globals         []string `json:"globals"`
	Features        []string `json:"features"`
}

// CreateVatParams configures one vat.
type CreateVatParams struct {
	VatID   string      `json:"vatId"`
	Globals []string    `json:"globals"`
	Network *VatNetwork `json:"network,omitempty"`
}

// VatNetwork is the vat's network configuration, as ocap-kernel's VatConfig.network.
type VatNetwork struct {
	// AllowedHosts nil means "not given" (distinct from an empty list).
	// On the wire a nil list is absent and an empty list is [].
	AllowedHosts []string `json:"allowedHosts,omitzero"`
}

// EvalResult is the outcome of a program: its JSON value or the error it threw.
type EvalResult struct {
	Value json.RawMessage `json:"value,omitempty"`
	Error *JSError        `json:"error,omitempty"`
}

// JSError is a JavaScript exception as reported across the protocol.
type JSError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

func (e *JSError) Error() string { return e.Name + ": " + e.Message }

// Listener receives events from an IUT. Implementations must be safe for concurrent use.
type Listener interface {
	Notify(NotifyEvent)
	Log(LogEvent)
	TaskSettled(TaskSettledEvent)
}

// NotifyEvent is one call of the endowment's notify callback.
type NotifyEvent struct {
	VatID  string          `json:"vatId"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params,omitempty"`
}

// LogEvent is one line of console output from a vat.
type LogEvent struct {
	VatID   string `json:"vatId"`
	Level   string `json:"level"`
	Message string `json:"message"`
}

// TaskSettledEvent reports that a started task settled.
type TaskSettledEvent struct {
	VatID  string          `json:"vatId"`
	TaskID string          `json:"taskId"`
	Status string          `json:"status"` // "fulfilled" or "rejected"
	Value  json.RawMessage `json:"value,omitempty"`
	Error  *JSError        `json:"error,omitempty"`
}

// RPCError is an error answer from an implementation, as a JSON-RPC error object: the
// implementation understood the call and refused it (for example a vat configuration it
// rejects). It is behaviour to assert on, not a fault of the adapter.
type RPCError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *RPCError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Error codes of the protocol beyond JSON-RPC's own; PROTOCOL.md says when each is used.
const (
	CodeVatExists       = -32001
	CodeUnknownVat      = -32002
	CodeVatConfigDenied = -32003
	CodeTaskExists      = -32004
)
