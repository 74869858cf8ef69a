package reports

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on one text field (a failure message, its evidence, the adapter's log, an
// interrupt reason) in a written report, in bytes. An adapter's error text is not
// trusted to be short: a 2 MB message once made a 6 MB junit.xml per failing spec.
const (
	// MarkupFieldMax bounds each field in junit.xml and report.html, which people and CI
	// dashboards open.
	MarkupFieldMax = 16 << 10
	// JSONFieldMax bounds each field in report.json, the complete machine-readable record.
	JSONFieldMax = 256 << 10
	// TerminalFieldMax bounds one piece of adapter text printed on a terminal.
	TerminalFieldMax = 2 << 10
)

// CleanText makes text from an implementation safe to write to a terminal, XML or HTML:
// control characters other than newline and tab are removed (an ESC would drive the
// reader's terminal, and XML 1.0 cannot carry most control characters at all), CRLF
// becomes LF, bytes that are not UTF-8 become U+FFFD, and the noncharacters XML forbids
// (U+FFFE, U+FFFF) are removed. Text longer than max bytes is cut at a character boundary
// and ends with a marker saying how many bytes were cut, e.g. "… [truncated 1,234,567 bytes]".
func CleanText(s string, max int) string {
	return capText(stripControls(s), max, false)
}

// TerminalText is CleanText for one line of a terminal: additionally, newlines and tabs
// become spaces, and the text is capped at TerminalFieldMax bytes.
func TerminalText(s string) string {
	return strings.Join(strings.Fields(CleanText(s, TerminalFieldMax)), " ")
}

func stripControls(s string) string {
	clean := true
	for i, r := range s {
		if !allowedRune(r) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune(utf8.RuneError) // one per invalid byte
		case r == '\r' && strings.HasPrefix(s[i:], "\r\n"):
			// dropped: the \n follows
		case allowedRune(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// allowedRune is true for what may be written: newline, tab, and every character that is
// neither a C0 or C1 control character, DEL, nor an XML-forbidden noncharacter.
func allowedRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return true
}

// capText cuts s to at most max bytes, marker included. keepTail keeps the end of s (for
// logs, whose last lines tell what happened) and puts the marker first.
func capText(s string, max int, keepTail bool) string {
	if len(s) <= max {
		return s
	}
	// The marker's length depends on the number cut, which depends on the marker's
	// length; the number never needs more digits than len(s) has.
	room := max - len(truncationMarker(len(s)))
	if room < 0 { // a cap too small for the marker: cut without one
		return strings.ToValidUTF8(s[:max], "")
	}
	cut := len(s) - room
	if keepTail {
		start := cut
		for start < len(s) && !utf8.RuneStart(s[start]) {
			start++
		}
		return strings.TrimPrefix(truncationMarker(start), " ") + "\n" + s[start:]
	}
	end := room
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + truncationMarker(len(s)-end)
}

func truncationMarker(cut int) string {
	return " … [truncated " + groupThousands(cut) + " bytes]"
}

func groupThousands(n int) string {
	digits := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// cleanRun applies clean to every text field of run, which must be a copy the caller owns
// (see prepare). logClean is used for adapter logs, whose tail matters most.
func cleanRun(run *Run, clean, logClean func(string) string) {
	cleanAll := func(list []string) []string {
		if list == nil {
			return nil
		}
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = clean(s)
		}
		return out
	}
	im := &run.Implementation
	im.Name, im.Version, im.Adapter = clean(im.Name), clean(im.Version), clean(im.Adapter)
	im.Globals, im.Features = cleanAll(im.Globals), cleanAll(im.Features)
	run.Profiles = cleanAll(run.Profiles)
	run.LabelFilter, run.Shard, run.InterruptReason = clean(run.LabelFilter), clean(run.Shard), clean(run.InterruptReason)
	if run.Warnings != nil {
		warnings := make([]string, len(run.Warnings))
		for i, w := range run.Warnings {
			warnings[i] = clean(w)
		}
		run.Warnings = warnings
	}
	for i := range run.Specs {
		s := &run.Specs[i]
		s.ID, s.Title, s.Profile, s.Area = clean(s.ID), clean(s.Title), clean(s.Profile), clean(s.Area)
		s.Requirement, s.Source = clean(s.Requirement), clean(s.Source)
		s.Labels = cleanAll(s.Labels)
		if f := s.Failure; f != nil {
			f.Message, f.Summary, f.Location, f.Evidence = clean(f.Message), clean(f.Summary), clean(f.Location), clean(f.Evidence)
			f.AdapterLog = logClean(f.AdapterLog)
		}
		if e := s.Expectation; e != nil {
			e.ID, e.Reason, e.Link, e.Evidence = clean(e.ID), clean(e.Reason), clean(e.Link), clean(e.Evidence)
		}
	}
}
