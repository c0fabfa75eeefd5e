//go:build !cgo

package doctor

// checkSound cannot load the audio library in a build without cgo.
func checkSound() Result {
	return Result{"sound", Warn, "this build has no cgo, so no audio library to check"}
}
