package api

import (
	"time"

	"pudo/app/httpapi"
)

// The error budget of one client (an API key, or an address for requests
// without a valid key) is httpapi's, the network's shop API's too: past
// it, 429 with Retry-After for everything until the budget refills.
const (
	errorBurst = httpapi.ErrorBurst
	errorEvery = httpapi.ErrorEvery
)

type throttle struct{ *httpapi.Throttle }

func newThrottle(now func() time.Time) *throttle { return &throttle{httpapi.NewThrottle(now)} }

func (t *throttle) blocked(client string) (time.Duration, bool) { return t.Blocked(client) }
func (t *throttle) spend(client string)                         { t.Spend(client) }
func (t *throttle) reset()                                      { t.Reset() }

var (
	addrOf    = httpapi.AddrOf
	throttled = httpapi.Throttled
)
