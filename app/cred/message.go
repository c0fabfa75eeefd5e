package cred

import "crypto/ed25519"

// messageContext starts every message signature, as signContext starts a
// token's: the same operator key signs both, and neither signature can be
// passed off as the other.
const messageContext = "pudo-operator-message-v1\x00"

func message(purpose string, msg []byte) []byte {
	return append([]byte(messageContext+purpose+"\x00"), msg...)
}

// SignMessage signs msg for purpose (such as "fleet-command-v2/book") with
// the operator's key: every command the fleet link takes carries this
// signature (package fleetsign).
func (k PrivateKey) SignMessage(purpose string, msg []byte) []byte {
	return ed25519.Sign(k.key, message(purpose, msg))
}

// VerifyMessage returns the key among keys that signed msg for purpose;
// false when none did.
func VerifyMessage(keys []PublicKey, purpose string, msg, sig []byte) (PublicKey, bool) {
	if len(sig) != ed25519.SignatureSize {
		return PublicKey{}, false
	}
	m := message(purpose, msg)
	for _, k := range keys {
		if !k.IsZero() && ed25519.Verify(k.key, m, sig) {
			return k, true
		}
	}
	return PublicKey{}, false
}
