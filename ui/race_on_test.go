//go:build race

package ui

// raceOn: the race detector slows the screen tests eightfold.
const raceOn = true
