package dsl

import (
	"encoding/json"
	"fmt"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"
)

// Threw succeeds when a program threw (or its promise rejected with) an error named name,
// e.g. Expect(res).To(Threw("TypeError")). An empty name accepts any error.
func Threw(name string) types.GomegaMatcher {
	want := name
	if want == "" {
		want = "an error"
	}
	return gcustom.MakeMatcher(func(r Result) (bool, error) {
		return r.Error != nil && (name == "" || r.Error.Name == name), nil
	}).WithTemplate("Expected {{.Actual.Program}} to throw {{.Data}}, but it {{if .Actual.Error}}threw {{.Actual.Error.Name}}: {{.Actual.Error.Message}}{{else}}returned {{printf \"%s\" .Actual.Value}}{{end}}", want)
}

// Returned succeeds when a program completed without throwing.
func Returned() types.GomegaMatcher {
	return gcustom.MakeMatcher(func(r Result) (bool, error) {
		return r.Error == nil, nil
	}).WithTemplate("Expected {{.Actual.Program}} to complete, but it threw {{.Actual.Error.Name}}: {{.Actual.Error.Message}}")
}

// ReturnedJSON succeeds when a program returned a value equal (as JSON) to want.
func ReturnedJSON(want any) types.GomegaMatcher {
	wantJSON, err := json.Marshal(want)
	if err != nil {
		panic(fmt.Sprintf("ReturnedJSON: cannot encode %v: %v", want, err))
	}
	return gcustom.MakeMatcher(func(r Result) (bool, error) {
		if r.Error != nil {
			return false, nil
		}
		var got, exp any
		if err := json.Unmarshal(r.Value, &got); err != nil {
			return false, nil
		}
		_ = json.Unmarshal(wantJSON, &exp)
		return fmt.Sprint(got) == fmt.Sprint(exp) && jsonEqual(got, exp), nil
	}).WithTemplate("Expected {{.Actual.Program}} to return {{.Data}}, but it {{if .Actual.Error}}threw {{.Actual.Error.Name}}: {{.Actual.Error.Message}}{{else}}returned {{printf \"%s\" .Actual.Value}}{{end}}", string(wantJSON))
}

func jsonEqual(a, b any) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) == string(bb)
}
