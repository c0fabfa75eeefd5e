package scanner

// The camera's hard stages run on a budget of work, not of time: a budget in
// milliseconds reads fewer codes on a busy or slow machine and makes the same
// frames decode differently from run to run. Work is counted in units of
// about a nanosecond of the reference machine (the x86 development machine
// the costs below were measured on; an arm64 kiosk board is 3-4 times
// slower), estimated from what each step touches: pixels binarized or
// searched, samples along scan lines. The
// estimates need not be exact, only deterministic and roughly proportional
// to time, so that a budget means about the same on every frame size.
// BenchmarkWorkUnit measures what a unit costs on the machine it runs on.
const (
	// per thousand pixels
	costBinarize       = 3000 // hybrid binarizer
	costGlobalBinarize = 2200 // global-histogram binarizer
	costQR             = 800  // QR finder search and decode attempt
	costQRHarder       = 1300 // the same with TRY_HARDER (every row)
	costQRAll          = 1200 // every set of finder patterns, after a TRY_HARDER miss
	costDM             = 200  // Data Matrix detector
	costInvert         = 600  // flipping a bit matrix
	costHalve          = 2000 // halving, per thousand output pixels
	costDouble         = 9000 // doubling, per thousand output pixels
	costSmooth         = 6000 // 3x3 box filter
	costRegions        = 5000 // bar-region detector, per thousand half-size pixels

	// per scan line
	costLine       = 500 // setting up a row
	costLineSample = 8   // per sample: sampling it and thresholding it once
	costEnvelope   = 15  // per sample: a local threshold (see envelope.go)
	costRuns       = 6   // per sample: a line's runs, the start-pattern search and our EAN reader
	costReader     = 40  // per sample: one gozxing row reader in one direction
	costSample     = 7   // per sample and pixel of band: bilinear sampling
)

// kpx is the cost of a step that does per-thousand-pixels work on px pixels.
func kpx(cost, px int) int { return cost * px / 1000 }

// meter counts the work spent on one frame against its budget.
type meter struct {
	spent, budget int64
}

func (m *meter) spend(units int) { m.spent += int64(units) }

// expired reports whether a budget is set and spent. A still image has no
// budget: there is no next frame to leave work for.
func (m *meter) expired() bool { return m.budget > 0 && m.spent >= m.budget }
