package suite

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega" //nolint:revive

	"github.com/conform-suite/conform/mocknet"
	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

// A fetched body to its end: read through a reader as the server paces it (each read meets data
// without the end, then the end or a cut alone), cancelled, null, or many in a row.
func fetchBodySpecs() []Spec {
	const sequential, drip = 300, "/drip-forever" // 300: past the fetches a vat may hold open in the reference (256)
	const large = 64 << 20                        // the reference's bound on one body
	ended, failed := map[string]any{"done": true, "valueIsUndefined": true}, "rejected with TypeError"
	nullBody := func(s int) map[string]any {
		return map[string]any{"status": s, "bodyIsNull": true, "text": "", "headBodyIsNull": true}
	}
	return Defaults{Area: AreaFetch, Profile: ProfileCore, Since: "0.3.0", Fixture: "fetch/read-to-end",
		Source:    "WHATWG Fetch §4.6 HTTP-network fetch (the body stream closes when the body is done, errors on a network error); WHATWG Streams §4.3 ReadableStreamDefaultReader read()",
		Rationale: "Code that streams a body stops at done and takes a rejection for a failed transfer; an end reported as an error or before the server finished, or a cut reported as an end, loses data or fails a transfer that succeeded.",
	}.Specs(
		Row{ID: "FETCH-050", Title: "a chunked body read through a reader ends with done", Run: pacedBody{End: ended, Closed: "fulfilled", After: ended}.Run,
			Requirement: "A chunked body that the server sends as \"abc\", then \"def\", then its end, each only after the vat asked for it, must read through a reader as \"abc\" and \"def\" with done false, then {done: true, value: undefined} (not an error, and not before \"def\"); closed must then fulfil, a further read give done again, and mocknet see the exchange completed."},
		Row{ID: "FETCH-051", Title: "a chunked body cut after a chunk fails the next read", Run: pacedBody{Cut: true, End: failed, Closed: failed, After: failed}.Run,
			Requirement: "A chunked body whose connection the server cuts after \"abc\" and \"def\", each sent only after the vat asked for it, must read through a reader as \"abc\" and \"def\", then reject the next read with TypeError (not done, not an empty chunk), and closed and a further read with TypeError."},
		Row{ID: "FETCH-052", Title: "cancelling a fetched body closes its connection", Fixture: "fetch/bodies",
			Requirement: "cancel() of a fetched body that never ends (" + drip + "), on the stream or on its reader, must resolve with undefined, leave the body used and ended, and close the connection within 2 s.",
			Rationale:   "A body the vat gave up on is a socket and a download until the network is told; cancel() is how a vat tells it.",
			Run: func(t *T) {
				for _, how := range []string{"stream", "reader"} {
					this := func(o Observation) bool { return PathIs(drip)(o) && o.RawQuery == "how="+how }
					vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
					Expect(vat.Run(t.Fixture(), map[string]any{"case": t.ID(), "base": "http://" + HostAllowed, "path": drip + "?how=" + how, "how": how})).To(ReturnedJSON(map[string]any{"cancelled": "undefined", "bodyUsed": true, "readAfterCancel": true}), "cancel through the %s", how)
					t.AwaitObservation("the body before it was cancelled through the "+how, ReadyWithin, func(o Observation) bool { return this(o) && o.BytesSent > 0 })
					t.ExpectClosedWithin("the body cancelled through the "+how, time.Now(), CloseDeadline, this)
				}
			}},
		Row{ID: "FETCH-053", Title: "null-body statuses have a null body", Fixture: "fetch/bodies", Profile: ProfileFetchAPI,
			Requirement: "A fetched response with status 204, 205 or 304, and the response to a HEAD, must have a null body, and text() must resolve to \"\".",
			Run:         ReturnsEach("statuses", map[string]any{"204": nullBody(204), "205": nullBody(205), "304": nullBody(304)})},
		Row{ID: "FETCH-056", Title: "a 64 MiB body is read whole; a longer one is read whole or fails", Fixture: "fetch/bodies", Profile: ProfileFetchAPI, Timeout: 2 * time.Minute,
			Requirement: fmt.Sprintf("A body of %d bytes (64 MiB) must be read whole, by arrayBuffer() and through a reader; a body of %d bytes must be read whole too or fail with TypeError, never resolve with fewer bytes than the server sent.", large, large+100),
			Rationale:   "Vats fetch artifacts (Wasm, data files) of tens of megabytes; an endowment may bound what it holds, but a body it cuts short and reports complete is silent data loss.",
			Run: func(t *T) {
				path := "/conform/fetch-056"
				t.Handle(HostAllowed, path, func(w http.ResponseWriter, r *http.Request) {
					n, _ := strconv.Atoi(r.URL.Query().Get("size"))
					_, _ = w.Write(bytes.Repeat([]byte("x"), n))
				})
				vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
				// A task, not an evaluate: on a loaded machine 200 MB may take longer than a call may.
				var got map[string]map[string]any
				vat.Start(t.Fixture(), map[string]any{"case": t.ID(), "base": "http://" + HostAllowed, "path": path, "sizes": []int{large, large + 100}}).AwaitValue(time.Minute+30*time.Second, &got)
				Expect(got[strconv.Itoa(large)]).To(Equal(map[string]any{"whole": float64(large), "streamed": float64(large)}), "the 64 MiB body, whole and through a reader")
				Expect(got[strconv.Itoa(large+100)]).To(HaveLen(2), "the body 100 bytes over 64 MiB, read whole and through a reader")
				for way, v := range got[strconv.Itoa(large+100)] {
					Expect(v).To(BeElementOf(float64(large+100), "TypeError"), "the body 100 bytes over 64 MiB read %s: all of it or a TypeError", way)
				}
			}},
		Row{ID: "FETCH-054", Title: "a body stream outliving its refused fetch sends nothing", Fixture: "fetch/bodies",
			Requirement: "fetch of a host not on the allowlist with a body stream must reject and send nothing (mocknet sees nothing on " + HostEvil + "), and a chunk the stream produces after the rejection must change nothing: fetches of an allowed URL made meanwhile and afterwards succeed.",
			Rationale:   "The body stream is the vat's and lives on after the fetch failed; what it produces then must reach no host and break nothing.",
			Run: Case{Params: map[string]any{"denied": "http://" + HostEvil + "/reset", "path": "/anything/fetch-054"}, Check: func(t *T, res Result) {
				Expect(res).To(ReturnedJSON(map[string]any{"refused": "rejected", "late": "no effect on the vat", "after": 200}))
				t.AwaitObservation("the fetch after the refused one", ReadyWithin, PathIs("/anything/fetch-054"))
				t.ExpectNoContact(HostEvil)
			}}.Run},
		Row{ID: "FETCH-055", Title: "a body read to its end holds nothing open", Fixture: "fetch/bodies", Timeout: 2 * time.Minute,
			Requirement: fmt.Sprintf("A vat must be able to fetch %d bodies one after another, reading each to its end with text(), then %d more reading each to its end through a reader: every one of them completes.", sequential, sequential),
			Rationale:   "A long-lived vat fetches without end; a fetch whose body was read to its end must release what it held (a connection, a slot among the vat's open fetches), or the vat stops being able to fetch after a few hundred.",
			Run:         Case{Params: map[string]any{"count": sequential, "path": "/base64/aGVsbG8gd29ybGQ="}, Want: map[string]any{"text": sequential, "reader": sequential}, Within: 90 * time.Second}.Run},
	)
}

// pacedBody serves "abc", "def", then the end (with Cut, a cut), each once the vat fetched a
// release route. End, Closed and After: what the last read, closed and a later read must give.
type pacedBody struct {
	Cut                bool
	End, Closed, After any
}

func (p pacedBody) Run(t *T) {
	path, released := "/conform/"+strings.ToLower(t.ID()), make(chan struct{}, 2)
	t.Handle(HostAllowed, path+"/release/{step}", func(http.ResponseWriter, *http.Request) { released <- struct{}{} })
	t.Handle(HostAllowed, path, func(w http.ResponseWriter, r *http.Request) {
		for _, part := range []string{"abc", "def"} {
			_, _ = w.Write([]byte(part))
			_ = http.NewResponseController(w).Flush()
			select {
			case <-released:
			case <-r.Context().Done():
				return
			}
		}
		if p.Cut {
			panic(http.ErrAbortHandler) // the connection closes without the body's end
		}
	})
	vat := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	Expect(vat.Run(t.Fixture(), map[string]any{"base": "http://" + HostAllowed, "path": path, "release": path + "/release"})).To(ReturnedJSON(map[string]any{"first": map[string]any{"text": "abc", "doneEarly": false}, "second": map[string]any{"text": "def", "doneEarly": false}, "bodyUsed": true, "end": p.End, "closed": p.Closed, "readAfterEnd": p.After}))
	if !p.Cut {
		t.AwaitObservation("the streamed exchange completed", ReadyWithin, func(o Observation) bool { return PathIs(path)(o) && o.Outcome == mocknet.OutcomeCompleted })
	}
}
