// Package voice holds what the locker says and how a person finds their
// way without sight, free of any screen, sound device or language:
//
//   - Phrase: a catalogue key and its values, what every rule that speaks
//     returns; Catalogue, the translation files read for speech and
//     tested without a screen; the CLDR plural rules that pick a counted
//     text's form (PluralOf).
//   - Spoken: what each shopper's view says in audio mode, its hints
//     naming the keys (Voice), and SpokenAhead, every phrase that can be
//     rendered before anyone asks.
//   - Wayfinding and Cabinet: the way to each door and to the scanner from
//     where a person stands.
//   - Keymap and CodeEntry: the tactile keypad's keys, and code entry by
//     keypad (digits, and letters by repeated presses), each character
//     said back.
//   - Timeout: the pace of audio mode, twice a sighted shopper's.
//
// The sessions (app/session) decide when to speak; the speech player
// (ui/sound) says it in the session's language.
package voice
