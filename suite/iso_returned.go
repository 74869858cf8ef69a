package suite

import (
	"net/http"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	// srcReturnedObjects: why what the endowment returns must not be a channel between vats.
	srcReturnedObjects = "ocap-kernel: each vat is its own compartment with its own endowments (createDefaultEndowments builds a fresh, isolated set per vat), so nothing one vat does may change another's; Snaps: endowments are hardened so that vat code cannot modify them. Objects the endowment returns (bodies, readers, iterators, promises, clones) lead by prototype and constructor to shared objects exactly as the globals do"

	rationaleReturnedObjects = "In runtimes where the endowment's objects come from one shared realm (Node's fetch under vm or SES compartments), the prototype of a returned body, reader, iterator or promise is the same object in every vat: a vat that changes it changes how every other vat reads the network, with no global in sight."

	// tamperMark is what vat A's replacements show; vat B must never see it.
	tamperMark = "tampered-by-vat-a"
	// isolationBody is the body and x-conform header vat B must read intact.
	isolationBody   = "conform-isolation-body"
	isolationHeader = "original"
)

// returnedObject is one object reachable from what the endowment returned that vat A
// replaces: Reached says how vat code reaches it, Target names it for
// fixtures/isolation/tamper-returned.js.
type returnedObject struct{ ID, Title, Reached, Target string }

// returnedObjectSpecs tamper, in one vat, with what is reachable from the objects the
// endowment returned, and check that another vat's fetches are untouched. They run last
// (Tampers).
func returnedObjectSpecs() []Spec {
	objects := []returnedObject{
		{ID: "ISO-006", Title: "body reader's read stays in its vat", Target: "reader-read", Reached: "read on the prototype of res.body.getReader()"},
		{ID: "ISO-007", Title: "body stream's getReader stays in its vat", Target: "stream-getreader", Reached: "getReader on the prototype of res.body"},
		{ID: "ISO-008", Title: "body stream's tee stays in its vat", Target: "stream-tee", Reached: "tee on the prototype of res.body (which clone() uses)"},
		{ID: "ISO-009", Title: "body async iterator stays in its vat", Target: "async-iterator-next", Reached: "next on the prototype of res.body[Symbol.asyncIterator]()"},
		{ID: "ISO-010", Title: "AsyncIteratorPrototype reached from a body stays in its vat", Target: "async-iterator-prototype",
			Reached: "[Symbol.asyncIterator] on %AsyncIteratorPrototype%, reached from the prototype of the body's async iterator"},
		{ID: "ISO-011", Title: "then of a body promise stays in its vat", Target: "promise-then", Reached: "then on the prototype of the promise res.text() returns"},
		{ID: "ISO-012", Title: "constructor of a body promise stays in its vat", Target: "promise-catch", Reached: "catch on the prototype of the constructor of the promise res.json() returns"},
		{ID: "ISO-013", Title: "headers iterator stays in its vat", Target: "headers-iterator-next", Reached: "next on the prototype of res.headers.entries()"},
		{ID: "ISO-014", Title: "IteratorPrototype reached from headers stays in its vat", Target: "iterator-prototype",
			Reached: "[Symbol.iterator] on %IteratorPrototype%, reached from the prototype of res.headers.entries()"},
		{ID: "ISO-015", Title: "prototype of fetched headers stays in its vat", Target: "headers-prototype-get", Reached: "get on the prototype of a fetched response's headers"},
		{ID: "ISO-016", Title: "prototype of a fetched response stays in its vat", Target: "response-prototype-status", Reached: "the status getter on Object.getPrototypeOf(await fetch(url))"},
		{ID: "ISO-017", Title: "prototype of a response clone stays in its vat", Target: "clone-prototype-text", Reached: "text on the prototype of res.clone()"},
		{ID: "ISO-018", Title: "prototype of a request clone stays in its vat", Target: "request-clone-prototype", Reached: "the url getter on the prototype of new Request(url).clone()"},
		{ID: "ISO-019", Title: "prototype of a parsed JSON body stays in its vat", Target: "json-result-prototype",
			Reached: "the prototype of the object await res.json() resolves to (adding a property to it)"},
	}
	rows := make([]Row, len(objects))
	for i, o := range objects {
		rows[i] = Row{ID: o.ID, Title: o.Title, Tampers: true, Run: o.run,
			Requirement: "Replacing " + o.Reached + " in one vat must not change what another vat's fetches return: its status, headers and bodies (read with text, then, clone, a reader or an async iterator) must be as the network sent them."}
	}
	return Defaults{Area: AreaIsolation, Profile: ProfileCore, Since: "0.2.0", Source: srcReturnedObjects,
		Rationale: rationaleReturnedObjects, Fixture: "isolation/tamper-returned"}.Specs(rows...)
}

// run: vat A tampers and reports whether that took effect in A (the positive control);
// vat B, created afterwards, must read every body, header and status intact (see
// fixtures/isolation/read-after-tamper.js: what each way of reading gave, as a string).
func (r returnedObject) run(t *T) {
	base := "/conform/" + strings.ToLower(t.ID())
	t.Handle(HostAllowed, base+"/body", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Conform", isolationHeader)
		_, _ = w.Write([]byte(isolationBody))
	})
	t.Handle(HostAllowed, base+"/json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"conform":"` + isolationHeader + `"}`))
	})
	url := t.URL(HostAllowed, base+"/body")
	params := map[string]any{"target": r.Target, "mark": tamperMark, "body": isolationBody, "url": url, "jsonUrl": t.URL(HostAllowed, base+"/json")}
	var tamper struct {
		Reached, Replaced, TookEffect bool
		Detail                        string
	}
	t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}}).Run(t.Fixture(), params).Decode(&tamper)
	inA := "vat A replaced " + r.Target + " and the change took effect in A (" + tamper.Detail + ")"
	switch {
	case !tamper.Reached:
		inA = "vat A could not reach " + r.Target + " (" + tamper.Detail + "): nothing to tamper with, so this path passes trivially"
	case !tamper.Replaced:
		inA = "vat A's replacement of " + r.Target + " was refused (" + tamper.Detail + "): this path passes trivially"
	case !tamper.TookEffect:
		inA = "vat A replaced " + r.Target + " but did not see the change itself (" + tamper.Detail + ")"
	}
	t.Logf("%s", inA)

	var got map[string]string
	t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}}).Run("isolation/read-after-tamper", params).Decode(&got)
	want := map[string]string{
		"status": "200", "header": isolationHeader, "entries": isolationHeader, "forOf": isolationHeader,
		"text": isolationBody, "thenText": isolationBody, "cloneText": isolationBody, "readerText": isolationBody,
		"asyncIteratorText": isolationBody, "jsonError": "SyntaxError", "json": isolationHeader, "inherited": "false",
		"requestUrl": url, "requestStatus": "200",
	}
	if got["asyncIteratorText"] == "no async iterator" {
		// Bodies without Symbol.asyncIterator are allowed; there is nothing to read that way.
		want["asyncIteratorText"] = got["asyncIteratorText"]
	}
	Expect(got).To(Equal(want), "%s; vat B, created afterwards, must fetch and read every body, header and status as the network sent them", inA)
}
