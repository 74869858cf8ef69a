package reports_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conform-suite/conform/reports"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain text is untouched", "fetch <a> & \"b\"\n\tünïcødé ✓", 100, "fetch <a> & \"b\"\n\tünïcødé ✓"},
		{"ESC, NUL, backspace and DEL are removed", "\x1b[31mred\x1b[0m\x00 back\bspace\x7f", 100, "[31mred[0m backspace"},
		{"C1 controls are removed", "a\u009b2Jb\u0085c", 100, "a2Jbc"},
		{"CRLF becomes LF, a lone CR is removed", "one\r\ntwo\rthree", 100, "one\ntwothree"},
		{"invalid UTF-8 becomes U+FFFD per byte", "caf\xe9 \xff\xfe", 100, "caf\uFFFD \uFFFD\uFFFD"},
		{"U+FFFD and XML noncharacters", "ok\uFFFD no\uFFFE\uFFFF", 100, "ok\uFFFD no"},
		{"long text is cut with a marker", strings.Repeat("x", 100), 40, strings.Repeat("x", 14) + " … [truncated 86 bytes]"},
		{"a cut never splits a character", strings.Repeat("é", 50), 40, strings.Repeat("é", 7) + " … [truncated 86 bytes]"},
		{"thousands are grouped", strings.Repeat("y", 1234567), 40, strings.Repeat("y", 8) + " … [truncated 1,234,559 bytes]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reports.CleanText(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("CleanText(%.40q, %d):\n got %q\nwant %q", tc.in, tc.max, got, tc.want)
			}
			if len(got) > tc.max && len(tc.in) > tc.max {
				t.Errorf("CleanText result is %d bytes, over the cap of %d", len(got), tc.max)
			}
		})
	}
}

func TestTerminalText(t *testing.T) {
	got := reports.TerminalText("adapter said:\n\x1b]0;pwned\x07\x1b[2J  boom\tnow\x00\b" + strings.Repeat("z", 1<<20))
	if strings.ContainsAny(got, "\x1b\x07\x00\b\n\t\r") {
		t.Errorf("terminal text keeps control characters: %.80q", got)
	}
	if !strings.HasPrefix(got, "adapter said: ]0;pwned[2J boom now") || !strings.Contains(got, "[truncated ") {
		t.Errorf("terminal text %.80q…%q: want the text on one line, cut with a marker", got, got[max(0, len(got)-40):])
	}
	if len(got) > reports.TerminalFieldMax {
		t.Errorf("terminal text is %d bytes, over TerminalFieldMax %d", len(got), reports.TerminalFieldMax)
	}
}

// An adapter's error text is written into every report: a 2 MB message full of control
// characters must give bounded, valid reports that say the text was cut.
func TestWritersBoundAndCleanAdapterText(t *testing.T) {
	huge := "adapter error \x1b[31m\x00\b" + strings.Repeat("0123456789abcdef", 2<<20/16) + "END-OF-MESSAGE"
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := &reports.Run{SchemaVersion: "1", Implementation: reports.Implementation{Name: "noisy"}, StartedAt: started, FinishedAt: started,
		Interrupted: true, InterruptReason: huge}
	for _, id := range []string{"A-001", "A-002", "A-003"} {
		run.Specs = append(run.Specs, reports.SpecResult{ID: id, Title: "t", Profile: "core", Area: "a", Status: reports.StatusFailed,
			Failure: &reports.Failure{Message: huge, Evidence: huge, AdapterLog: "first log line\n" + huge + "\nlast log line", Infrastructure: true}})
	}
	dir := t.TempDir()
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	// Per spec: message, summary, evidence, adapter log; plus the interrupt reason.
	for name, limit := range map[string]int{
		reports.JUnitFile: 3*(5*reports.MarkupFieldMax) + reports.MarkupFieldMax + 8<<10,
		reports.HTMLFile:  3*(5*reports.MarkupFieldMax) + reports.MarkupFieldMax + 32<<10,
		reports.JSONFile:  3*(4*reports.JSONFieldMax) + reports.JSONFieldMax + 8<<10,
	} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > limit {
			t.Errorf("%s is %d bytes for 3 failing specs, want at most %d", name, len(data), limit)
		}
		if !bytes.Contains(data, []byte("[truncated ")) {
			t.Errorf("%s does not say the text was truncated", name)
		}
		if name != reports.JSONFile && bytes.ContainsAny(data, "\x1b\x00\b") {
			t.Errorf("%s carries control characters from the adapter", name)
		}
	}
	for _, name := range []string{reports.JUnitFile, reports.HTMLFile} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Contains(data, []byte("last log line")) {
			t.Errorf("%s lost the end of the adapter log; a log is cut from its start", name)
		}
	}
	got, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if f := got.Specs[0].Failure; len(f.Message) > reports.JSONFieldMax || !strings.HasPrefix(f.Message, "adapter error \x1b[31m\x00\b0123") || !strings.HasSuffix(f.Message, " bytes]") {
		t.Errorf("report.json message is %d bytes starting %.30q; want at most %d, the start kept exactly", len(f.Message), f.Message, reports.JSONFieldMax)
	}
	if xmllint, err := exec.LookPath("xmllint"); err != nil {
		t.Fatalf("xmllint is not on PATH: %v", err)
	} else if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), filepath.Join(dir, reports.JUnitFile)).CombinedOutput(); err != nil {
		t.Errorf("xmllint rejected junit.xml: %v\n%s", err, out)
	}
	if run.Specs[0].Failure.Message != huge || run.Specs[0].Failure.Summary != "" {
		t.Error("writing the reports modified the run")
	}
}
