// Package parallel runs a plan in worker processes that pull their specs from a queue kept
// by the parent, and merges their reports into one, as a run in one process would have
// written it (one result per spec; the statuses do not depend on how many workers ran).
//
// Ginkgo runs one suite per process, so each worker is a process of its own (the conform
// binary, started with Options.Command), with its own mock network and its own instance of
// the implementation. Workers start no more at a time than there are start slots (an
// adapter's start is mostly CPU), and once up each asks the parent for specs whenever it is
// free: nothing predicts when a worker will be ready or how long its share will take.
//
// # The queue
//
// The parent hands the specs out in runner.Order, the one policy of parallel runs and
// shards: by expected cost (runner.Costs, an earlier report's durations), most costly
// first, so that the long waits start early and the short specs fill in at the end.
//
//   - The specs that tamper with the endowment come first, to workers that have run
//     nothing else, so that their implementation needs no restart (each worker starts a
//     fresh one). A fresh worker takes them while there are fewer such workers than the
//     tampering specs' share of the run calls for (their cost against an even share of the
//     whole, so at least one); such a worker keeps taking them until none is left, then
//     restarts its implementation and goes on with the others (runner: no other spec
//     runs on an implementation a tampering spec ran on, and a tampering spec only on one
//     that ran nothing but tampering specs that passed).
//   - Then every other spec, to whichever worker asks: one at a time, or, when the costs
//     come from a report, as many consecutive cheap ones at once as cost a thirty-second of
//     an even share of the run (fewer round trips; the workers still end within about
//     that of each other).
//   - The specs marked Serial come last, to one worker, once every other worker has exited:
//     they run alone.
//
// Each worker registers every spec of the plan in that order, asks for more when it has
// reached those it was handed (runner.Queue), and passes over, leaving out of its report,
// every spec it is not handed. The queue hands specs out in order, so the specs a worker is
// handed are always ahead of it.
//
// # The protocol
//
// Parent and worker exchange JSON objects, one a line (message), over the worker's stdin
// (parent to worker) and stdout (worker to parent); the worker's stderr is shown to the
// user, each line prefixed with the worker's number. Each object has one member (the last
// one two):
//
//	parent → worker  {"plan":["ISO-002","TEAR-010",…]}  first, at once: the specs in order
//	worker → parent  {"ready":true}                     the implementation is up
//	worker → parent  {"next":true}                      which specs now? (the worker waits)
//	parent → worker  {"run":["TEAR-010"]}               those, in this order
//	parent → worker  {"stop":true}                      none: pass over the rest
//	worker → parent  {"done":{"id":…,"title":…,"status":"PASS","tookNanos":…}}
//	                                                    a spec handed out finished
//	worker → parent  {"hung":"…"}                       its in-process implementation hung:
//	                                                    it asks for nothing more
//	worker → parent  {"report":{…},"infra":"…"}         last: the worker's report.json, and
//	                                                    why the implementation failed the run
//
// A worker whose stdin closes takes it as "stop". Lines on a worker's stdout that are not
// such objects are kept as its last output, shown if it ends without a report. The parent
// asks a worker to stop as a user would (SIGTERM) when the run is interrupted, and kills it
// if it has not exited within a grace period; a worker exits on its own within 10 s of the
// signal (ExitAfterSignal), stuck implementation or not. A worker still running the grace
// period after its report is killed.
//
// # Hung implementations and the end of the run
//
// A worker whose in-process implementation stopped answering (harness.Bound) runs the specs
// it was handed on a fresh instance, sends "hung", asks for no more and exits: Go cannot stop
// the stuck goroutine, the process's exit does. The parent starts another worker in its
// place (numbered after every other) while the queue has specs left. Workers do not outlive
// the parent: on Linux they get the parent-death signal (SIGKILL), as the adapters they start
// do (internal/childproc); elsewhere a worker stops when its stdin closes.
package parallel
