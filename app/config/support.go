package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Support is whom a shopper, courier or technician contacts when the locker
// cannot help: every problem screen shows it, with a QR code of the web
// address and a reference naming the locker, the door and the time.
type Support struct {
	Phone string `toml:"phone"`
	Web   string `toml:"web"`
	// Note is a short line shown with the contact (opening hours, say), by
	// screen language; a language without one shows English's.
	Note map[string]string `toml:"note"`
}

// The demo's contact: a phone number from Ofcom's range kept for drama
// (never anyone's), a domain reserved for examples (RFC 2606). No note: a
// default one would stay on a locker whose file sets only some languages.
func defaultSupport() Support {
	return Support{
		Phone: "+44 20 7946 0000",
		Web:   "https://pudo.example/help",
	}
}

// A phone number as people write it: digits, spaces and + - ( ) . /
var phoneChars = regexp.MustCompile(`^\+?[0-9 ()./-]+$`)

// maxWeb keeps the QR code small enough to scan from a phone at arm's
// length (version 5, 37 modules, at level M holds 84 bytes).
const maxWeb = 80

func (s Support) validate() error {
	if s.Phone == "" && s.Web == "" {
		return &Error{Key: "support", Msg: "set phone or web (or both): every problem screen shows them"}
	}
	if s.Phone != "" {
		if !phoneChars.MatchString(s.Phone) || len(s.Phone) > 32 || countDigits(s.Phone) < 3 {
			return &Error{Key: "support.phone", Msg: fmt.Sprintf("%q is not a phone number (digits, spaces and + - ( ) . /)", s.Phone)}
		}
	}
	if s.Web != "" {
		u, err := url.Parse(s.Web)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &Error{Key: "support.web", Msg: fmt.Sprintf("%q is not an http or https address", s.Web)}
		}
		if len(s.Web) > maxWeb {
			return &Error{Key: "support.web", Msg: fmt.Sprintf("at most %d characters, so its QR code scans from arm's length", maxWeb)}
		}
	}
	for lang, note := range s.Note {
		switch {
		case !langCode.MatchString(lang):
			return &Error{Key: "support.note." + lang, Msg: "not a language code such as en or pl"}
		case strings.ContainsAny(note, "\n\r") || len([]rune(note)) > 120:
			return &Error{Key: "support.note." + lang, Msg: "one line of at most 120 characters"}
		}
	}
	return nil
}

var langCode = regexp.MustCompile(`^[a-z]{2}$`)

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
