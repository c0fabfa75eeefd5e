// Package carrier carries a walk-in's pickup code to the carrier's back
// office, sealed so that only the carrier can read it.
//
// A courier who drops a parcel without a booking gets a fresh pickup code
// from the locker; the recipient needs it, and only the carrier knows who
// the recipient is. The locker seals the code, the moment it makes it, to
// the carrier's X25519 public key with an anonymous NaCl sealed box
// (golang.org/x/crypto/nacl/box SealAnonymous, libsodium's
// crypto_box_seal), and only the sealed box goes into the drop-off event
// that the HTTP API and the fleet link deliver. A locker holds public keys
// only: its database, its logs, the operator and the broker cannot read the
// code; the carrier opens it with its private key, which never leaves its
// back office.
//
// The box holds a small JSON object, Code: the code with the locker and
// the rent it opens, so that a box moved onto another event is noticed.
//
// `pudo carrier` (Main) makes a carrier's key pair and opens sealed codes.
package carrier
