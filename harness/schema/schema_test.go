package schema_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/conform-suite/conform/harness/schema"
)

// Every schema file must use only keywords the validator understands, at every depth, and
// only $refs that resolve: anything else would be silently ignored when messages are checked.
func TestEverySchemaFileIsUsable(t *testing.T) {
	files := schema.Files()
	if len(files) < 15 {
		t.Fatalf("only %d schema files: %v", len(files), files)
	}
	for _, name := range files {
		src, err := schema.Source(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, p := range schema.Lint(name, src) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

func TestLintFindsNestedProblems(t *testing.T) {
	src := []byte(`{"type":"object","properties":{"a":{"type":"string","format":"uri"},"b":{"$ref":"#/$defs/missing"}},"$defs":{}}`)
	problems := schema.Lint("", src)
	var text []string
	for _, p := range problems {
		text = append(text, p.String())
	}
	joined := strings.Join(text, "\n")
	if !strings.Contains(joined, `"format"`) || !strings.Contains(joined, "missing") {
		t.Errorf("Lint missed a nested unsupported keyword or a dangling $ref:\n%s", joined)
	}
}

func TestMessagesFromThePROTOCOLValidate(t *testing.T) {
	valid := map[string]string{
		schema.Request("initialize"):       `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1","network":{"proxy":"http://127.0.0.1:4000"}}}`,
		schema.Response("initialize"):      `{"jsonrpc":"2.0","id":1,"result":{"name":"snaps","version":"11.0.2","protocolVersion":"1","globals":["fetch"],"features":[]}}`,
		schema.Request("createVat"):        `{"jsonrpc":"2.0","id":2,"method":"createVat","params":{"vatId":"v1","globals":["fetch","Request"],"network":{"allowedHosts":["allowed.test"]}}}`,
		schema.Request("evaluate"):         `{"jsonrpc":"2.0","id":3,"method":"evaluate","params":{"vatId":"v1","source":"return 1;"}}`,
		schema.Response("evaluate"):        `{"jsonrpc":"2.0","id":3,"result":{"value":1}}`,
		schema.Request("start"):            `{"jsonrpc":"2.0","id":4,"method":"start","params":{"vatId":"v1","taskId":"t1","source":"return 1;"}}`,
		schema.Request("terminateVat"):     `{"jsonrpc":"2.0","id":5,"method":"terminateVat","params":{"vatId":"v1"}}`,
		schema.Request("teardownVat"):      `{"jsonrpc":"2.0","id":6,"method":"teardownVat","params":{"vatId":"v1"}}`,
		schema.Response("teardownVat"):     `{"jsonrpc":"2.0","id":6,"result":{}}`,
		schema.Notification("notify"):      `{"jsonrpc":"2.0","method":"notify","params":{"vatId":"v1","method":"OutboundRequest","params":{"source":"fetch"}}}`,
		schema.Notification("log"):         `{"jsonrpc":"2.0","method":"log","params":{"vatId":"v1","level":"warn","message":"x"}}`,
		schema.Notification("taskSettled"): `{"jsonrpc":"2.0","method":"taskSettled","params":{"vatId":"v1","taskId":"t1","status":"rejected","error":{"name":"TypeError","message":"x"}}}`,
		schema.ErrorResponse:               `{"jsonrpc":"2.0","id":2,"error":{"code":-32003,"message":"fetch needs network.allowedHosts"}}`,
	}
	for name, doc := range valid {
		if problems := schema.Validate(name, []byte(doc)); len(problems) > 0 {
			t.Errorf("%s rejects a valid message: %v", name, problems)
		}
	}
	invalid := map[string]string{
		"jsonrpc 1.0":               `{"jsonrpc":"1.0","id":3,"method":"evaluate","params":{"vatId":"v1","source":"x"}}`,
		"no source":                 `{"jsonrpc":"2.0","id":3,"method":"evaluate","params":{"vatId":"v1"}}`,
		"wrong method":              `{"jsonrpc":"2.0","id":3,"method":"eval","params":{"vatId":"v1","source":"x"}}`,
		"source not a string":       `{"jsonrpc":"2.0","id":3,"method":"evaluate","params":{"vatId":"v1","source":42}}`,
		"unexpected top-level name": `{"jsonrpc":"2.0","id":3,"method":"evaluate","params":{"vatId":"v1","source":"x"},"extra":1}`,
	}
	for what, doc := range invalid {
		if problems := schema.Validate(schema.Request("evaluate"), []byte(doc)); len(problems) == 0 {
			t.Errorf("evaluate request schema accepts %s", what)
		}
	}
	if problems := schema.Validate(schema.Notification("taskSettled"), []byte(`{"jsonrpc":"2.0","method":"taskSettled","params":{"vatId":"v1","taskId":"t1","status":"done"}}`)); len(problems) == 0 {
		t.Error("taskSettled schema accepts status \"done\"")
	}
}

func TestProblemsNameThePointer(t *testing.T) {
	problems := schema.Validate(schema.Request("createVat"), []byte(`{"jsonrpc":"2.0","id":2,"method":"createVat","params":{"vatId":"v1","globals":"fetch"}}`))
	if len(problems) == 0 {
		t.Fatal("globals as a string accepted")
	}
	if !strings.Contains(problems[0].String(), "/params/globals") {
		t.Errorf("problem does not name /params/globals: %v", problems[0])
	}
}

// PROTOCOL.md §4: unknown members inside params, results and error objects are ignored;
// only the envelope (the message object itself) is closed. Every schema file must say so.
func TestOnlyTheEnvelopeIsClosed(t *testing.T) {
	for _, name := range schema.Files() {
		src, err := schema.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(src, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var walk func(node any, ptr string)
		walk = func(node any, ptr string) {
			switch n := node.(type) {
			case map[string]any:
				if ap, ok := n["additionalProperties"]; ok && ap == false && ptr != "" {
					t.Errorf("%s%s: additionalProperties false below the envelope; PROTOCOL.md §4 says unknown members there are ignored", name, ptr)
				}
				for k, v := range n {
					walk(v, ptr+"/"+k)
				}
			case []any:
				for i, v := range n {
					walk(v, fmt.Sprintf("%s/%d", ptr, i))
				}
			}
		}
		walk(doc, "")
		if strings.HasSuffix(name, ".request.json") || strings.HasSuffix(name, ".response.json") || strings.HasSuffix(name, ".notification.json") {
			if doc["additionalProperties"] != false {
				t.Errorf("%s: the envelope must be closed (additionalProperties false at the top)", name)
			}
		}
	}
}

func TestUnknownMembersInsideAreIgnored(t *testing.T) {
	valid := map[string]string{
		schema.Response("evaluate"):        `{"jsonrpc":"2.0","id":3,"result":{"value":1,"elapsedMs":4}}`,
		schema.Response("createVat"):       `{"jsonrpc":"2.0","id":2,"result":{"realm":"compartment"}}`,
		schema.Response("shutdown"):        `{"jsonrpc":"2.0","id":9,"result":{"vats":0}}`,
		schema.Response("initialize"):      `{"jsonrpc":"2.0","id":1,"result":{"name":"x","version":"1","protocolVersion":"1","globals":[],"features":[],"build":"abc"}}`,
		schema.ErrorResponse:               `{"jsonrpc":"2.0","id":2,"error":{"code":-32003,"message":"no","stack":"at x"}}`,
		schema.Notification("taskSettled"): `{"jsonrpc":"2.0","method":"taskSettled","params":{"vatId":"v1","taskId":"t1","status":"fulfilled","value":1,"at":5}}`,
		schema.Request("evaluate"):         `{"jsonrpc":"2.0","id":3,"method":"evaluate","params":{"vatId":"v1","source":"x","deadline":5}}`,
	}
	for name, doc := range valid {
		if problems := schema.Validate(name, []byte(doc)); len(problems) > 0 {
			t.Errorf("%s rejects unknown members inside: %v", name, problems)
		}
	}
	strict := map[string]string{
		"a member beside result":       `{"jsonrpc":"2.0","id":3,"result":{"value":1},"extra":1}`,
		"both value and error":         `{"jsonrpc":"2.0","id":3,"result":{"value":1,"error":{"name":"E","message":"m"}}}`,
		"a bare value as result":       `{"jsonrpc":"2.0","id":3,"result":1}`,
		"an error without its message": `{"jsonrpc":"2.0","id":3,"result":{"error":{"name":"E"}}}`,
	}
	for what, doc := range strict {
		if problems := schema.Validate(schema.Response("evaluate"), []byte(doc)); len(problems) == 0 {
			t.Errorf("evaluate response schema accepts %s", what)
		}
	}
}
