package dsl

// The methods of the notify events a fetch emits, as Snaps' network endowment names them:
// OutboundRequest when a request goes out, OutboundResponse when its answer (or its failure)
// comes back. Vat.NotifyMethods lists them in the order the vat emitted them.
const (
	OutboundRequest  = "OutboundRequest"
	OutboundResponse = "OutboundResponse"
)
