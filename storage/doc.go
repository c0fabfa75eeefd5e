// Package storage keeps the locker's truth in one SQLite file: the doors,
// the rents (one parcel's stay in one door), the hash-chained event log and
// a few locker-wide values such as the code secret. It imports nothing else
// of Pudo's.
//
// The file is opened in WAL mode with synchronous=FULL, foreign keys on and a
// single connection, so there is exactly one writer and a committed
// transaction survives a power cut. Every write happens inside Update, one
// transaction per unit of work. The schema is created and upgraded by the
// numbered files in migrations/, each applied in its own transaction and
// recorded in schema_migrations.
package storage
