// Package api is the kiosk's HTTP API for the systems around a locker: a
// shop books a door and gets the pickup code, a carrier's system follows its
// parcels, the host's back office watches the doors, and a shopper's app may
// open a door remotely when the operator allows it.
//
// It is plain net/http and encoding/json. Every route is listed once in
// routes.go, and a test holds that list and openapi.json (served at
// /v1/openapi.json) to each other. Callers authenticate with bearer API
// keys whose SHA-256 is in the configuration; each key has one scope
// (merchant, carrier or operator), and merchants and carriers see only the
// rents they booked.
//
// Webhooks use the locker's hash-chained event log as their outbox: every
// state change appends its event in the same transaction as the change, and
// each endpoint keeps a cursor over the log's seq in the same database, so a
// delivery is never lost across a restart and events of one rent arrive in
// order. Deliveries are at least once; receivers deduplicate on
// Pudo-Event-Id.
package api
