package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenKind classifies a JavaScript token. Comments and whitespace are not tokens.
type tokenKind int

const (
	tokIdent    tokenKind = iota // identifiers and keywords (including #private names)
	tokPunct                     // operators and punctuation
	tokNumber                    // numeric literals
	tokString                    // '…' and "…"
	tokTemplate                  // a whole template literal, substitutions included
	tokRegex                     // a regular expression literal with its flags
)

// jsToken is one JavaScript token: its kind, byte range and whether a line break precedes it.
type jsToken struct {
	kind          tokenKind
	start, end    int
	text          string
	newlineBefore bool
}

// punctuators, longest first so the lexer takes the longest match.
var punctuators = []string{
	">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
	"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=",
	"%=", "&=", "|=", "^=", "**", "<<", ">>",
	"{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^",
	"!", "~", "?", ":", "=", ".", "@",
}

// keywordsBeforeExpression are the keywords after which a `/` starts a regular expression.
var keywordsBeforeExpression = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true,
}

// lexJS splits src into tokens. It understands as much of the grammar as the operators need:
// where strings, template literals, regular expressions and comments begin and end, so no
// operator ever rewrites text inside them.
func lexJS(src string) ([]jsToken, error) {
	l := jsLexer{src: src}
	for {
		newline, err := l.skipSpaceAndComments()
		if err != nil {
			return nil, err
		}
		if l.pos >= len(src) {
			return l.tokens, nil
		}
		start := l.pos
		kind, err := l.next()
		if err != nil {
			return nil, err
		}
		l.tokens = append(l.tokens, jsToken{kind: kind, start: start, end: l.pos, text: src[start:l.pos], newlineBefore: newline})
	}
}

type jsLexer struct {
	src    string
	pos    int
	tokens []jsToken
}

func (l *jsLexer) errorf(format string, args ...any) error {
	line := 1 + strings.Count(l.src[:min(l.pos, len(l.src))], "\n")
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

// skipSpaceAndComments advances past whitespace and comments and reports whether a line
// break was among them.
func (l *jsLexer) skipSpaceAndComments() (newline bool, err error) {
	for l.pos < len(l.src) {
		switch {
		case strings.HasPrefix(l.src[l.pos:], "//"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				l.pos = len(l.src)
				return newline, nil
			}
			l.pos += end
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return newline, l.errorf("unterminated block comment")
			}
			if strings.Contains(l.src[l.pos:l.pos+2+end], "\n") {
				newline = true
			}
			l.pos += 2 + end + 2
		default:
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !unicode.IsSpace(r) && r != '\uFEFF' {
				return newline, nil
			}
			if r == '\n' || r == '\u2028' || r == '\u2029' {
				newline = true
			}
			l.pos += size
		}
	}
	return newline, nil
}

func (l *jsLexer) next() (tokenKind, error) {
	c := l.src[l.pos]
	switch {
	case c == '\'' || c == '"':
		return tokString, l.skipString(c)
	case c == '`':
		return tokTemplate, l.skipTemplate()
	case isDigit(c) || (c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1])):
		l.skipNumber()
		return tokNumber, nil
	case c == '/' && l.regexAllowed():
		return tokRegex, l.skipRegex()
	case c == '#' || c == '$' || c == '_' || c == '\\' || c >= utf8.RuneSelf || isLetter(c):
		l.pos++
		l.skipIdentifierPart()
		return tokIdent, nil
	}
	for _, p := range punctuators {
		if strings.HasPrefix(l.src[l.pos:], p) {
			l.pos += len(p)
			return tokPunct, nil
		}
	}
	return 0, l.errorf("unexpected character %q", c)
}

// regexAllowed tells a regular expression from a division by the token before the `/`:
// after an operand (a name, a literal, a closing bracket) it divides.
func (l *jsLexer) regexAllowed() bool {
	if len(l.tokens) == 0 {
		return true
	}
	prev := l.tokens[len(l.tokens)-1]
	switch prev.kind {
	case tokNumber, tokString, tokTemplate, tokRegex:
		return false
	case tokIdent:
		return keywordsBeforeExpression[prev.text]
	}
	// `}` may close a block (a regex can follow) or an object literal (a division can):
	// statements in these sources never begin with a regex, so read it as a division.
	return prev.text != ")" && prev.text != "]" && prev.text != "}" && prev.text != "++" && prev.text != "--"
}

func (l *jsLexer) skipString(quote byte) error {
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case '\\':
			l.pos++
		case quote:
			l.pos++
			return nil
		case '\n':
			return l.errorf("unterminated string")
		}
	}
	return l.errorf("unterminated string")
}

// skipTemplate skips a template literal, substitutions included: a substitution is
// lexed as code so its own strings, templates and braces are skipped correctly.
func (l *jsLexer) skipTemplate() error {
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch {
		case l.src[l.pos] == '\\':
			l.pos++
		case l.src[l.pos] == '`':
			l.pos++
			return nil
		case strings.HasPrefix(l.src[l.pos:], "${"):
			l.pos += 2
			if err := l.skipSubstitution(); err != nil {
				return err
			}
			l.pos-- // the loop's increment steps past the closing brace
		}
	}
	return l.errorf("unterminated template literal")
}

// skipSubstitution lexes the code of a ${…} up to and including its closing brace, on a
// private token list so the substitution's tokens stay out of the file's.
func (l *jsLexer) skipSubstitution() error {
	inner := jsLexer{src: l.src, pos: l.pos}
	depth := 0
	for {
		if _, err := inner.skipSpaceAndComments(); err != nil {
			return err
		}
		if inner.pos >= len(l.src) {
			return l.errorf("unterminated template substitution")
		}
		start := inner.pos
		kind, err := inner.next()
		if err != nil {
			return err
		}
		text := l.src[start:inner.pos]
		inner.tokens = append(inner.tokens, jsToken{kind: kind, start: start, end: inner.pos, text: text})
		if kind != tokPunct {
			continue
		}
		switch text {
		case "{":
			depth++
		case "}":
			if depth == 0 {
				l.pos = inner.pos
				return nil
			}
			depth--
		}
	}
}

func (l *jsLexer) skipRegex() error {
	inClass := false
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case '\\':
			l.pos++
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '\n':
			return l.errorf("unterminated regular expression")
		case '/':
			if !inClass {
				l.pos++
				l.skipIdentifierPart() // flags
				return nil
			}
		}
	}
	return l.errorf("unterminated regular expression")
}

func (l *jsLexer) skipNumber() {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case isDigit(c) || isLetter(c) || c == '_' || c == '.':
			// Letters cover hex digits, 0x/0o/0b prefixes, exponents and the BigInt n.
			l.pos++
		case (c == '+' || c == '-') && (l.src[l.pos-1] == 'e' || l.src[l.pos-1] == 'E') && !isHexPrefix(l.src[start:l.pos]):
			l.pos++
		default:
			return
		}
	}
}

func isHexPrefix(number string) bool {
	return strings.HasPrefix(number, "0x") || strings.HasPrefix(number, "0X")
}

func (l *jsLexer) skipIdentifierPart() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
				return
			}
			l.pos += size
			continue
		}
		if !isLetter(c) && !isDigit(c) && c != '$' && c != '_' && c != '\\' {
			return
		}
		l.pos++
	}
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
