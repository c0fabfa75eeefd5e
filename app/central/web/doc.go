// Package web is central's dashboard: server-rendered HTML (html/template,
// templates and CSS embedded, no script) for the operator's staff. The
// lockers with their link state, backlog, faults and free doors by size;
// one locker's doors drawn like the kiosk's staff grid; alerts to
// acknowledge; events and parcels with filters.
//
// Accounts are central's operators (`pudo central operator add`), their
// passwords argon2id hashes (package passhash). A login makes a session:
// a random cookie (__Host-, Secure, HttpOnly, SameSite=Lax) of which the
// database keeps the SHA-256, ended after an idle hour or twelve hours.
// Every form that changes something carries the session's form token,
// compared in constant time, and cross-origin requests that change
// something are refused before that (net/http's CrossOriginProtection),
// so another site can make an operator's browser neither log in nor act.
// The read role sees everything and changes nothing; operator and admin
// acknowledge alerts. Failed logins spend an error budget per account
// name and per address, as the APIs' 4xx answers do.
package web
