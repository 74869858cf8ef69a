package suite

import (
	"net/http"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	. "github.com/conform-suite/conform/suite/dsl" //nolint:revive // the spec DSL reads as prose
)

const (
	fixtureTamperReturned = "isolation/tamper-returned"
	fixtureReadAfter      = "isolation/read-after-tamper"

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
// replaces (see fixtures/isolation/tamper-returned.js).
type returnedObject struct {
	id     string
	target string
}

// readAfterTamper is what vat B reports (fixtures/isolation/read-after-tamper.js): what
// each way of reading gave, as a string.
type readAfterTamper struct {
	Status            string `json:"status"`
	Header            string `json:"header"`
	Entries           string `json:"entries"`
	ForOf             string `json:"forOf"`
	Text              string `json:"text"`
	ThenText          string `json:"thenText"`
	CloneText         string `json:"cloneText"`
	ReaderText        string `json:"readerText"`
	AsyncIteratorText string `json:"asyncIteratorText"`
	JSONError         string `json:"jsonError"`
	JSON              string `json:"json"`
	Inherited         string `json:"inherited"`
	RequestURL        string `json:"requestUrl"`
	RequestStatus     string `json:"requestStatus"`
}

// run: vat A tampers and reports whether that took effect in A (the positive control);
// vat B, created afterwards, must read every body, header and status intact.
func (r returnedObject) run(t *T) {
	base := "/conform/" + strings.ToLower(r.id)
	t.Handle(HostAllowed, base+"/body", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Conform", isolationHeader)
		_, _ = w.Write([]byte(isolationBody))
	})
	t.Handle(HostAllowed, base+"/json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"conform":"` + isolationHeader + `"}`))
	})
	params := map[string]any{
		"target": r.target, "mark": tamperMark, "body": isolationBody,
		"url": t.URL(HostAllowed, base+"/body"), "jsonUrl": t.URL(HostAllowed, base+"/json"),
	}
	a := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	var tamper struct {
		Reached, Replaced, TookEffect bool
		Detail                        string
	}
	a.Run(fixtureTamperReturned, params).Decode(&tamper)
	var inA string
	switch {
	case !tamper.Reached:
		inA = "vat A could not reach " + r.target + " (" + tamper.Detail + "): nothing to tamper with, so this path passes trivially"
	case !tamper.Replaced:
		inA = "vat A's replacement of " + r.target + " was refused (" + tamper.Detail + "): this path passes trivially"
	case !tamper.TookEffect:
		inA = "vat A replaced " + r.target + " but did not see the change itself (" + tamper.Detail + ")"
	default:
		inA = "vat A replaced " + r.target + " and the change took effect in A (" + tamper.Detail + ")"
	}
	t.Logf("%s", inA)

	b := t.NewVat(VatConfig{AllowedHosts: []string{HostAllowed}})
	var got readAfterTamper
	b.Run(fixtureReadAfter, params).Decode(&got)
	want := readAfterTamper{
		Status: "200", Header: isolationHeader, Entries: isolationHeader, ForOf: isolationHeader,
		Text: isolationBody, ThenText: isolationBody, CloneText: isolationBody, ReaderText: isolationBody,
		AsyncIteratorText: isolationBody, JSONError: "SyntaxError", JSON: isolationHeader, Inherited: "false",
		RequestURL: params["url"].(string), RequestStatus: "200",
	}
	if got.AsyncIteratorText == "no async iterator" {
		// Bodies without Symbol.asyncIterator are allowed; there is nothing to read that way.
		want.AsyncIteratorText = got.AsyncIteratorText
	}
	Expect(got).To(Equal(want), "%s; vat B, created afterwards, must fetch and read every body, header and status as the network sent them", inA)
}

// returnedObjectSpecs tamper, in one vat, with what is reachable from the objects the
// endowment returned, and check that another vat's fetches are untouched (ISO-006 to
// ISO-030). They run last (Tampers).
func returnedObjectSpecs() []Spec {
	spec := func(id, title, reached string, target string) Spec {
		r := returnedObject{id: id, target: target}
		return Spec{
			Requirement: Requirement{
				File: "iso_returned.go", Globals: NetworkGlobals(),
				ID: id, Title: title,
				Requirement: "Replacing " + reached + " in one vat must not change what another vat's fetches return: its status, headers and bodies (read with text, then, clone, a reader or an async iterator) must be as the network sent them.",
				Rationale:   rationaleReturnedObjects,
				Profile:     ProfileCore, Area: AreaIsolation, Since: "0.2.0",
				Source:  srcReturnedObjects,
				Fixture: fixtureTamperReturned,
			},
			Tampers: true,
			Run:     r.run,
		}
	}
	return []Spec{
		spec("ISO-006", "body reader's read stays in its vat", "read on the prototype of res.body.getReader()", "reader-read"),
		spec("ISO-007", "body stream's getReader stays in its vat", "getReader on the prototype of res.body", "stream-getreader"),
		spec("ISO-008", "body stream's tee stays in its vat", "tee on the prototype of res.body (which clone() uses)", "stream-tee"),
		spec("ISO-009", "body async iterator stays in its vat", "next on the prototype of res.body[Symbol.asyncIterator]()", "async-iterator-next"),
		spec("ISO-010", "AsyncIteratorPrototype reached from a body stays in its vat", "[Symbol.asyncIterator] on %AsyncIteratorPrototype%, reached from the prototype of the body's async iterator", "async-iterator-prototype"),
		spec("ISO-011", "then of a body promise stays in its vat", "then on the prototype of the promise res.text() returns", "promise-then"),
		spec("ISO-012", "constructor of a body promise stays in its vat", "catch on the prototype of the constructor of the promise res.json() returns", "promise-catch"),
		spec("ISO-013", "headers iterator stays in its vat", "next on the prototype of res.headers.entries()", "headers-iterator-next"),
		spec("ISO-014", "IteratorPrototype reached from headers stays in its vat", "[Symbol.iterator] on %IteratorPrototype%, reached from the prototype of res.headers.entries()", "iterator-prototype"),
		spec("ISO-015", "prototype of fetched headers stays in its vat", "get on the prototype of a fetched response's headers", "headers-prototype-get"),
		spec("ISO-016", "prototype of a fetched response stays in its vat", "the status getter on Object.getPrototypeOf(await fetch(url))", "response-prototype-status"),
		spec("ISO-017", "prototype of a response clone stays in its vat", "text on the prototype of res.clone()", "clone-prototype-text"),
		spec("ISO-018", "prototype of a request clone stays in its vat", "the url getter on the prototype of new Request(url).clone()", "request-clone-prototype"),
		spec("ISO-019", "prototype of a parsed JSON body stays in its vat", "the prototype of the object await res.json() resolves to (adding a property to it)", "json-result-prototype"),
	}
}
