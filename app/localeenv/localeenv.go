// Package localeenv keeps Fyne quiet under the C locale. Imported by main
// for its init, it runs before Fyne reads the locale.
//
// Fyne's lang package reads the user's locale in its own init, through
// github.com/jeandeaual/go-locale: the first of LC_ALL, LC_MESSAGES and LANG
// that is set. "C" and "POSIX" mean "no locale" to it, but "C.UTF-8"
// (Debian's and Docker's default) does not: it becomes the tag "C", which
// does not parse, and Fyne logs a three-line "Error parsing user locale C"
// at every start, before main runs and in `pudo version` too. For such a
// value go-locale takes LANGUAGE instead when it is set, so this package
// sets LANGUAGE=en: English, as for a plain "C". glibc ignores LANGUAGE
// under the C locale, and the kiosk's own texts have their own catalogue.
//
// Why this init comes first: Go initialises packages in import-path order,
// each as soon as its imports are (the spec, since Go 1.21). This package
// imports only os; Fyne's lang package imports text/template, which itself
// needs os and fmt. So once os is initialised this package is ready, and
// "pudo/..." sorts before "text/template": it is initialised before
// text/template, hence before Fyne's lang. TestVersionIsQuiet in package
// main runs the binary to check.
package localeenv

import "os"

func init() { Fix(os.Getenv, os.Setenv) }

// Fix sets LANGUAGE to en when the messages locale is C or POSIX with an
// encoding or a modifier (C.UTF-8, POSIX@euro) and LANGUAGE is not set.
func Fix(getenv func(string) string, setenv func(k, v string) error) {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	if loc == "C" || loc == "POSIX" || getenv("LANGUAGE") != "" {
		return // go-locale takes these as they are
	}
	base := loc
	for i, r := range loc {
		if r == '.' || r == '@' {
			base = loc[:i]
			break
		}
	}
	if base == "C" || base == "POSIX" {
		setenv("LANGUAGE", "en")
	}
}
