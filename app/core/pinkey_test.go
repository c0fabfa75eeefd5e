package core

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"pudo/storage"
)

// oldPINHash is a staff PIN hash as versions before keyed hashes made it:
// argon2id over the PIN alone.
func oldPINHash(pin string, salt []byte, c PINCost) string {
	h := argon2.IDKey([]byte(pin), salt, c.Time, c.Memory, c.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(h))
}

// crackable reports whether a PIN hash falls to a search with the store
// alone: argon2id over the bare PIN, with the salt and cost it names.
func crackable(encoded, pin string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 {
		return false
	}
	var c PINCost
	fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads)
	salt, _ := base64.RawStdEncoding.DecodeString(parts[4])
	want, _ := base64.RawStdEncoding.DecodeString(parts[5])
	if c.Time == 0 || c.Threads == 0 || len(want) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(argon2.IDKey([]byte(pin), salt, c.Time, c.Memory, c.Threads, uint32(len(want))), want) == 1
}

// The store alone (pudo.db, a backup copy) gives no staff PIN: the hash is
// made over the PIN under a key drawn from locker.key, so a search over the
// 10^8 PINs of 8 digits finds nothing without the key.
func TestStoreAloneGivesNoStaffPIN(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", PINCost: cheapPIN})
	if err := l.AddStaff(ctx, "anna", "73910482"); err != nil {
		t.Fatal(err)
	}
	var ms []storage.StaffMember
	db.View(ctx, func(tx *storage.Tx) (err error) { ms, err = tx.StaffMembers(); return err })
	if len(ms) != 1 {
		t.Fatalf("%d staff", len(ms))
	}
	if crackable(ms[0].PINHash, "73910482") {
		t.Fatal("the stored PIN hash is argon2id over the bare PIN: the store alone gives it to a search")
	}
}

// A PIN hashed the old way still signs its holder in, and is hashed anew,
// keyed, the first time it is right.
func TestOldPINHashWorksAndIsRenewed(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", PINCost: cheapPIN})
	err := db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.AddStaff("old", oldPINHash("58203716", []byte("0123456789abcdef"), cheapPIN))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.LoginStaff(ctx, "58203716"); err != nil {
		t.Fatalf("an old PIN hash: %v", err)
	}
	var ms []storage.StaffMember
	db.View(ctx, func(tx *storage.Tx) (err error) { ms, err = tx.StaffMembers(); return err })
	if !strings.Contains(ms[0].PINHash, pinKeyTag) || crackable(ms[0].PINHash, "58203716") {
		t.Fatalf("after its first right PIN the hash is %q", ms[0].PINHash)
	}
	if _, err := l.LoginStaff(ctx, "58203716"); err != nil {
		t.Fatalf("the renewed hash: %v", err)
	}
}
