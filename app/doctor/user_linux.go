package doctor

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

var errNoUser = errors.New("no such user")

// becomeUser switches the whole process to name's uid, gid and groups
// (since Go 1.16 the set*id calls apply to every thread) and to its home.
// It returns errNoUser when the user does not exist, as on a development
// machine.
func becomeUser(name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return errNoUser
		}
		return fmt.Errorf("user %s: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	var groups []int
	ids, err := u.GroupIds()
	if err != nil {
		return fmt.Errorf("user %s: groups: %w", name, err)
	}
	for _, g := range ids {
		if n, err := strconv.Atoi(g); err == nil {
			groups = append(groups, n)
		}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("become %s: %w", name, err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("become %s: %w", name, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("become %s: %w", name, err)
	}
	os.Setenv("HOME", u.HomeDir)
	os.Setenv("USER", name)
	os.Unsetenv("XAUTHORITY") // root's cookie file is not the kiosk's
	return nil
}
