package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"pudo/app/cred"
	"pudo/app/testenv"
)

// TestAttackerAtTheKioskUnderXvfb plays, at the real kiosk, two attacks
// the locker must stand: a copy of its SD card (locker.key and pudo.db)
// turned into pickup QR codes for every rent, held to the scanner, opens no
// door, while a parcel's real code still does; and someone typing wrong
// PINs at the staff pad pauses it, yet a staff member's badge gets them in.
func TestAttackerAtTheKioskUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real X server")
	}
	needTools(t)
	bin := buildPudo(t)
	display := startXvfb(t)
	out := outDir(t)
	data, scans := t.TempDir(), t.TempDir()
	config := filepath.Join(t.TempDir(), "pudo.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`[kiosk]
id = "E2E-ATTACK"
[scanner.camera]
enabled = false
[scanner.serial]
enabled = false
[scanner.folder]
enabled = true
dir = %q
`, scans)), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", config, "--data-dir", data)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JOURNAL_STREAM=")
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	log := watch(stderr)
	t.Cleanup(func() {
		if t.Failed() { // what the kiosk said and recorded, for the failure
			t.Logf("kiosk log:\n%s\naudit log:\n%s", log.text(), auditKinds(t, filepath.Join(data, "pudo.db")))
		}
	})
	log.await(t, `msg="kiosk ready"`)
	log.await(t, `msg="scanner: source up".* source=folder`)
	demo := log.await(t, `msg="demo parcel".* code=([0-9A-Z]{4}-[0-9A-Z]{4}) door=(\d+)`)
	log.await(t, `msg="demo staff QR"`)
	kioskWindow(t, display)

	// The card, copied while the kiosk runs, as an image of it would be.
	card := t.TempDir()
	for _, name := range []string{"locker.key", "pudo.db", "pudo.db-wal", "pudo.db-shm"} {
		b, err := os.ReadFile(filepath.Join(data, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err == nil {
			if err := os.WriteFile(filepath.Join(card, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	kiosk := openStore(t, filepath.Join(data, "pudo.db")+"?mode=ro")
	stored := count(t, kiosk, `SELECT count(*) FROM rents WHERE state = 'stored'`)
	forged := forgeFromCard(t, card, time.Now())
	for i, text := range forged {
		if err := cred.WriteQRFile(filepath.Join(scans, fmt.Sprintf("forged-%02d.png", i)), text); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Await(t, fmt.Sprintf("the kiosk to refuse all %d forged QR codes (token.bad in its audit log)", len(forged)), func() bool {
		return count(t, kiosk, `SELECT count(*) FROM events WHERE kind = 'token.bad'`) >= len(forged)
	})
	screenshot(t, display, filepath.Join(out, "e2e-attack-1-forged-qr.png"))
	if n := count(t, kiosk, `SELECT count(*) FROM events WHERE kind = 'door.open' OR kind = 'door.open.intent'`); n != 0 {
		t.Fatalf("%d door openings after QR codes forged from a copy of the card", n)
	}
	if n := count(t, kiosk, `SELECT count(*) FROM rents WHERE state = 'stored'`); n != stored {
		t.Fatalf("%d parcels stored after the forged QR codes, %d before", n, stored)
	}

	// The parcel's real code, typed now, still opens its door: the forged
	// scans cost the next person nothing.
	xdotool(t, display, "type", "--delay", "120", strings.ToLower(demo[1]))
	xdotool(t, display, "key", "Return")
	log.await(t, fmt.Sprintf(`msg="opening settled".* door=%s outcome=opened`, demo[2]))
	log.next(t, `msg=screen.* name=gotIt`)
	waitOutTapGuard()
	tap(t, display, at.yes)
	log.next(t, `msg=screen.* name=home`)

	// Someone guesses at the staff pad until it pauses; the right PIN
	// there waits too.
	waitOutTapGuard()
	for range 5 {
		tap(t, display, at.logo)
	}
	log.next(t, `msg=screen.* name=pin`)
	for i := range 5 {
		xdotool(t, display, "type", "--delay", "120", fmt.Sprintf("1111111%d", i))
		xdotool(t, display, "key", "Return")
		log.next(t, `msg=screen.* name=pin`)
	}
	testenv.Await(t, "the staff pad paused (alert.staff.lockout)", func() bool {
		return count(t, kiosk, `SELECT count(*) FROM events WHERE kind = 'alert.staff.lockout'`) == 1
	})
	xdotool(t, display, "type", "--delay", "120", "12345678")
	xdotool(t, display, "key", "Return")
	log.next(t, `msg=screen.* name=pin`)
	screenshot(t, display, filepath.Join(out, "e2e-attack-2-pad-paused.png"))
	if n := count(t, kiosk, `SELECT count(*) FROM events WHERE kind = 'staff.login'`); n != 0 {
		t.Fatal("the right PIN signed in at the paused pad")
	}

	// The demo staff member's badge, held to the scanner, asks their PIN
	// and signs them in.
	badge, err := os.ReadFile(filepath.Join(data, "demo-staff-badge.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scans, "badge.png"), badge, 0o600); err != nil {
		t.Fatal(err)
	}
	log.next(t, `msg="staff badge scanned".* staff=demo`)
	time.Sleep(300 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-attack-3-badge-pin.png"))
	xdotool(t, display, "type", "--delay", "120", "12345678")
	xdotool(t, display, "key", "Return")
	log.next(t, `msg="staff logged in".* staff=demo`)
	time.Sleep(500 * time.Millisecond)
	screenshot(t, display, filepath.Join(out, "e2e-attack-4-staff-in.png"))
}

// forgeFromCard is what a copy of the card made possible before each rent
// had its own QR secret: for every rent in the copied database, a pickup
// QR whose MAC is under the token key derived from locker.key alone, in
// the old form (expiry and rent id) and in today's (issue time, expiry, a
// secret the forger has to invent, rent id).
func forgeFromCard(t *testing.T, card string, now time.Time) []string {
	t.Helper()
	secret, err := os.ReadFile(filepath.Join(card, "locker.key"))
	if err != nil {
		t.Fatal(err)
	}
	k := hmac.New(sha256.New, secret)
	k.Write([]byte("pudo token key v1"))
	key := k.Sum(nil)
	db := openStore(t, filepath.Join(card, "pudo.db"))
	rows, err := db.Query(`SELECT id FROM rents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		for _, version := range []int{1, 3} {
			var body []byte
			if version == 3 {
				body = binary.BigEndian.AppendUint32(body, uint32(now.Unix()))
			}
			body = binary.BigEndian.AppendUint32(body, uint32(now.Add(time.Hour).Unix()))
			if version == 3 {
				guess := make([]byte, 16)
				rand.Read(guess)
				body = append(body, guess...)
			}
			body = append(body, strconv.FormatInt(id, 10)...)
			m := hmac.New(sha256.New, key)
			m.Write([]byte("pudo-token-v" + strconv.Itoa(version) + "P"))
			m.Write(body)
			out = append(out, "PUDO"+strconv.Itoa(version)+"P:"+
				base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(append(body, m.Sum(nil)[:16]...)))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 6 {
		t.Fatalf("the copied database holds %d rents, want the 3 demo parcels at least", len(out)/2)
	}
	return out
}

func openStore(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// auditKinds are the audit log's events, one line each, for a failure's
// report.
func auditKinds(t *testing.T, path string) string {
	db := openStore(t, path+"?mode=ro")
	rows, err := db.Query(`SELECT seq, actor, kind, detail FROM events ORDER BY seq`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int64
		var actor, kind, detail string
		if err := rows.Scan(&id, &actor, &kind, &detail); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "%d %s %s %s\n", id, actor, kind, detail)
	}
	return b.String()
}
