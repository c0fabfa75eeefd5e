// Package linux holds the files that make Pudo a Debian package and a
// kiosk that starts at boot: the systemd unit, the session launcher, the
// udev rules, the desktop file, the nfpm config and the maintainer scripts
// (see `make package`). Its tests verify them and build the amd64 package.
package linux
