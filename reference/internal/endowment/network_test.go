package endowment

import (
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"http://a.test/x", "http://a.test/y?q", true},
		{"http://a.test/", "http://A.TEST:80/", true},
		{"https://a.test/", "https://a.test:443/", true},
		{"http://a.test/", "https://a.test/", false},
		{"http://a.test/", "http://a.test:8080/", false},
		{"http://a.test/", "http://b.a.test/", false},
		{"http://[::1]:80/", "http://[::1]/", true},
	}
	for _, tc := range tests {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if got := sameOrigin(a, b); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestWithoutCredentialHeaders(t *testing.T) {
	in := [][2]string{{"Authorization", "a"}, {"x-keep", "1"}, {"cookie", "c"}, {"Proxy-Authorization", "p"}, {"content-type", "t"}}
	want := [][2]string{{"x-keep", "1"}, {"content-type", "t"}}
	if got := withoutCredentialHeaders(in); !slices.Equal(got, want) {
		t.Errorf("withoutCredentialHeaders = %v, want %v", got, want)
	}
}

func TestRedirectChangesToGET(t *testing.T) {
	for _, tc := range []struct {
		status int
		method string
		want   bool
	}{
		{301, "POST", true}, {302, "POST", true}, {301, "PUT", false}, {302, "DELETE", false},
		{303, "PUT", true}, {303, "POST", true}, {303, "GET", false}, {303, "HEAD", false},
		{307, "POST", false}, {308, "POST", false},
	} {
		if got := redirectChangesToGET(tc.status, tc.method); got != tc.want {
			t.Errorf("redirectChangesToGET(%d, %s) = %v, want %v", tc.status, tc.method, got, tc.want)
		}
	}
}

// TestLimitedBodyFailsTheReadThatCrossesTheLimit: the read that goes past the limit returns an
// error and no bytes, not an empty read that leaves the failure to a later call.
func TestLimitedBodyFailsTheReadThatCrossesTheLimit(t *testing.T) {
	body := &limitedBody{ReadCloser: io.NopCloser(strings.NewReader("12345")), remaining: 3}
	buf := make([]byte, 64)
	n, err := body.Read(buf)
	if err == nil || n != 0 {
		t.Fatalf("Read over the limit = %d, %v; want 0 bytes and an error", n, err)
	}
	exact := &limitedBody{ReadCloser: io.NopCloser(strings.NewReader("123")), remaining: 3}
	data, err := io.ReadAll(exact)
	if err != nil || string(data) != "123" {
		t.Fatalf("a body of exactly the limit: %q, %v", data, err)
	}
}

func TestResponseHeadersAndURLAreExposedAsFetchDoes(t *testing.T) {
	if got := isomorphicDecode("caf\xc3\xa9"); got != "caf\u00c3\u00a9" {
		t.Errorf("isomorphicDecode: got %q, want each byte as its own code point", got)
	}
	if got := isomorphicDecode("plain"); got != "plain" {
		t.Errorf("isomorphicDecode(ASCII) = %q", got)
	}
	u, _ := url.Parse("http://allowed.test/p?q#frag")
	if got := responseURL(u); got != "http://allowed.test/p?q" {
		t.Errorf("responseURL = %q, want it without the fragment", got)
	}
	if u.Fragment != "frag" {
		t.Error("responseURL changed its argument")
	}
}

func TestRedirectLocationsParseAsTheURLStandardDoes(t *testing.T) {
	base, _ := url.Parse("http://allowed.test/dir/page?q")
	for _, c := range []struct{ location, want string }{
		{"/\\allowed.test/anything", "http://allowed.test/anything"},
		{"\\\\evil.test\\p", "http://evil.test/p"},
		{"http:other.test/x", "http://allowed.test/dir/other.test/x"},
		{"http:/\\evil.test/x", "http://evil.test/x"},
		{"https:evil.test/x", "https://evil.test/x"},
		{"HTTPS:///evil.test", "https://evil.test"},
		{" http://ev\til.test/a\\b?c\\d ", "http://evil.test/a/b?c\\d"},
		{"next", "http://allowed.test/dir/next"},
		{"1x:/y", "http://allowed.test/dir/1x:/y"},
		{"x/y:z", "http://allowed.test/dir/x/y:z"},
		{"//other.test", "http://other.test"},
		{"//%61llowed.test/x", "http://allowed.test/x"},
		{"https://u@%65vil.test:8080/x", "https://u@evil.test:8080/x"},
	} {
		got, err := resolveLocation(base, c.location)
		if err != nil || got.String() != c.want {
			t.Errorf("resolveLocation(%q) = %v, %v; want %s", c.location, got, err, c.want)
		}
	}
	if got := isomorphicEncode("caf\u00e9"); got != "caf\xe9" {
		t.Errorf("isomorphicEncode: got %q, want the byte 0xE9", got)
	}
}

func TestBadPorts(t *testing.T) {
	for port, bad := range map[string]bool{"0": true, "25": true, "6667": true, "10080": true, "": false, "80": false, "8080": false} {
		if isBadPort(port) != bad {
			t.Errorf("isBadPort(%q) = %v, want %v", port, !bad, bad)
		}
	}
}
