package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed *.json
var files embed.FS

// Names of the schema files for a method or notification.
func Request(method string) string      { return method + ".request.json" }
func Response(method string) string     { return method + ".response.json" }
func Notification(method string) string { return method + ".notification.json" }

// ErrorResponse is the schema of an error answer to any request.
const ErrorResponse = "error.response.json"

// Files lists the schema files, sorted.
func Files() []string {
	entries, _ := files.ReadDir(".")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Source returns the text of a schema file.
func Source(name string) ([]byte, error) { return files.ReadFile(name) }

// Problem is one way a document fails its schema.
type Problem struct {
	Pointer string // JSON pointer into the document, "" for the whole document
	Message string
}

func (p Problem) String() string {
	at := p.Pointer
	if at == "" {
		at = "(message)"
	}
	return at + ": " + p.Message
}

// Validate checks doc (one JSON text) against the named schema file and returns every
// problem found; none means valid. A schema that cannot be loaded is reported as a problem
// too, so callers need only one path.
func Validate(name string, doc []byte) []Problem {
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []Problem{{Message: "not JSON: " + err.Error()}}
	}
	return ValidateValue(name, v)
}

// ValidateValue is Validate for a decoded value (numbers as json.Number or float64).
func ValidateValue(name string, v any) []Problem {
	s, err := load(name)
	if err != nil {
		return []Problem{{Message: err.Error()}}
	}
	var out []Problem
	(&validator{file: name, load: load}).check(s, v, "", &out)
	return out
}

// ValidateWith checks doc against a schema given as text, for schemas that are not part of
// the protocol (the JSON report's, for one). Its $refs may only point inside it.
func ValidateWith(schemaJSON, doc []byte) []Problem {
	var s map[string]any
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		return []Problem{{Message: "schema is not JSON: " + err.Error()}}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []Problem{{Message: "not JSON: " + err.Error()}}
	}
	self := func(name string) (map[string]any, error) {
		if name != "" {
			return nil, fmt.Errorf("no schema named %s: only refs inside the schema are supported", name)
		}
		return s, nil
	}
	var out []Problem
	(&validator{load: self}).check(s, v, "", &out)
	return out
}

// parsed holds every embedded schema, parsed once and never modified afterwards.
var parsed = sync.OnceValue(func() map[string]any {
	all := map[string]any{}
	for _, name := range Files() {
		b, _ := files.ReadFile(name)
		var s map[string]any
		if err := json.Unmarshal(b, &s); err != nil {
			all[name] = fmt.Errorf("schema %s: %w", name, err)
			continue
		}
		all[name] = s
	}
	return all
})

func load(name string) (map[string]any, error) {
	switch s := parsed()[name].(type) {
	case map[string]any:
		return s, nil
	case error:
		return nil, s
	}
	return nil, fmt.Errorf("no schema named %s", name)
}

type validator struct {
	file string
	load func(name string) (map[string]any, error)
}

// supported lists the keywords this validator understands; any other keyword in a schema
// is a mistake in the schema (the test checks every file).
var supported = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "$ref": true, "title": true, "description": true,
	"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"enum": true, "const": true, "minLength": true, "minimum": true, "pattern": true,
	"oneOf": true, "anyOf": true, "not": true,
}

func (vd *validator) check(s map[string]any, v any, ptr string, out *[]Problem) {
	add := func(format string, args ...any) {
		*out = append(*out, Problem{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
	for k := range s {
		if !supported[k] {
			add("schema %s uses unsupported keyword %q", vd.file, k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		target, file, err := vd.resolve(ref)
		if err != nil {
			add("%v", err)
			return
		}
		(&validator{file: file, load: vd.load}).check(target, v, ptr, out)
	}
	if t, ok := s["type"]; ok && !typeMatches(t, v) {
		add("must be %s, got %s", describeType(t), jsonType(v))
		return
	}
	if c, ok := s["const"]; ok && !equal(c, v) {
		add("must be %s, got %s", show(c), show(v))
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, c := range e {
			found = found || equal(c, v)
		}
		if !found {
			var opts []string
			for _, c := range e {
				opts = append(opts, show(c))
			}
			add("must be one of %s, got %s", strings.Join(opts, ", "), show(v))
		}
	}
	if str, ok := v.(string); ok {
		if n, ok := number(s["minLength"]); ok && float64(len([]rune(str))) < n {
			add("must be at least %v characters long", n)
		}
		if p, ok := s["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err != nil {
				add("schema %s: bad pattern %q: %v", vd.file, p, err)
			} else if !re.MatchString(str) {
				add("must match %s, got %s", p, show(v))
			}
		}
	}
	if n, ok := number(v); ok {
		if min, ok := number(s["minimum"]); ok && n < min {
			add("must be at least %v, got %v", min, n)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		vd.object(s, obj, ptr, out)
	}
	if arr, ok := v.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for i, item := range arr {
				vd.check(items, item, fmt.Sprintf("%s/%d", ptr, i), out)
			}
		}
	}
	if alts, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, a := range alts {
			if sub, ok := a.(map[string]any); ok && vd.valid(sub, v, ptr) {
				matched++
			}
		}
		if matched != 1 {
			add("must match exactly one of %d alternatives (%s), matched %d", len(alts), describeAlternatives(alts), matched)
		}
	}
	if alts, ok := s["anyOf"].([]any); ok {
		matched := false
		for _, a := range alts {
			if sub, ok := a.(map[string]any); ok && vd.valid(sub, v, ptr) {
				matched = true
			}
		}
		if !matched {
			add("must match one of %d alternatives (%s)", len(alts), describeAlternatives(alts))
		}
	}
	if not, ok := s["not"].(map[string]any); ok && vd.valid(not, v, ptr) {
		if req, ok := not["required"].([]any); ok && len(not) == 1 {
			add("must not have all of %s", joinShown(req))
		} else {
			add("must not match %s", show(not))
		}
	}
}

func (vd *validator) object(s map[string]any, obj map[string]any, ptr string, out *[]Problem) {
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			name, _ := r.(string)
			if _, present := obj[name]; !present {
				*out = append(*out, Problem{Pointer: ptr, Message: fmt.Sprintf("missing required member %q", name)})
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		child := ptr + "/" + escapePointer(k)
		if p, ok := props[k].(map[string]any); ok {
			vd.check(p, obj[k], child, out)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				*out = append(*out, Problem{Pointer: ptr, Message: fmt.Sprintf("unexpected member %q", k)})
			}
		case map[string]any:
			vd.check(ap, obj[k], child, out)
		}
	}
}

func (vd *validator) valid(s map[string]any, v any, ptr string) bool {
	var probe []Problem
	vd.check(s, v, ptr, &probe)
	return len(probe) == 0
}

// resolve follows "file.json#/json/pointer" or "#/json/pointer" within the current file.
func (vd *validator) resolve(ref string) (map[string]any, string, error) {
	file, frag, _ := strings.Cut(ref, "#")
	if file == "" {
		file = vd.file
	}
	root, err := vd.load(file)
	if err != nil {
		return nil, "", fmt.Errorf("$ref %q: %w", ref, err)
	}
	var cur any = root
	for _, part := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if part == "" {
			continue
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("$ref %q does not resolve", ref)
		}
		cur = m[part]
	}
	s, ok := cur.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("$ref %q does not resolve to a schema", ref)
	}
	return s, file, nil
}

func typeMatches(t any, v any) bool {
	switch t := t.(type) {
	case string:
		return typeIs(t, v)
	case []any:
		for _, x := range t {
			if name, ok := x.(string); ok && typeIs(name, v) {
				return true
			}
		}
	}
	return false
}

func typeIs(name string, v any) bool {
	switch name {
	case "integer":
		n, ok := number(v)
		return ok && n == math.Trunc(n)
	case "number":
		_, ok := number(v)
		return ok
	}
	return jsonType(v) == name
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number, float64, int, int64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func describeType(t any) string {
	if list, ok := t.([]any); ok {
		return "one of " + joinShown(list)
	}
	return fmt.Sprint("a JSON ", t)
}

func describeAlternatives(alts []any) string {
	var parts []string
	for _, a := range alts {
		if d, ok := a.(map[string]any)["description"].(string); ok {
			parts = append(parts, d)
		} else {
			parts = append(parts, show(a))
		}
	}
	return strings.Join(parts, " | ")
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func equal(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return show(a) == show(b)
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

func joinShown(list []any) string {
	var parts []string
	for _, x := range list {
		parts = append(parts, show(x))
	}
	return strings.Join(parts, ", ")
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Lint walks a schema (given as text) and reports every keyword this validator does not
// understand, wherever it stands, and every $ref that does not resolve. A schema that passes
// is checked in full by Validate; one that does not would have parts silently ignored.
// name is the schema's file name among the embedded ones ("" for a standalone schema, whose
// $refs may only point inside it).
func Lint(name string, src []byte) []Problem {
	var root map[string]any
	if err := json.Unmarshal(src, &root); err != nil {
		return []Problem{{Message: "not JSON: " + err.Error()}}
	}
	vd := &validator{file: name, load: load}
	if name == "" {
		vd.load = func(string) (map[string]any, error) { return root, nil }
	}
	var out []Problem
	var walk func(s map[string]any, ptr string)
	walk = func(s map[string]any, ptr string) {
		for k, v := range s {
			if !supported[k] {
				out = append(out, Problem{Pointer: ptr, Message: fmt.Sprintf("unsupported keyword %q", k)})
			}
			switch k {
			case "$ref":
				if ref, ok := v.(string); ok {
					if _, _, err := vd.resolve(ref); err != nil {
						out = append(out, Problem{Pointer: ptr, Message: err.Error()})
					}
				}
			case "properties", "$defs":
				if m, ok := v.(map[string]any); ok {
					for name, sub := range m {
						if sm, ok := sub.(map[string]any); ok {
							walk(sm, ptr+"/"+k+"/"+name)
						}
					}
				}
			case "items", "additionalProperties", "not":
				if sm, ok := v.(map[string]any); ok {
					walk(sm, ptr+"/"+k)
				}
			case "oneOf", "anyOf":
				if list, ok := v.([]any); ok {
					for i, sub := range list {
						if sm, ok := sub.(map[string]any); ok {
							walk(sm, fmt.Sprintf("%s/%s/%d", ptr, k, i))
						}
					}
				}
			}
		}
	}
	walk(root, "")
	return out
}
