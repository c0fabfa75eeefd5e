package central

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"pudo/app/central/store"
	"pudo/app/httpapi"
	"pudo/app/passhash"
)

const accountsUsage = `usage:
  pudo central operator add --name NAME --role read|operator|admin [--password-stdin]
  pudo central operator passwd --name NAME [--password-stdin]
  pudo central operator disable|enable --name NAME
  pudo central operator list
  pudo central shop add --name SHOP
  pudo central shop key --shop SHOP --name KEY [--scopes bookings,read,webhooks]
  pudo central shop revoke --shop SHOP --name KEY
  pudo central shop list

The dashboard's accounts (read sees everything and changes nothing;
operator and admin acknowledge alerts) and the shop API's shops and keys.
A password is made and shown once unless --password-stdin gives one (at
least 12 characters); central keeps an argon2id hash. A key is shown once;
central keeps its SHA-256. --db (PUDO_CENTRAL_DB) is the database.`

// minPassword is the shortest password an operator may choose.
const minPassword = 12

// accounts is `pudo central operator ...` and `pudo central shop ...`.
func accounts(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help" {
		fmt.Fprintln(stderr, accountsUsage)
		return 2
	}
	cmd := args[0] + " " + args[1]
	fs := flag.NewFlagSet("pudo central "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("PUDO_CENTRAL_DB"), "PostgreSQL URL")
	name := fs.String("name", "", "the account's, shop's or key's name")
	role := fs.String("role", "", "read, operator or admin")
	shop := fs.String("shop", "", "the shop")
	scopes := fs.String("scopes", strings.Join(store.ShopScopes, ","), "what the key may do: bookings, read, webhooks")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[2:]); err != nil {
		return 2
	}
	a := &acct{stdin: stdin, out: stdout, name: strings.TrimSpace(*name), role: *role, shop: strings.TrimSpace(*shop), scopes: *scopes, fromStdin: *fromStdin}
	run, ok := map[string]func(context.Context) error{
		"operator add": a.addOperator, "operator passwd": a.passwd, "operator disable": a.disable(true), "operator enable": a.disable(false),
		"operator list": a.listOperators, "shop add": a.addShop, "shop key": a.addKey, "shop revoke": a.revokeKey, "shop list": a.listShops,
	}[cmd]
	if !ok {
		fmt.Fprintf(stderr, "pudo central: unknown command %q\n\n%s\n", cmd, accountsUsage)
		return 2
	}
	err := func() error {
		if *db == "" {
			return usageError("--db is required (or PUDO_CENTRAL_DB), e.g. postgres://pudo@localhost/pudo")
		}
		st, err := store.Open(ctx, *db, 2)
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
		a.st = st
		return run(ctx)
	}()
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "pudo central "+cmd+":", err)
		return 2
	}
	fmt.Fprintln(stderr, "pudo central "+cmd+":", err)
	return 1
}

type acct struct {
	st                       *store.Store
	stdin                    io.Reader
	out                      io.Writer
	name, role, shop, scopes string
	fromStdin                bool
}

func (a *acct) needName(what string) error {
	if a.name == "" || len(a.name) > 64 || strings.ContainsFunc(a.name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return usageError(what + " needs --name: 1..64 characters, no spaces")
	}
	return nil
}

// password is the one from standard input, or a new one shown once.
func (a *acct) password() (pw string, made bool, err error) {
	if !a.fromStdin {
		var b [10]byte
		rand.Read(b[:])
		s := strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
		return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], true, nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	pw = strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < minPassword {
		return "", false, usageError(fmt.Sprintf("the password must be at least %d characters", minPassword))
	}
	return pw, false, nil
}

func (a *acct) addOperator(ctx context.Context) error {
	if err := a.needName("operator add"); err != nil {
		return err
	}
	if !slices.Contains(store.Roles, a.role) {
		return usageError("operator add needs --role read, operator or admin")
	}
	pw, made, err := a.password()
	if err != nil {
		return err
	}
	if _, err := a.st.AddOperator(ctx, a.name, a.role, passhash.Hash(pw, passhash.DefaultCost)); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("an operator %q exists already (pudo central operator passwd sets a new password)", a.name)
		}
		return err
	}
	fmt.Fprintf(a.out, "Operator %s (%s) added.\n", a.name, a.role)
	if made {
		fmt.Fprintf(a.out, "Password (shown only now; central keeps a hash): %s\n", pw)
	}
	return nil
}

func (a *acct) passwd(ctx context.Context) error {
	if err := a.needName("operator passwd"); err != nil {
		return err
	}
	pw, made, err := a.password()
	if err != nil {
		return err
	}
	if err := a.st.SetOperatorPassword(ctx, a.name, passhash.Hash(pw, passhash.DefaultCost)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no operator %q (pudo central operator list)", a.name)
		}
		return err
	}
	fmt.Fprintf(a.out, "New password for %s; its sessions are ended.\n", a.name)
	if made {
		fmt.Fprintf(a.out, "Password (shown only now): %s\n", pw)
	}
	return nil
}

func (a *acct) disable(off bool) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := a.needName("operator disable"); err != nil {
			return err
		}
		if err := a.st.SetOperatorDisabled(ctx, a.name, off); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no operator %q (pudo central operator list)", a.name)
			}
			return err
		}
		fmt.Fprintf(a.out, "Operator %s %s.\n", a.name, map[bool]string{true: "disabled; its sessions are ended", false: "enabled"}[off])
		return nil
	}
}

func (a *acct) listOperators(ctx context.Context) error {
	ops, err := a.st.Operators(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tSINCE")
	for _, o := range ops {
		state := "active"
		switch {
		case o.Disabled:
			state = "disabled"
		case o.PasswordHash == "":
			state = "no password"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Name, o.Role, state, o.CreatedAt.Local().Format(time.DateOnly))
	}
	return tw.Flush()
}

func (a *acct) addShop(ctx context.Context) error {
	if err := a.needName("shop add"); err != nil {
		return err
	}
	if _, err := a.st.AddShop(ctx, a.name); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("a shop %q exists already", a.name)
		}
		return err
	}
	fmt.Fprintf(a.out, "Shop %s added; give it a key: pudo central shop key --shop %s --name KEY\n", a.name, a.name)
	return nil
}

func (a *acct) shopOf(ctx context.Context) (store.Shop, error) {
	if a.shop == "" {
		return store.Shop{}, usageError("needs --shop")
	}
	sh, err := a.st.ShopByName(ctx, a.shop)
	if errors.Is(err, store.ErrNotFound) {
		return sh, fmt.Errorf("no shop %q (pudo central shop list)", a.shop)
	}
	return sh, err
}

func (a *acct) addKey(ctx context.Context) error {
	if err := a.needName("shop key"); err != nil {
		return err
	}
	var scopes []string
	for _, s := range strings.Split(a.scopes, ",") {
		if s = strings.TrimSpace(s); !slices.Contains(store.ShopScopes, s) {
			return usageError(fmt.Sprintf("scope %q is not one of %s", s, strings.Join(store.ShopScopes, ", ")))
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	sh, err := a.shopOf(ctx)
	if err != nil {
		return err
	}
	key, _ := httpapi.NewKey()
	if err := a.st.AddShopKey(ctx, sh.ID, a.name, httpapi.KeyDigest(key), scopes); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("shop %s has a live key %q already (pudo central shop revoke, or another name)", sh.Name, a.name)
		}
		return err
	}
	fmt.Fprintf(a.out, "API key %s of shop %s (%s). It is shown only now; give it to the shop's integration:\n\n    %s\n",
		a.name, sh.Name, strings.Join(scopes, ", "), key)
	return nil
}

func (a *acct) revokeKey(ctx context.Context) error {
	if err := a.needName("shop revoke"); err != nil {
		return err
	}
	sh, err := a.shopOf(ctx)
	if err != nil {
		return err
	}
	ok, err := a.st.RevokeShopKey(ctx, sh.ID, a.name)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("shop %s has no live key %q", sh.Name, a.name)
	}
	fmt.Fprintf(a.out, "Key %s of shop %s revoked: it is refused from now on.\n", a.name, sh.Name)
	return nil
}

func (a *acct) listShops(ctx context.Context) error {
	shops, err := a.st.ShopList(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SHOP\tKEYS\tSCOPES\tBOOKINGS")
	for _, s := range shops {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", s.Name, strings.Join(s.Keys, ", "), strings.Join(s.Scopes, " | "), s.Bookings)
	}
	return tw.Flush()
}
