package endowment

import (
	"embed"
	"fmt"
	"strings"

	"github.com/dop251/goja"
)

// webAPIFiles are the Web API sources in webapi/, in the order they are compiled: each file
// may use what an earlier one declares (request.js uses Headers, fetch.js uses Request and
// Response, harden.js freezes them all).
var webAPIFiles = []string{
	"intrinsics.js",
	"dom-exception.js",
	"abort.js",
	"text.js",
	"streams.js",
	"headers.js",
	"body.js",
	"request.js",
	"response.js",
	"fetch.js",
	"harden.js",
}

//go:embed webapi/*.js
var webAPISources embed.FS

// webAPIProgram is the files above concatenated into the body of one function
// `(host, options) => globals`, compiled once per process and run once per runtime; a
// *goja.Program is immutable and safe to share between runtimes. One program keeps the
// shared closure the files rely on and costs one compilation, as the single file did.
var webAPIProgram = goja.MustCompile("webapi.js", webAPISource(), true)

func webAPISource() string {
	var sb strings.Builder
	sb.WriteString("(function (host, options) {\n'use strict';\n")
	for _, name := range webAPIFiles {
		src, err := webAPISources.ReadFile("webapi/" + name)
		if err != nil {
			panic(fmt.Sprintf("embedded web API source %s: %v", name, err))
		}
		// The marker keeps a stack trace's line number traceable to its file.
		fmt.Fprintf(&sb, "\n// ---- webapi/%s\n", name)
		sb.Write(src)
	}
	sb.WriteString("\n});\n")
	return sb.String()
}
