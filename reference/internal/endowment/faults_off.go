//go:build !conformfaults

package endowment

import (
	"net/http"

	"github.com/dop251/goja"

	"github.com/conform-suite/conform/reference/allowlist"
)

// Faults has no switches in the default build: the deliberate bugs of the suite's self-test
// exist only in a build with -tags conformfaults (faults_on.go). Every method below is a
// constant or does nothing, so the compiler inlines it and drops the check and the branch
// it guards: the library a user builds has no fault check on its paths, and no way to turn
// a fault on.
type Faults struct{}

func (Faults) noAllowlist() bool                { return false }
func (Faults) redirectsUnchecked() bool         { return false }
func (Faults) lateSettlements() bool            { return false }
func (Faults) noNotify() bool                   { return false }
func (Faults) unfrozenGlobals() bool            { return false }
func (Faults) hardenReachesIntrinsics() bool    { return false }
func (Faults) credentialsFollowRedirects() bool { return false }
func (Faults) redirectLimitOffByOne() bool      { return false }
func (Faults) refusesHTTPS() bool               { return false }
func (Faults) bodyReadLeavesLocked() bool       { return false }
func (Faults) leavesBodyOpen(bool) bool         { return false }
func (Faults) brokenByTeardown() bool           { return false }
func (Faults) noteTeardown()                    {}
func (Faults) shareAllowlist(*allowlist.List)   {}

func (Faults) sharedAllowlist() (*allowlist.List, bool) { return nil, false }

func (Faults) client(c *http.Client) *http.Client { return c }

// setWebAPIOptions sets nothing: the Web API's JavaScript reads a switch that is not there
// (undefined) as off.
func (Faults) setWebAPIOptions(*goja.Object) {}
