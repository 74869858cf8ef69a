package endowment

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// decodeUTF8 is the Encoding Standard's UTF-8 decode for TextDecoder and the body mixin's
// text() and json(): a leading BOM is dropped unless ignoreBOM, and each maximal subpart of
// an invalid sequence becomes one U+FFFD, or an error when fatal
// (https://encoding.spec.whatwg.org/#utf-8-decoder). The streaming state lives in text.js.
func decodeUTF8(b []byte, fatal, ignoreBOM bool) (string, error) {
	if !ignoreBOM && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	if fatal {
		return "", errors.New("The encoded data was not valid utf-8")
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			// One U+FFFD for each maximal subpart of an invalid sequence, as the Encoding
			// Standard's UTF-8 decoder does.
			size = maximalSubpart(b)
		}
		sb.WriteRune(r)
		b = b[size:]
	}
	return sb.String(), nil
}

// maximalSubpart is the length of the longest prefix of b that begins a well-formed UTF-8
// sequence, at least 1; b does not begin with a whole one.
func maximalSubpart(b []byte) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 2
	case c >= 0xE0 && c <= 0xEF:
		need = 3
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 4
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
	default:
		return 1
	}
	n := 1
	for n < need && n < len(b) && b[n] >= lo && b[n] <= hi {
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}
