package api

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// KeyMain is `pudo api-key new --name NAME --scope SCOPE`: it prints a new
// API key once, and the [[api.keys]] table to paste into the configuration.
// The key is not kept anywhere; lose it and make another.
func KeyMain(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "new" {
		fmt.Fprintln(stderr, "usage: pudo api-key new --name NAME --scope merchant|carrier|operator")
		return 2
	}
	fs := flag.NewFlagSet("pudo api-key new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "who the key is for, e.g. shopx (a-z 0-9 _ . -)")
	scope := fs.String("scope", "", "merchant, carrier or operator")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pudo api-key new: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	key, hash := NewKey()
	if err := validateKeys("keys", []Key{{Name: *name, Scope: *scope, Hash: hash}}); err != nil {
		fmt.Fprintln(stderr, "pudo api-key new:", err)
		return 2
	}
	fmt.Fprintf(stdout, `API key for %s (%s). It is shown only now; give it to the integration:

    %s

Add this to the kiosk's configuration and restart it:

[[api.keys]]
name = %q
scope = %q
hash = %q
`, *name, *scope, key, *name, *scope, hash)
	return 0
}
