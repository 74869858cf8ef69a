package runner

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/onsi/gomega/format"
)

func TestValuesPrintAsJSON(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
		ok   bool
	}{
		{[]string{"a", "b"}, `["a","b"]`, true},
		{false, `false`, true},
		{map[string]any{"status": 200}, `{"status":200}`, true},
		{json.RawMessage(`{"a":1}`), `{"a":1}`, true},
		{[]byte("hello"), `"hello"`, true},
		{errors.New("boom"), "", false},
		{nil, "", false},
	} {
		got, ok := formatAsJSON(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("formatAsJSON(%#v) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFailureMessagesLoseGoTypeHeaders(t *testing.T) {
	key := format.RegisterCustomFormatter(formatAsJSON)
	defer format.UnregisterCustomFormatter(key)
	msg := withoutTypeHeaders(format.Message([]string{"x"}, "to be empty"))
	if want := "Expected\n    [\"x\"]\nto be empty"; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}
