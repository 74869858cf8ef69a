package endowment

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
)

//go:embed testdata/*.js
var jsTests embed.FS

// jsResult is one behaviour of a *_test.js file: its name and, when it failed, why.
type jsResult struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// behaviourLimit fails one behaviour that never settles (a lost wake-up, a hung read):
// it is a bound on a hang, far past what any behaviour takes on a loaded machine.
const behaviourLimit = 20 * time.Second

// runJSTest runs testdata/<file> in a fresh runtime with every global installed, after
// testdata/assert.js, and reports each behaviour it registered as a subtest. globals are
// extra values defined first (the fetch tests' serverURL).
func runJSTest(t *testing.T, file string, opts Options, globals map[string]any) {
	t.Helper()
	helpers, err := jsTests.ReadFile("testdata/assert.js")
	if err != nil {
		t.Fatal(err)
	}
	body, err := jsTests.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	end, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := end.Teardown(ctx); err != nil {
			t.Errorf("teardown: %v", err)
		}
		loop.Terminate()
	})
	source := fmt.Sprintf("const behaviourLimitMs = %d;\n", behaviourLimit.Milliseconds()) + "(async function () {\n" + string(helpers) + "\n" + string(body) + `
		const results = [];
		for (const [name, fn] of registered) {
			try {
				// A behaviour that never settles fails by name instead of hanging the file.
				const limit = AbortSignal.timeout(behaviourLimitMs);
				await Promise.race([fn(), new Promise((_, reject) => limit.addEventListener('abort', () => reject(new Error('did not settle within ' + behaviourLimitMs + ' ms'))))]);
				results.push({ name, error: '' });
			} catch (err) {
				results.push({ name, error: String(err && err.stack ? err.stack : err) });
			}
		}
		return JSON.stringify(results);
	})()`
	outcome := make(chan any, 1)
	loop.RunOnLoop(func(vm *goja.Runtime) {
		for name, value := range globals {
			_ = vm.Set(name, value)
		}
		if err := end.Install(vm, loop, Globals()); err != nil {
			outcome <- err
			return
		}
		value, err := vm.RunScript(file, source)
		if err != nil {
			outcome <- err
			return
		}
		promise := value.Export().(*goja.Promise)
		then := func(goja.FunctionCall) goja.Value {
			if promise.State() == goja.PromiseStateRejected {
				outcome <- fmt.Errorf("%s rejected: %v", file, promise.Result())
			} else {
				outcome <- promise.Result().String()
			}
			return goja.Undefined()
		}
		thenFn, _ := goja.AssertFunction(vm.ToValue(promise).ToObject(vm).Get("then"))
		if _, err := thenFn(vm.ToValue(promise), vm.ToValue(then), vm.ToValue(then)); err != nil {
			outcome <- err
		}
	})
	var results []jsResult
	// Each behaviour has its own limit (behaviourLimit), so the file always settles.
	o := <-outcome
	text, ok := o.(string)
	if !ok {
		t.Fatalf("%s: %v", file, o)
	}
	if err := json.Unmarshal([]byte(text), &results); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(results) == 0 {
		t.Fatalf("%s registered no behaviours", file)
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.Error != "" {
				t.Error(r.Error)
			}
		})
	}
}

// TestEveryWebAPIFileIsCompiled keeps webAPIFiles and the webapi/ directory in step: a file
// added to the directory but not to the list would silently not exist in the runtime.
func TestEveryWebAPIFileIsCompiled(t *testing.T) {
	entries, err := webAPISources.ReadDir("webapi")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range entries {
		onDisk = append(onDisk, e.Name())
	}
	listed := slices.Sorted(slices.Values(webAPIFiles))
	if !slices.Equal(onDisk, listed) {
		t.Errorf("webapi/ holds %v, webAPIFiles lists %v", onDisk, listed)
	}
}

var noNetwork = Options{AllowedHosts: []string{}}

func TestDOMException(t *testing.T) { runJSTest(t, "dom_exception_test.js", noNetwork, nil) }
func TestAbort(t *testing.T)        { runJSTest(t, "abort_test.js", noNetwork, nil) }
func TestText(t *testing.T)         { runJSTest(t, "text_test.js", noNetwork, nil) }
func TestStreams(t *testing.T)      { runJSTest(t, "streams_test.js", noNetwork, nil) }
func TestHeaders(t *testing.T)      { runJSTest(t, "headers_test.js", noNetwork, nil) }
func TestBody(t *testing.T)         { runJSTest(t, "body_test.js", noNetwork, nil) }
func TestRequest(t *testing.T)      { runJSTest(t, "request_test.js", noNetwork, nil) }
func TestResponse(t *testing.T)     { runJSTest(t, "response_test.js", noNetwork, nil) }

func TestFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "yes")
		_, _ = io.WriteString(w, "hello")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hello", http.StatusFound)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, _ = fmt.Fprintf(w, "%s %s %s", r.Method, r.Header.Get("Content-Type"), body)
	})
	// /upload-hang reads the request body and never answers. A handler that does not read
	// the body would never learn that the client went away, and srv.Close would wait for it.
	mux.HandleFunc("/upload-hang", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		<-r.Context().Done()
	})
	// /switch answers 101 Switching Protocols and writes bytes of the switched protocol.
	mux.HandleFunc("/switch", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nraw bytes")
		_ = buf.Flush()
	})
	// /bad-location redirects to a Location that is not a URL.
	mux.HandleFunc("/bad-location", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://[::1")
		w.WriteHeader(http.StatusFound)
	})
	// /chain/{n} redirects n times before /hello: Fetch follows at most 20 redirects.
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 0 {
			http.Error(w, "bad count", http.StatusBadRequest)
			return
		}
		next := "/hello"
		if n > 1 {
			next = fmt.Sprintf("/chain/%d", n-1)
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
	// /status/{code} answers with that status and, where HTTP allows one, a body.
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(r.PathValue("code"))
		if err != nil {
			http.Error(w, "bad status", http.StatusBadRequest)
			return
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "body")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	runJSTest(t, "fetch_test.js", Options{AllowedHosts: []string{"127.0.0.1"}}, map[string]any{"serverURL": srv.URL})
}

func TestHarden(t *testing.T) { runJSTest(t, "harden_test.js", noNetwork, nil) }

// TestHardenReplay checks the replay recorded from the walk: it reaches the whole graph
// (ninety-odd objects, not a handful) and it refuses what it cannot replay in
// another runtime rather than skip it.
func TestHardenReplay(t *testing.T) {
	program, err := hardenReplay()
	if err != nil {
		t.Fatal(err)
	}
	vm := goja.New()
	fn, err := vm.RunProgram(program)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := goja.AssertFunction(fn); !ok {
		t.Fatalf("the replay program evaluates to %v, want a function", fn)
	}
	// The walk's record, compiled again from a scratch runtime's paths, has one freeze per
	// object reached.
	paths, err := vm.RunString(`[[-1, "root", 0], [0, "value", "fetch"], [1, "proto", null], [0, "get", "x"]]`)
	if err != nil {
		t.Fatal(err)
	}
	src, err := hardenReplaySource(vm, paths.ToObject(vm))
	if err != nil {
		t.Fatal(err)
	}
	want := "const o0 = roots[\"0\"];\nfreeze(o0);\nconst o1 = o0[\"fetch\"];\nfreeze(o1);\n" +
		"const o2 = getPrototypeOf(o1);\nfreeze(o2);\nconst o3 = getOwnPropertyDescriptor(o0, \"x\").get;\nfreeze(o3);\n"
	if !strings.Contains(src, want) {
		t.Errorf("replay source:\n%s\nwant it to contain:\n%s", src, want)
	}
	for _, bad := range []string{
		`[[-1, "root", 0], [0, "value", Symbol("own")]]`,
		`[[-1, "root", 0], [5, "value", "fetch"]]`,
		`[[-1, "root", 0], [0, "sideways", "fetch"]]`,
	} {
		paths, err := vm.RunString(bad)
		if err != nil {
			t.Fatal(err)
		}
		if src, err := hardenReplaySource(vm, paths.ToObject(vm)); err == nil {
			t.Errorf("paths %s compiled to\n%s\nwant an error", bad, src)
		}
	}
	recorded, err := recordHardenReplay()
	if err != nil {
		t.Fatal(err)
	}
	reached := strings.Count(recorded, "freeze(")
	if reached < 80 {
		t.Errorf("the replay freezes %d objects; the endowment has more than 80", reached)
	}
}
