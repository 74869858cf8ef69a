package suite

import (
	"cmp"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/conform-suite/conform/suite/dsl"
)

// Defaults are what every spec of a catalogue file shares, stated once at the top of the
// file; its rows give only what differs. A catalogue file is named after its area's ID prefix
// (allow_tricks.go holds ALLOW- specs), so an ID leads to its file.
//
//	func abortSpecs() []Spec {
//		return Defaults{
//			Area: AreaAbort, Profile: ProfileFetchAPI, Since: "0.1.0",
//			Source: srcAbort, Rationale: "…", Fixture: "abort/cases",
//			Globals: dsl.WithGlobals(dsl.AbortGlobals()...),
//		}.Specs(
//			Row{ID: "ABORT-004", Title: "…", Requirement: "… must …", Run: dsl.Returns(want)},
//			…
//		)
//	}
type Defaults struct {
	Area, Profile, Since, Source, Rationale, Fixture string
	// Globals every row's vats may be given; nil means dsl.NetworkGlobals().
	Globals []string
	// Features every row needs of the protocol (harness.FeatureTeardownVat).
	Features []string
	// Timeout of every row that states none; zero means DefaultSpecTimeout.
	Timeout time.Duration
}

// Row is one spec of a catalogue file: its ID, title, requirement and run, and whatever
// else differs from the file's Defaults (a zero field takes the default).
type Row struct {
	ID, Title string
	// Requirement is one sentence saying what an implementation must do. Where the run holds
	// data the sentence names (a URL, a status), the sentence is made from that data.
	Requirement string
	// Run checks the requirement.
	Run func(t *dsl.T)

	Profile, Since, Source, Rationale, Fixture string
	Globals, Features                          []string
	Timeout                                    time.Duration
	// Tampers and Serial: see Spec.
	Tampers, Serial bool
}

// Specs makes the file's rows into specs, each taking the defaults for what it leaves out
// and recording the catalogue file that declares it.
func (d Defaults) Specs(rows ...Row) []Spec {
	file := "unknown"
	if _, path, _, ok := runtime.Caller(1); ok {
		file = filepath.Base(path)
	}
	specs := make([]Spec, len(rows))
	for i, r := range rows {
		specs[i] = Spec{
			Requirement: Requirement{
				ID: r.ID, Title: r.Title, Requirement: r.Requirement,
				Profile:   cmp.Or(r.Profile, d.Profile),
				Area:      d.Area,
				Source:    cmp.Or(r.Source, d.Source),
				Rationale: cmp.Or(r.Rationale, d.Rationale),
				Fixture:   cmp.Or(r.Fixture, d.Fixture),
				Since:     cmp.Or(r.Since, d.Since),
				Globals:   globalsOf(r.Globals, d.Globals),
				Features:  append(slices.Clone(d.Features), r.Features...),
				File:      file,
			},
			Timeout: cmp.Or(r.Timeout, d.Timeout),
			Tampers: r.Tampers,
			Serial:  r.Serial,
			Run:     r.Run,
		}
	}
	return specs
}

func globalsOf(row, file []string) []string {
	switch {
	case row != nil:
		return row
	case file != nil:
		return file
	}
	return dsl.NetworkGlobals()
}
