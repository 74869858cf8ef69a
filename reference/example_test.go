package reference_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"

	"github.com/conform-suite/conform/reference"
)

// A Go program gives a script a fetch that reaches only 127.0.0.1. The script reports back
// through a function the program provides; the program waits for it, then tears the
// endowment down.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello from "+r.URL.Path)
	}))
	defer srv.Close()

	end, err := reference.New(reference.Options{AllowedHosts: []string{"127.0.0.1"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	loop := eventloop.NewEventLoop(eventloop.EnableConsole(false))
	loop.Start()
	defer loop.Stop()

	done := make(chan struct{})
	loop.RunOnLoop(func(vm *goja.Runtime) {
		if err := end.Install(vm, loop, []string{"fetch"}); err != nil {
			fmt.Println(err)
			close(done)
			return
		}
		_ = vm.Set("report", func(c goja.FunctionCall) goja.Value {
			fmt.Println(c.Argument(0).String())
			return goja.Undefined()
		})
		_ = vm.Set("finish", func(goja.FunctionCall) goja.Value {
			close(done)
			return goja.Undefined()
		})
		_ = vm.Set("base", srv.URL)
		_, err := vm.RunString(`(async () => {
			const res = await fetch(base + '/greeting');
			report(res.status + ' ' + await res.text());
			try {
				await fetch('https://example.com/');
			} catch (e) {
				report(e.name + ': ' + e.message);
			}
		})().finally(finish);`)
		if err != nil {
			fmt.Println(err)
			close(done)
		}
	})
	<-done

	if err := end.Teardown(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 200 hello from /greeting
	// TypeError: Invalid host: example.com
}
