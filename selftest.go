package main

import (
	"pudo/app/api"
	"pudo/app/core"
)

// selfTestMetrics puts the last self-test beside the kiosk's other figures
// in /metrics: when it ran, whether it passed, how many checks failed.
func selfTestMetrics(m *api.Metrics, locker *core.Locker) {
	m.GaugeFunc("pudo_selftest_last_run_timestamp_seconds", "When the last self-test finished (0: none since start).", func() float64 {
		if r := locker.LastSelfTest(); r != nil {
			return float64(r.Finished.Unix())
		}
		return 0
	})
	m.GaugeFunc("pudo_selftest_ok", "1 when the last self-test passed every check.", func() float64 {
		if r := locker.LastSelfTest(); r != nil && r.OK() {
			return 1
		}
		return 0
	})
	m.GaugeFunc("pudo_selftest_failed_checks", "Checks the last self-test failed.", func() float64 {
		n := 0
		if r := locker.LastSelfTest(); r != nil {
			for _, c := range r.Checks {
				if !c.OK {
					n++
				}
			}
		}
		return float64(n)
	})
}
