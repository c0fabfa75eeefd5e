// Package shopapi is the network's shop API: one integration for a shop
// across every locker of the operator, with the locker API's shapes
// (package httpapi): API keys with scopes, strict JSON, the same error
// answers and error budget, Idempotency-Keys, signed webhooks with retries
// and parking, and per-shop isolation with no oracles (another shop's
// booking answers exactly as a missing one).
//
// A booking goes to a locker as a command signed with the operator's key
// (link.Ingest.Command), its version from central's one counter per
// locker. It answers 201 with the pickup code when the locker answered in
// time, else 202: the booking stands at central, the locker applies it
// when the command reaches it (at once, or at its next sync), and the
// shop hears the answer from its webhooks and its events feed, and gets
// the code by sending the same request again with the same
// Idempotency-Key (the locker answers the same command with its first
// answer, code included; central never keeps a code). A booking asked at
// the first of a list of lockers goes to the first one online with a free
// door of the size or larger, by the lockers' last report; one that
// refuses for want of a door passes it to the next, each as an attempt of
// its own at its locker.
//
// Every route is listed once in routes.go, and a test holds that list and
// openapi.json (served at /v1/openapi.json) to each other.
package shopapi
