//go:build !linux

package doctor

import "errors"

var errNoUser = errors.New("no such user")

// becomeUser is Linux-only; elsewhere the checks run as the caller.
func becomeUser(string) error { return errNoUser }
