package allowlist_test

import (
	"strings"
	"testing"

	"github.com/conform-suite/conform/reference/allowlist"
)

// A host that is a number of a million digits is out of range, and saying so must not cost
// a million-digit conversion: vat code chooses the URL.
func BenchmarkParseHugeNumericHost(b *testing.B) {
	url := "http://" + strings.Repeat("1", 1_000_000) + "/"
	for b.Loop() {
		if _, err := allowlist.Parse(url); err == nil {
			b.Fatal("a million-digit IPv4 number must be rejected")
		}
	}
}

func TestHugeNumericHostsAreRejected(t *testing.T) {
	for _, host := range []string{strings.Repeat("9", 40), "0x" + strings.Repeat("f", 30), "0" + strings.Repeat("7", 30), "1." + strings.Repeat("9", 30)} {
		if _, err := allowlist.Parse("http://" + host + "/"); err == nil {
			t.Errorf("http://%s/ was accepted; an IPv4 part beyond 2^32 is invalid", host)
		}
	}
	if _, err := allowlist.Parse("http://00000000000000000000000000000127.1/"); err != nil {
		t.Errorf("leading zeros do not make a number large: %v", err)
	}
}
