// Package e2e runs the real pudo binary in a real X window under Xvfb and
// drives it the way a shopper would, with xdotool; its tests save
// screenshots for people to look at.
package e2e
