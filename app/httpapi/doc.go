// Package httpapi holds the rules both of Pudo's HTTP APIs follow, the
// locker's (app/api) and the network's (app/central/shopapi), so that a
// shop integrating with either meets the same shapes: errors as JSON with
// a stable code, strict JSON bodies, an error budget per client,
// Idempotency-Keys and their sealed answers, API keys, and signed webhook
// deliveries. It imports nothing of Pudo's.
package httpapi
