// Package cred is the operator's credentials: the QR tokens a courier, a
// staff member or a shopper's app shows at any locker of the network. The
// operator signs them with Ed25519; every locker verifies them offline
// against the operator's public keys (several, for rotation), with an
// expiry, a scope (which lockers; which carrier, courier or staff member)
// and a revocation list the fleet link pushes. A locker holds only public
// keys, so a stolen locker cannot mint a token for any other.
//
// The locker's own tokens (the pickup and return QR it makes for its own
// rents, under its HMAC key) are not here: they are package core's.
//
// `pudo token` (Main) makes key pairs and tokens, with their QR as PNG.
package cred
