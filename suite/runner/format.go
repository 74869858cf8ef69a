package runner

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/onsi/gomega/format"
)

// Failure messages are read by JavaScript engineers: values print as the JSON they know, not
// as Gomega's Go dumps ("<[]string | len:82, cap:143>", "<bool>: false").

// registerJSONFormat installs the JSON formatter in Gomega's formatter registry, which is
// package state of Gomega's; the runner registers once per process.
var registerJSONFormat = sync.OnceFunc(func() { format.RegisterCustomFormatter(formatAsJSON) })

// formatAsJSON renders plain data (maps, slices, structs, scalars, raw JSON) as compact JSON.
// Durations print as Go writes them ("1.5s"); errors, times and types with their own
// Gomega rendering keep theirs.
func formatAsJSON(v any) (string, bool) {
	switch x := v.(type) {
	case time.Duration:
		return x.String(), true
	case nil, error, format.GomegaStringer, time.Time, reflect.Value:
		return "", false
	case json.RawMessage:
		if json.Valid(x) {
			return string(x), true
		}
		return "", false
	case []byte:
		if utf8.Valid(x) {
			b, _ := json.Marshal(string(x))
			return string(b), true
		}
		return "", false
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct, reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
	default:
		return "", false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	const limit = 4000 // Gomega's own MaxLength
	if len(b) > limit {
		return fmt.Sprintf("%s… (%d bytes of JSON)", b[:limit], len(b)), true
	}
	return string(b), true
}

// gomegaTypeHeader is the "<type | len:N, cap:M>: " Gomega puts before every value.
var gomegaTypeHeader = regexp.MustCompile(`(?m)^(\s*)<[^<>\n]*>: `)

// withoutTypeHeaders drops Gomega's Go type annotations from a failure message.
func withoutTypeHeaders(msg string) string {
	return gomegaTypeHeader.ReplaceAllString(msg, "$1")
}
