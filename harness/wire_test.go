package harness_test

import (
	"slices"
	"testing"

	"github.com/conform-suite/conform/harness"
)

func TestSplitCommand(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"node adapter.mjs --flag", []string{"node", "adapter.mjs", "--flag"}},
		{`  node   "my adapter.mjs"  `, []string{"node", "my adapter.mjs"}},
		{`sh -c 'echo "$HOME"; exit 1'`, []string{"sh", "-c", `echo "$HOME"; exit 1`}},
		{`a\ b 'it'\''s' ""`, []string{"a b", "it's", ""}},
	}
	for _, tc := range cases {
		got, err := harness.SplitCommand(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "   ", `node "unterminated`, `node 'x`, `node x\`} {
		if got, err := harness.SplitCommand(bad); err == nil {
			t.Errorf("SplitCommand(%q) = %q; want an error", bad, got)
		}
	}
}

// JoinCommand is what the harness shows as the adapter's command: reading it back with
// SplitCommand gives the same argv, and plain words stay as the user typed them.
func TestJoinCommandRoundTrips(t *testing.T) {
	argvs := [][]string{
		{"node", "adapters/snaps-node/adapter.mjs"},
		{"sh", "-c", `setsid sleep 1 & exec "$0"`, "/tmp/x y/bin"},
		{"it's", `back\slash`, `"`, "", "tab\there", "new\nline"},
	}
	for _, argv := range argvs {
		line := harness.JoinCommand(argv)
		back, err := harness.SplitCommand(line)
		if err != nil || !slices.Equal(back, argv) {
			t.Errorf("SplitCommand(JoinCommand(%q)) = %q, %v (line %q)", argv, back, err, line)
		}
	}
	if got := harness.JoinCommand([]string{"node", "adapter.mjs", "--flag"}); got != "node adapter.mjs --flag" {
		t.Errorf("plain words were quoted: %q", got)
	}
}

func TestNewExternalNeedsAProgram(t *testing.T) {
	for _, argv := range [][]string{nil, {}, {""}} {
		if _, err := harness.NewExternal(harness.ExternalOptions{Argv: argv}); err == nil {
			t.Errorf("NewExternal with Argv %q succeeded", argv)
		}
	}
}
