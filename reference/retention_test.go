package reference_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/conform-suite/conform/reference"
)

// liveHeapObjects is the number of heap objects still reachable after two collections
// (the second frees what the first's cleanups released).
func liveHeapObjects() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapObjects
}

// TestFetchesLeaveNothingBehind checks that a finished fetch leaves nothing reachable in
// its vat: a vat that fetches for hours must not grow. Internal state kept in goja
// WeakMaps, whose values refer back to their keys, used to keep every Request, Response,
// stream and signal alive (about 330 heap objects and 28 KiB a fetch), and each fetch got
// slower as the heap grew.
func TestFetchesLeaveNothingBehind(t *testing.T) {
	body := strings.Repeat("x", 1024)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	v := newVat(t, reference.Options{AllowedHosts: []string{"127.0.0.1"}})
	const batch = 200
	src := fmt.Sprintf(`for (let i = 0; i < %d; i++) {
	  const r = await fetch(%s, { headers: { 'x-n': String(i) }, signal: new AbortController().signal });
	  const c = r.clone();
	  if ((await r.text()).length + (await c.arrayBuffer()).byteLength !== 2048) throw new Error('short body');
	}
	return 1;`, batch, jsString(srv.URL+"/"))
	v.value(t, src) // warm up: connections, compiled code, pools
	before := liveHeapObjects()
	v.value(t, src)
	v.value(t, src)
	after := liveHeapObjects()
	grown := int64(after) - int64(before)
	// A fetch that leaked its objects grows the heap by hundreds of objects; allow a few
	// per fetch for what the runtime and the transport keep (pools, idle connections).
	if perFetch := float64(grown) / (2 * batch); perFetch > 5 {
		t.Fatalf("the heap grew by %d objects over %d fetches (%.1f a fetch): finished fetches stay reachable", grown, 2*batch, perFetch)
	}
}
