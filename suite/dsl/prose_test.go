package dsl

import "testing"

func TestSeries(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Series("and", "%d", []int{199, 600}), "199 and 600"},
		{Series("or", "%d", []int{204, 205, 304}), "204, 205 or 304"},
		{Series("and", "%q", []string{"a"}), `"a"`},
		{Series("and", "%s", []string(nil)), ""},
	} {
		if c.got != c.want {
			t.Errorf("Series gave %q, want %q", c.got, c.want)
		}
	}
}
