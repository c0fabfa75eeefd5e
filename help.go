package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
)

// commandHelp is one line about each subcommand, for `pudo help` and
// `pudo --help`; TestHelpListsEveryCommand keeps it in step with commands.
var commandHelp = map[string]string{
	"api-key":       "make an API key for a shop, carrier or operator: api-key new --name N --scope S",
	"backup":        "write a consistent copy of the database while the kiosk runs: backup FILE",
	"carrier":       "a carrier's seal key, and opening the walk-in pickup codes sealed for it: carrier keygen|pubkey|open",
	"central":       "the operator's service: the fleet's events, state, commands and alerts in PostgreSQL: central serve|migrate|enrol",
	"decode":        "decode the codes in PNG, JPEG or PGM files as the camera would: decode [--json] FILE...",
	"doctor":        "check this locker (display, lock boards, scanner, sound, database, clock), one line per check",
	"fleet":         "the operator's tools, from central's database (or the broker): fleet status|doors|watch|book|cancel|open|revoke|resend",
	"help":          "this list (also --help)",
	"lockboard-sim": "emulate lock boards on a pseudo-terminal and print its path",
	"token":         "the operator's keys and signed QR tokens (courier, staff badge, app pickup): token keygen|pubkey|new|show",
	"version":       "print the version",
}

// helpMain is `pudo help`: the kiosk's flags and every subcommand, on stdout.
func helpMain(_ context.Context, _ []string, stdout, _ io.Writer) int {
	loadConfig([]string{"--help"}, stdout) // prints usage and returns flag.ErrHelp
	return 0
}

// usage is the kiosk's flag set's Usage: how to run the kiosk, then each
// subcommand in one line.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, "usage: pudo [flags]         run the kiosk (the demo locker when nothing is configured)\n"+
		"       pudo COMMAND [args]  run a command; `pudo COMMAND --help` tells more\n\nflags:\n")
	fs.PrintDefaults()
	fmt.Fprint(w, "\ncommands:\n")
	for _, name := range slices.Sorted(maps.Keys(commandHelp)) {
		fmt.Fprintf(w, "  %-14s %s\n", name, commandHelp[name])
	}
}
