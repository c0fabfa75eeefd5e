// Package core is the locker's engine: it applies the rules of package
// app (see app/RULES.md) to the SQLite store and the lock boards. *Locker
// satisfies app.Engine, and its flows are app's contract themselves, each
// its own type with its own lock: a pickup (*Pickup, app.Pickup), a
// drop-off or return (*DropOff), a courier's round (*Courier), a staff
// session (*Staff) and staff's door test. They hand out app's vocabulary
// and app's errors. The back office (the HTTP API, the fleet link) works
// through *Office: bookings, rents, remote opening, the revocation list.
//
// Every door opening goes through one mechanism (opening.go): refused
// while the door's board is silent or another opening of it is unsettled,
// its intent committed, the board told once, then settled from the
// evidence (settle.go, watch.go): the sensor first, the board's reply and
// status byte second, time (the engine's tick on the store's clock) third.
// Live openings are held in a registry (live.go) until they settle, and a
// drop-off seen open until its door closes. Notices go to every subscriber
// without waiting for any (notices.go). Reports of doors that did not open
// are weighed in report.go; flapping sensors in flap.go; the self-test and
// staff's door test in selftest.go and doortest.go; the reconcile at start
// in housekeep.go.
//
// The engine's fault scenarios, one file each, are in testdata/scenarios
// and run against the real driver and the emulator on a pty.
//
// # What a stolen SD card gives
//
// The kiosk's SD card holds locker.key (the locker's 256-bit secret) and
// pudo.db (the store); every `pudo backup` copy is the same pair.
//
// pudo.db alone gives the rents (ids, doors, parcel and recipient
// references, times), the audit log and the staff names, but no way in:
// a typed code is kept as codeHash, argon2id over an HMAC of the code
// under locker.key, so without the key it is random bytes; a QR's secret is
// kept as its SHA-256 (128 random bits: no search reaches it); a staff
// PIN as argon2id over an HMAC under a key drawn from locker.key (pin.go);
// an operator token this locker issued or saw by the SHA-256 of its id,
// never the id (localtokens.go).
//
// locker.key alone gives the MAC of the locker's own QR and the input of
// codeHash, but no code and no QR: codes are stored nowhere else, and a
// QR opens a door only with its rent's secret (Token, rent_qr). Operator
// tokens need the operator's private key, which a locker never holds; a
// site key (operator.signing_key, for POST /v1/tokens) may lie on the same
// card, but a token it signed counts only if this locker issued it
// (siteKeyRule), and the store keeps no id to make one again.
//
// Both together give no QR either (the secret is not in the store), and a
// typed code only for one argon2id per guess, at DefaultCodeCost (19 MiB,
// 2 passes). A GPU is bound by its memory bandwidth: each guess moves
// about 1 KiB × 19456 × (3·2−1) = 95 MiB, so an RTX 5090 (1.79 TB/s)
// makes about 18,000 guesses a second, an H100 (3.35 TB/s) about 33,600.
// Codes are 40 bits (8 symbols of 32), 2^40 ≈ 1.1·10^12 of them:
//
//   - one chosen parcel's code: on average 2^39 guesses, 3.1·10^7 s, about
//     354 days on the RTX 5090, 189 on the H100;
//   - any one of N parcels stored at once (the hashes share a salt, so a
//     guess is tried against all of them by one index lookup): 2^40/(N+1)
//     guesses; for N = 200, 5.5·10^9, so 3.5 days on the RTX 5090 and 1.9
//     on the H100; for a full 250-door locker, 2.8 and 1.5 days;
//   - before codeHash (an HMAC-SHA256, some 1.4·10^10 a second on the same
//     GPU): every code of the locker in under 80 s.
//
// Both together also give a staff PIN in about 46 minutes of the same GPU
// (8 digits, see pin.go), and a PIN alone signs staff in at the pad, where
// every door opens: a locker that fears for its card signs staff in by
// badge, whose key the card does not hold.
//
// At the kiosk the check is one argon2id per typed code, whatever it
// finds: BenchmarkPickupCheck measures it beside the HMAC check it
// replaced, and it stays within a quarter of a second on the kiosk's
// board. Rents stored before codeHash keep their code's HMAC until the
// code is typed once, when they (and every rent sharing the code) are
// rehashed; their QR, made before QR secrets, is refused, and the code
// opens them.
package core
