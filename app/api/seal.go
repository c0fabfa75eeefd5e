package api

import "pudo/app/httpapi"

// An idempotent answer holds a pickup code, which the store must never keep
// in clear: it is sealed under a key derived from the caller's bearer key,
// as every Pudo API does (httpapi.Seal).
var (
	seal   = httpapi.Seal
	unseal = httpapi.Unseal
)
