package api

import "pudo/app/httpapi"

// SignatureHeader carries a webhook's signature:
//
//	Pudo-Signature: t=1767225600,v1=5257a869...
//
// v1 is hex(HMAC-SHA256(secret, t + "." + body)), as every Pudo API signs
// (httpapi).
const SignatureHeader = httpapi.SignatureHeader

// Sign and Verify are httpapi's: a receiver should Verify in constant time,
// refusing a timestamp too far from now.
var (
	Sign   = httpapi.Sign
	Verify = httpapi.Verify
)

// Errors of Verify.
var (
	ErrBadSignature = httpapi.ErrBadSignature
	ErrStale        = httpapi.ErrStale
)
