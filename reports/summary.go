package reports

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// SummaryMax is the longest Failure.Summary, in characters: one terminal line or one
// dashboard cell, long enough for what was expected and what was seen.
const SummaryMax = 300

// SummaryText is the failure's one-line summary: Summary when the runner set it, otherwise
// one derived from Message by Summarize.
func (f *Failure) SummaryText() string {
	if f == nil {
		return ""
	}
	if s := strings.TrimSpace(f.Summary); s != "" {
		return clip(collapseSpace(s), SummaryMax)
	}
	return Summarize(f.Message)
}

var (
	// gomegaTimeout opens the message of a failed Eventually/Consistently.
	gomegaTimeout = regexp.MustCompile(`^(spec \w+: )?(Timed out|Failed) after [0-9.]+(ms|s|m)\.$`)
	// gomegaType is the type annotation Gomega puts before a formatted value:
	// "<[]string | len:1, cap:1>: ".
	gomegaType = regexp.MustCompile(`<[^<>\s|]+( \| [^<>]*)?>: ?`)
)

// Summarize turns an assertion's failure message into one line of at most SummaryMax
// characters that says what was expected and what was seen. It reads the two shapes the
// suite's assertions produce:
//
//	the fetch must be denied                       (description, optional)
//	Expected X to throw an error, but it returned Y (a matcher's one-line message)
//
//	still open on mocknet:                          (description, optional)
//	Expected
//	    <[]string | len:1>: ["a", "b"]              (the actual value: Gomega dump or JSON,
//	to be empty                                      on one or several indented lines)
//	    <int>: 3                                    (the expected value, optional)
//
// and falls back to the message's first meaningful line. "Timed out after 2s." preambles
// of asynchronous assertions are dropped.
func Summarize(message string) string {
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(message, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" || gomegaTimeout.MatchString(strings.TrimSpace(line)) {
			continue
		}
		lines = append(lines, strings.TrimRight(line, " \t\r"))
	}
	if len(lines) == 0 {
		return ""
	}
	expectedAt := -1
	for i, line := range lines {
		if line == "Expected" || strings.HasPrefix(line, "Expected ") {
			expectedAt = i
			break
		}
	}
	if expectedAt < 0 {
		return clip(collapseSpace(lines[0]), SummaryMax)
	}
	description := ""
	if expectedAt > 0 {
		description = strings.TrimSuffix(collapseSpace(lines[0]), ":")
	}
	if lines[expectedAt] != "Expected" {
		// One-line matcher message: "Expected X to Y, but Z". What was seen is at the end,
		// so the head is what gets shortened.
		head, seen, found := strings.Cut(collapseSpace(strings.Join(lines[expectedAt:], " ")), ", but ")
		if !found {
			return joinSummary(description, "", clip(head, SummaryMax))
		}
		return fitSummary(description, head+",", "but "+seen)
	}
	// Gomega's block: indented actual value, a matcher phrase at column 0, indented expected value.
	var actual, matcher []string
	i := expectedAt + 1
	for ; i < len(lines) && isIndented(lines[i]); i++ {
		actual = append(actual, lines[i])
	}
	for ; i < len(lines); i++ {
		if !isIndented(lines[i]) && len(matcher) > 0 && !strings.HasPrefix(lines[i], "to ") && !strings.HasPrefix(lines[i], "not to ") {
			break // a second assertion or a panic follows; the first one is the summary
		}
		matcher = append(matcher, lines[i])
	}
	seen := tidyValue(strings.Join(actual, " "))
	if seen == "" {
		seen = `""` // Gomega prints an empty string as nothing at all
	}
	want := "expected " + tidyValue(strings.Join(matcher, " "))
	return fitSummary(description, want+",", "got "+seen)
}

func isIndented(line string) bool {
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
}

// tidyValue collapses a value dumped over several lines (Gomega's format or indented JSON)
// into one line without its type annotation.
func tidyValue(s string) string {
	s = collapseSpace(gomegaType.ReplaceAllString(s, ""))
	for _, r := range []struct{ from, to string }{{"[ ", "["}, {"{ ", "{"}, {", ]", "]"}, {", }", "}"}, {" ]", "]"}, {" }", "}"}} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	return s
}

// fitSummary joins description, what was expected and what was seen into one line of at
// most SummaryMax characters. What was seen keeps at least half of the line: it is the
// part a reader cannot guess.
func fitSummary(description, expected, seen string) string {
	if s := joinSummary(description, expected, seen); utf8.RuneCountInString(s) <= SummaryMax {
		return s
	}
	description = clip(description, 80)
	expected = clip(expected, 70)
	room := SummaryMax - utf8.RuneCountInString(joinSummary(description, expected, ""))
	if room < SummaryMax/2 {
		room = SummaryMax / 2
	}
	return clip(joinSummary(description, expected, clip(seen, room-1)), SummaryMax)
}

func joinSummary(description, expected, seen string) string {
	body := strings.TrimSpace(expected + " " + seen)
	if description == "" {
		return body
	}
	if body == "" {
		return description
	}
	return description + ": " + body
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most max characters, marking the cut with "…" in the middle so
// that both ends (often the opening of a value and its last, telling, part) survive.
func clip(s string, max int) string {
	runes := []rune(s)
	if len(runes) <= max {
		return s
	}
	if max < 2 {
		return string(runes[:max])
	}
	head := (max - 1) * 2 / 3
	tail := max - 1 - head
	return strings.TrimRight(string(runes[:head]), " ") + "…" + strings.TrimLeft(string(runes[len(runes)-tail:]), " ")
}
