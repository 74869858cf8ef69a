package endowment

import (
	"strings"
	"testing"
)

// TestDecodeUTF8MaximalSubparts: each maximal subpart of an invalid sequence is one U+FFFD, at
// every boundary of the UTF-8 byte ranges (expected values are what Node's TextDecoder, a
// WHATWG Encoding Standard decoder, gives).
func TestDecodeUTF8MaximalSubparts(t *testing.T) {
	const r = "\uFFFD"
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"lowest two-byte lead, truncated", []byte{0xC2, 0x41}, r + "A"},
		{"highest two-byte lead, truncated", []byte{0xDF, 0x41}, r + "A"},
		{"overlong two-byte lead", []byte{0xC1, 0x41}, r + "A"},
		{"E0 with its lowest second byte", []byte{0xE0, 0xA0, 0x41}, r + "A"},
		{"E0 with a second byte under its range", []byte{0xE0, 0x9F, 0x41}, r + r + "A"},
		{"highest three-byte lead, truncated", []byte{0xEF, 0xBF, 0x41}, r + "A"},
		{"ED with its highest second byte", []byte{0xED, 0x9F, 0x41}, r + "A"},
		{"ED with a surrogate second byte", []byte{0xED, 0xA0, 0x41}, r + r + "A"},
		{"EC is not ED", []byte{0xEC, 0xBF, 0x41}, r + "A"},
		{"EE is not ED", []byte{0xEE, 0x80, 0x41}, r + "A"},
		{"F0 with its lowest second byte", []byte{0xF0, 0x90, 0x80, 0x41}, r + "A"},
		{"F0 with a second byte under its range", []byte{0xF0, 0x8F, 0x41}, r + r + "A"},
		{"F4 with its highest second byte", []byte{0xF4, 0x8F, 0xBF, 0x41}, r + "A"},
		{"F4 past U+10FFFF", []byte{0xF4, 0x90, 0x41}, r + r + "A"},
		{"F3, truncated", []byte{0xF3, 0xBF, 0xBF, 0x41}, r + "A"},
		{"F1, truncated early", []byte{0xF1, 0x80, 0x41}, r + "A"},
		{"F5 is no lead", []byte{0xF5, 0x80, 0x41}, r + r + "A"},
		{"a continuation byte out of range", []byte{0xE1, 0xC0}, r + r},
		{"truncated at the end", []byte{0xEF, 0xBB}, r},
		{"a BOM and nothing else", []byte{0xEF, 0xBB, 0xBF}, ""},
		{"a BOM before text", []byte{0xEF, 0xBB, 0xBF, 0x41}, "A"},
		{"valid three bytes", []byte{0xE1, 0x80, 0xBF, 0x41}, "\u103FA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeUTF8(tc.in, false, false)
			if err != nil || got != tc.want {
				t.Errorf("decodeUTF8(% X) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			if _, err := decodeUTF8(tc.in, true, false); (err != nil) != strings.Contains(tc.want, r) {
				t.Errorf("fatal decodeUTF8(% X) error = %v; want an error exactly when the input is invalid", tc.in, err)
			}
		})
	}
	if got, _ := decodeUTF8([]byte{0xEF, 0xBB, 0xBF, 0x41}, false, true); got != "\uFEFFA" {
		t.Errorf("with ignoreBOM the BOM is kept: got %q", got)
	}
}
