package fuzz

import (
	"strings"
)

// The operations of the grammar: fetch (awaited, or spawned on a held route), abort,
// body reading in every form, clones, tees and readers, Headers, Request and Response
// construction, URL parsing, the hardening of endowed objects, and the harness's teardown
// and sibling vat. Each op says when it applies and how often it is drawn.

func operations() []op {
	return []op{
		{name: "fetch", weight: 10, when: func(g *gen) bool { return g.env.has("fetch") }, emit: emitFetch},
		{name: "fetch.held", weight: 3, when: func(g *gen) bool { return g.env.has("fetch") }, emit: emitHeldFetch},
		{name: "abortcontroller", weight: 2, when: func(g *gen) bool { return g.env.has("AbortController") }, emit: emitController},
		{name: "abort", weight: 3, when: func(g *gen) bool { return len(g.slotsWhere(isKind(kController))) > 0 }, emit: emitAbort},
		{name: "body.read", weight: 6, when: func(g *gen) bool { return len(g.readable()) > 0 }, emit: emitRead},
		{name: "body.spawn", weight: 2, when: func(g *gen) bool { return len(g.heldBodies()) > 0 }, emit: emitSpawnRead},
		{name: "clone", weight: 2, when: func(g *gen) bool { return len(g.bodies()) > 0 }, emit: emitClone},
		{name: "tee", weight: 1, when: func(g *gen) bool { return len(g.bodies()) > 0 }, emit: emitTee},
		{name: "branch", weight: 2, when: func(g *gen) bool { return len(g.slotsWhere(isKind(kBranches))) > 0 && g.env.has("Response") }, emit: emitBranch},
		{name: "reader", weight: 2, when: func(g *gen) bool { return len(g.bodies()) > 0 }, emit: emitReader},
		{name: "reader.op", weight: 3, when: func(g *gen) bool { return len(g.slotsWhere(isKind(kReader))) > 0 }, emit: emitReaderOp},
		{name: "headers.new", weight: 3, when: func(g *gen) bool { return g.env.has("Headers") }, emit: emitHeaders},
		{name: "headers.op", weight: 4, when: func(g *gen) bool { return len(g.headerTargets()) > 0 }, emit: emitHeadersOp},
		{name: "request.new", weight: 3, when: func(g *gen) bool { return g.env.has("Request") }, emit: emitRequest},
		{name: "response.new", weight: 3, when: func(g *gen) bool { return g.env.has("Response") }, emit: emitResponse},
		{name: "url.new", weight: 1, when: func(g *gen) bool { return g.env.has("URL") }, emit: emitURL},
		{name: "frozen", weight: 1, emit: emitFrozen},
		{name: "teardown", weight: 2, when: func(g *gen) bool { return g.env.Teardown && g.teardowns < 2 }, emit: emitTeardown},
		{name: "sibling", weight: 1, when: func(g *gen) bool { return g.env.VaryAllowlist }, emit: emitSibling},
		{name: "await", weight: 3, when: func(g *gen) bool { return len(g.slotsWhere(awaitable)) > 0 }, emit: emitAwait},
	}
}

func isKind(k kind) func(*slot) bool { return func(s *slot) bool { return s.kind == k } }

func awaitable(s *slot) bool { return s.kind == kPromise && s.settles && !s.torn }

// bodies are the responses and requests whose body can be cloned, teed or read through a
// reader.
func (g *gen) bodies() []*slot {
	return g.slotsWhere(func(s *slot) bool { return s.kind == kResponse || s.kind == kRequest })
}

// readable are the bodies an awaited read may consume: they end by themselves.
func (g *gen) readable() []*slot {
	return g.slotsWhere(func(s *slot) bool { return (s.kind == kResponse || s.kind == kRequest) && !s.held && !s.torn })
}

// heldBodies are the fetched bodies that only a spawned read may consume.
func (g *gen) heldBodies() []*slot {
	return g.slotsWhere(func(s *slot) bool { return s.kind == kResponse && s.fetched && (s.held || s.torn) })
}

// headerTargets are the Headers objects a step may work on, and whether each holds a
// server's headers (a fetched response's: Date, framing, CORS), which are only read by
// name and written to, never listed.
func (g *gen) headerTargets() []headerTarget {
	var out []headerTarget
	for _, s := range g.slots {
		switch s.kind {
		case kHeaders:
			out = append(out, headerTarget{s.name, false})
		case kResponse, kRequest:
			out = append(out, headerTarget{s.name + ".headers", s.fetched})
		}
	}
	return out
}

type headerTarget struct {
	expr   string
	server bool
}

func (g *gen) otherURL() string {
	return g.hostURL(grammarHosts[g.pickW("other host", 1, 4, 1, 1, 1, 1)], "/fz/res?b=other")
}

func emitFetch(g *gen) {
	r := g.route(0)
	name := g.name("r")
	if g.chance("drip", 8) {
		r = route{path: "/fz/drip?fz=" + name, drip: true}
	}
	input, form := g.input(g.urlFor(r), g.otherURL)
	init, signal := g.init(r.drip)
	g.eval("fetch:"+form, "await fetch("+input+init+")", name)
	g.bind(&slot{name: name, kind: kResponse, fetched: true, det: r.det, held: r.drip, signal: signal})
}

func emitHeldFetch(g *gen) {
	name := g.name("p")
	var code string
	signal := ""
	if g.env.has("ReadableStream", "TextEncoder") && g.chance("upload", 4) {
		u := g.hostURL("allowed.test", "/fz/upload?fz="+name)
		code = "fetch(" + str(u) + ", { method: \"POST\", body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(\"fz\")); } }), duplex: \"half\" })"
	} else {
		r := g.heldRoute(name)
		opts := ""
		if ctrls := g.slotsWhere(isKind(kController)); len(ctrls) > 0 && g.pickW("held signal", 1, 2) == 1 {
			signal = oneOf(g, "controller", ctrls).name
			opts = ", { signal: " + signal + ".signal }"
		}
		code = "fetch(" + str(g.heldURL(r)) + opts + ")"
	}
	g.add(Step{Kind: StepSpawn, Op: "fetch.held", Code: code, Bind: name, Tag: name})
	g.bind(&slot{name: name, kind: kPromise, held: true, signal: signal})
}

func emitController(g *gen) {
	name := g.name("c")
	g.eval("abortcontroller", "new AbortController()", name)
	g.bind(&slot{name: name, kind: kController})
}

func emitAbort(g *gen) {
	c := oneOf(g, "controller", g.slotsWhere(isKind(kController)))
	reason := []string{"", "\"fz\"", "new Error(\"fz\")", "undefined", "null"}[g.pickW("reason", 6, 1, 1, 1, 1)]
	g.eval("abort", c.name+".abort("+reason+")", "")
	for _, s := range g.slots {
		if s.signal != c.name {
			continue
		}
		if s.kind == kPromise {
			s.settles = true
		} else {
			s.held = false
		}
	}
}

func emitRead(g *gen) {
	s := oneOf(g, "body", g.readable())
	if !s.det && s.fetched {
		g.eval("body.discard", "await "+s.name+".arrayBuffer().then(() => \"read\")", "")
		return
	}
	method := oneOf(g, "read", []string{"text", "arrayBuffer", "json", "blob", "formData", "bytes", "readall"})
	if method == "readall" {
		g.eval("body.readall", "await (async (rd) => { let n = 0; for (;;) { const c = await rd.read(); if (c.done) return n; n += c.value.length; } })("+s.name+".body.getReader())", "")
		return
	}
	g.eval("body."+method, "await "+s.name+"."+method+"()", "")
}

func emitSpawnRead(g *gen) {
	s := oneOf(g, "held body", g.heldBodies())
	name := g.name("p")
	code := s.name + "." + oneOf(g, "read", []string{"text()", "arrayBuffer()", "body.getReader().read()", "clone().text()"})
	g.add(Step{Kind: StepSpawn, Op: "body.spawn", Code: code, Bind: name})
	g.bind(&slot{name: name, kind: kPromise, held: s.held, settles: !s.held && !s.torn, signal: s.signal, torn: s.torn})
}

func emitClone(g *gen) {
	s := oneOf(g, "body", g.bodies())
	name := g.name("r")
	g.eval("clone", s.name+".clone()", name)
	c := *s
	c.name = name
	g.bind(&c)
}

func emitTee(g *gen) {
	s := oneOf(g, "body", g.bodies())
	name := g.name("b")
	g.eval("tee", s.name+".body.tee()", name)
	t := *s
	t.name, t.kind = name, kBranches
	g.bind(&t)
}

func emitBranch(g *gen) {
	s := oneOf(g, "branches", g.slotsWhere(isKind(kBranches)))
	branch := s.name + "[" + oneOf(g, "branch", []string{"0", "1"}) + "]"
	if s.held || s.torn || (!s.det && s.fetched) {
		name := g.name("p")
		g.add(Step{Kind: StepSpawn, Op: "branch.spawn", Code: "new Response(" + branch + ").text()", Bind: name})
		g.bind(&slot{name: name, kind: kPromise, held: s.held, settles: !s.held && !s.torn, signal: s.signal, torn: s.torn})
		return
	}
	g.eval("branch.text", "await new Response("+branch+").text()", "")
}

func emitReader(g *gen) {
	s := oneOf(g, "body", g.bodies())
	name := g.name("rd")
	g.eval("reader", s.name+".body.getReader()", name)
	r := *s
	r.name, r.kind = name, kReader
	g.bind(&r)
}

func emitReaderOp(g *gen) {
	rd := oneOf(g, "reader", g.slotsWhere(isKind(kReader)))
	switch g.pickW("reader op", 4, 1, 1) {
	case 0:
		if rd.torn {
			name := g.name("p")
			g.add(Step{Kind: StepSpawn, Op: "reader.spawn", Code: rd.name + ".read()", Bind: name})
			g.bind(&slot{name: name, kind: kPromise, torn: true})
			return
		}
		g.add(Step{Kind: StepEval, Op: "reader.read", Code: "await " + rd.name + ".read()", View: "chunk"})
	case 1:
		g.eval("reader.releaseLock", rd.name+".releaseLock()", "")
	default:
		if rd.torn {
			g.eval("reader.cancel", rd.name+".cancel().then(() => \"cancelled\")", "")
			return
		}
		g.eval("reader.cancel", "await "+rd.name+".cancel("+oneOf(g, "cancel reason", []string{"", "\"fz\""})+")", "")
	}
}

func emitHeaders(g *gen) {
	name := g.name("h")
	g.eval("headers.new", "new Headers("+g.headersInit()+")", name)
	g.bind(&slot{name: name, kind: kHeaders})
}

func emitHeadersOp(g *gen) {
	t := oneOf(g, "headers", g.headerTargets())
	target := t.expr
	n, v := g.headerName(), g.headerValue()
	methods := []string{"append", "set", "get", "has", "delete", "getSetCookie", "iterate", "mutate-while-iterating", "forEach"}
	if t.server {
		methods = methods[:5]
		if m := methods[g.pick("headers method", 5)]; m == "get" || m == "has" {
			g.eval("headers."+m, target+"."+m+"("+str(oneOf(g, "server header", []string{"content-type", "x-fz-r", "location"}))+")", "")
			return
		} else if m != "delete" {
			g.eval("headers."+m, target+"."+m+"("+str(n)+", "+str(v)+")", "")
			return
		}
		g.eval("headers.delete", target+".delete("+str(n)+")", "")
		return
	}
	switch m := oneOf(g, "headers method", methods); m {
	case "append", "set":
		g.eval("headers."+m, target+"."+m+"("+str(n)+", "+str(v)+")", "")
	case "get", "has", "delete":
		g.eval("headers."+m, target+"."+m+"("+str(n)+")", "")
	case "getSetCookie":
		g.eval("headers.getSetCookie", target+".getSetCookie()", "")
	case "iterate":
		g.eval("headers.iterate", "[..."+target+"]", "")
	case "forEach":
		g.eval("headers.forEach", "(() => { const out = []; "+target+".forEach((v, k) => out.push(k + \"=\" + v)); return out; })()", "")
	default:
		g.header(n)
		g.eval("headers.mutate-while-iterating", "(() => { const h = "+target+"; const out = []; for (const [k] of h) { out.push(k); if (out.length < 4) h.append("+str(n)+" + out.length, \"1\"); if (out.length > 16) break; } return out; })()", "")
	}
}

func emitRequest(g *gen) {
	name := g.name("q")
	r := g.route(0)
	input, form := g.input(g.urlFor(r), g.otherURL)
	init, signal := g.init(false)
	ctor := "Request"
	if g.chance("subclass", 4) {
		ctor = "(class extends Request {})"
	}
	g.eval("request.new:"+form, "new "+ctor+"("+input+init+")", name)
	g.bind(&slot{name: name, kind: kRequest, det: true, signal: signal})
}

func emitResponse(g *gen) {
	name := g.name("r")
	switch g.pickW("response form", 6, 1, 1, 1) {
	case 0:
		g.eval("response.new", "new Response("+g.body()+g.responseInit()+")", name)
	case 1:
		g.eval("response.error", "Response.error()", name)
	case 2:
		u := g.urlFor(route{path: "/fz/res?b=x"})
		g.eval("response.redirect", "Response.redirect("+str(u)+", "+oneOf(g, "redirect status", []string{"302", "301", "303", "307", "308", "200", "300"})+")", name)
	default:
		data := oneOf(g, "json data", []string{"{ a: 1 }", "[1, \"x\"]", "\"s\"", "undefined", "null", "() => 1"})
		g.eval("response.json", "Response.json("+data+g.responseInit()+")", name)
	}
	g.bind(&slot{name: name, kind: kResponse, det: true})
}

func emitURL(g *gen) {
	u := g.urlFor(g.route(2))
	base := ""
	if g.chance("base", 4) {
		base = ", " + str(oneOf(g, "base", []string{"http://allowed.test/dir/", "http://evil.test", "about:blank"}))
	}
	g.eval("url.new", "new URL("+str(u)+base+")", "")
}

func emitFrozen(g *gen) {
	// The endowment's own objects must be frozen; the realm's intrinsics must not be (a
	// hardening that reaches them changes the language under every vat's feet).
	endowed := []string{"fetch", "Request.prototype", "Headers.prototype", "Response.prototype", "Response",
		"Object.getPrototypeOf(new Headers().entries())", "AbortController.prototype"}
	intrinsic := []string{"Error.prototype", "Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))",
		"Object.prototype", "Promise.prototype", "Error", "Array.prototype"}
	op, targets := "frozen(endowed)", endowed
	if g.pickW("frozen kind", 1, 1) == 1 {
		op, targets = "frozen(intrinsic)", intrinsic
	}
	target := oneOf(g, "frozen target", targets)
	for _, name := range []string{"fetch", "Request", "Headers", "Response", "AbortController"} {
		if strings.Contains(target, name) && !g.env.has(name) {
			op, target = "frozen(intrinsic)", "Object.prototype"
		}
	}
	g.eval(op, "Object.isFrozen("+target+")", "")
}

func emitTeardown(g *gen) {
	g.teardowns++
	g.add(Step{Kind: StepTeardown, Op: "teardown"})
	for _, s := range g.slots {
		if s.fetched || s.kind == kPromise {
			s.torn = true
		}
	}
}

func emitSibling(g *gen) {
	hosts := []string{oneOf(g, "sibling host", []string{"evil.test", "other.test", "allowed.test", "127.0.0.1"})}
	if g.chance("sibling second host", 3) {
		hosts = append(hosts, "a.allowed.test")
	}
	g.add(Step{Kind: StepSibling, Op: "sibling", Hosts: hosts})
}

func emitAwait(g *gen) {
	s := oneOf(g, "spawned", g.slotsWhere(awaitable))
	g.add(Step{Kind: StepAwait, Op: "await", Bind: s.name})
}
