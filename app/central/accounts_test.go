package central

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"pudo/app/central/pgtest"
	"pudo/app/central/store"
	"pudo/app/httpapi"
	"pudo/app/passhash"
)

// The account commands: an operator with a password from standard input
// or made and shown once, kept as an argon2id hash; a shop's key shown
// once and kept as its hash, refused once revoked; mistakes say what to
// fix and exit 2.
func TestAccountCommands(t *testing.T) {
	db := pgtest.Start(t).NewDB(t)
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, string, int) {
		var out, errw bytes.Buffer
		code := accounts(ctx, append(args, "--db", db), strings.NewReader(stdin), &out, &errw)
		return out.String(), errw.String(), code
	}
	if out, errw, code := run("correct horse battery\n", "operator", "add", "--name", "anna", "--role", "operator", "--password-stdin"); code != 0 {
		t.Fatalf("operator add: %d %s%s", code, out, errw)
	}
	out, _, code := run("", "operator", "add", "--name", "rob", "--role", "read")
	pw := regexp.MustCompile(`Password \(shown only now; central keeps a hash\): (\S+)`).FindStringSubmatch(out)
	if code != 0 || pw == nil || len(pw[1]) != 19 {
		t.Fatalf("operator add with a made password: %d %s", code, out)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"short\n", []string{"operator", "add", "--name", "eve", "--role", "read", "--password-stdin"}, 2, "at least 12"},
		{"", []string{"operator", "add", "--name", "eve", "--role", "boss"}, 2, "--role"},
		{"", []string{"operator", "add", "--name", "anna", "--role", "read"}, 1, "exists already"},
		{"", []string{"operator", "passwd", "--name", "nobody"}, 1, "no operator"},
		{"", []string{"shop", "key", "--shop", "nowhere", "--name", "k"}, 1, "no shop"},
		{"", []string{"shop", "key", "--shop", "x", "--name", "k", "--scopes", "all"}, 2, "not one of"},
		{"", []string{"operator", "frobnicate"}, 2, "unknown command"},
	} {
		if out, errw, code := run(c.stdin, c.args...); code != c.code || !strings.Contains(out+errw, c.says) {
			t.Errorf("%v: %d %s%s; want %d saying %q", c.args, code, out, errw, c.code, c.says)
		}
	}
	st, err := store.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	anna, _ := st.OperatorByName(ctx, "anna")
	rob, _ := st.OperatorByName(ctx, "rob")
	if !passhash.Match("correct horse battery", anna.PasswordHash) || !passhash.Match(pw[1], rob.PasswordHash) || strings.Contains(anna.PasswordHash, "horse") {
		t.Fatalf("kept hashes: %q %q", anna.PasswordHash, rob.PasswordHash)
	}
	if out, errw, code := run("", "shop", "add", "--name", "shopx"); code != 0 {
		t.Fatalf("shop add: %d %s%s", code, out, errw)
	}
	out, _, _ = run("", "shop", "key", "--shop", "shopx", "--name", "web", "--scopes", "read,bookings")
	key := regexp.MustCompile(`pudo_[a-z2-7]+`).FindString(out)
	k, err := st.LookupShopKey(ctx, httpapi.KeyDigest(key))
	if key == "" || err != nil || k.ShopName != "shopx" || strings.Join(k.Scopes, ",") != "read,bookings" {
		t.Fatalf("shop key: %s; looked up %+v %v", out, k, err)
	}
	if out, _, _ := run("", "shop", "list"); !strings.Contains(out, "shopx") || !strings.Contains(out, "web") || strings.Contains(out, key) {
		t.Fatalf("shop list: %s", out)
	}
	if _, _, code := run("", "shop", "revoke", "--shop", "shopx", "--name", "web"); code != 0 {
		t.Fatal("revoke failed")
	}
	if _, err := st.LookupShopKey(ctx, httpapi.KeyDigest(key)); err == nil {
		t.Fatal("a revoked key still works")
	}
	if out, _, _ := run("", "operator", "disable", "--name", "rob"); !strings.Contains(out, "disabled") {
		t.Fatalf("disable: %s", out)
	}
	if out, _, _ := run("", "operator", "list"); !strings.Contains(out, "rob   read") && !regexp.MustCompile(`rob\s+read\s+disabled`).MatchString(out) {
		t.Fatalf("operator list: %s", out)
	}
}
