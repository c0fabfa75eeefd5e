//go:build !race

package central_test

const raceEnabled = false
