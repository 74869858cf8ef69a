// Package endowment is the implementation behind the reference package.
//
// The Web API classes are JavaScript, one file per API in webapi/, in the order they are
// compiled (webapi.go concatenates them into one program, compiled once per process):
//
//	intrinsics.js     Object.freeze, Promise and the like, captured before vat code runs
//	dom-exception.js  DOMException (WebIDL)
//	abort.js          AbortController, AbortSignal (DOM §3.3)
//	text.js           TextEncoder, TextDecoder (Encoding §7)
//	streams.js        ReadableStream, ReadableStreamDefaultReader, tee (Streams §4)
//	network-body.js   the stream of a fetched body, pulled from the host chunk by chunk or
//	                  read whole in one hand-off (Fetch's HTTP-network fetch)
//	headers.js        Headers (Fetch §5.2)
//	body.js           the Body mixin and body extraction (Fetch §5.3)
//	request.js        Request (Fetch §5.4)
//	response.js       Response (Fetch §5.5)
//	fetch.js          fetch() (Fetch §5.6), on top of the host's network primitives
//	harden.js         freezes every endowed global and what it reaches: the walk runs once
//	                  per process, and each vat replays its paths (webapi.go, hardenReplay)
//
// Each file names the standard section it implements, marks deliberate deviations with a
// "Note:" line and starts each WebIDL operation with its spec anchor. Each has a test in
// testdata/<api>_test.js, run by webapi_test.go; network-body.js, whose streams need a
// server, is tested by testdata/fetch_test.js and the reference package's wholebody_test.go.
//
// The Go side, by concern:
//
//	endowment.go   options, the Endowment type, New and Install
//	host.go        `host`, the primitives the JavaScript is given (URL parsing, UTF-8, timers,
//	               the network calls), all run on the event loop
//	network.go     the start of a fetch: send, the bounds on fetches in flight, the allowlist
//	               check of the input, notify, the response head handed to the JavaScript
//	redirect.go    the hops of a fetch: each request sent, redirects followed hop by hop with
//	               the allowlist check of each, Fetch's rewrite of method, body and credentials
//	body.go        response bodies read chunk by chunk or whole, the size limits on them, and
//	               streamed uploads
//	teardown.go    Teardown: aborting requests, closing bodies and uploads, the epoch that
//	               keeps a torn-down vat's promises from settling, the goroutine tracker
//	textdecode.go  the Encoding Standard's UTF-8 decoder
//	faults_on.go   the fault switches that reference/mutants turns on to build deliberately
//	               broken variants for the suite's self-test (the reference never sets them),
//	               read by the rest of the package only through Faults' methods; built only
//	               with -tags conformfaults
//	faults_off.go  the same methods in the default build: constants the compiler inlines, so
//	               a user's build has no fault switch and no check of one
package endowment
