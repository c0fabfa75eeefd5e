package main

import (
	"log/slog"
	"maps"
	"path/filepath"
	"time"

	"pudo/app/carrier"
	"pudo/app/core"
	"pudo/app/cred"
)

// demoKeyFile is the demo locker's own operator key, in its data dir. A
// real locker holds no operator key: it trusts the public keys in
// [operator] public_keys.
const demoKeyFile = "demo-operator.key"

// demoOperator makes (once) the demo locker's operator key and trusts it,
// so the demo has working courier and staff QR codes with no set-up.
func demoOperator(dir string, opts *core.Options, log *slog.Logger) (cred.PrivateKey, error) {
	path := filepath.Join(dir, demoKeyFile)
	k, created, err := cred.LoadOrCreateKey(path)
	if err != nil {
		return k, err
	}
	if created {
		log.Info("demo operator key made", "path", path, "public_key", k.Public().String())
	}
	opts.OperatorKeys = append(opts.OperatorKeys, k.Public())
	return k, nil
}

// demoBadges writes a demo courier QR and the demo staff badge (valid a
// day, made afresh at every start) into the data dir and logs where they
// are and how to make more: a newcomer needs them to try the courier and
// staff screens.
func demoBadges(k cred.PrivateKey, dir, kioskID string, log *slog.Logger) {
	now := time.Now()
	for _, b := range []struct {
		file string
		c    cred.Claims
	}{
		{"demo-courier.png", cred.Claims{Kind: cred.Courier, Subject: "demo-courier", Carrier: "DEMO"}},
		{"demo-staff-badge.png", cred.Claims{Kind: cred.Staff, Subject: "demo"}},
	} {
		b.c.Lockers, b.c.IssuedAt, b.c.Expires = []string{kioskID}, now, now.Add(24*time.Hour)
		text, err := cred.Sign(k, b.c)
		if err == nil {
			err = cred.WriteQRFile(filepath.Join(dir, b.file), text)
		}
		if err != nil {
			log.Warn("demo QR not written", "file", b.file, "err", err)
			continue
		}
		log.Info("demo "+b.c.Kind.String()+" QR", "png", filepath.Join(dir, b.file), "token", text, "valid_until", b.c.Expires.Format(time.RFC3339))
	}
	log.Info("more demo QR codes", "cmd", "pudo token new --key "+filepath.Join(dir, demoKeyFile)+
		" --courier ID --carrier C --lockers "+kioskID+" --valid 12h   (or --staff demo; PIN "+core.DemoStaffPIN+")")
}

// demoCarrierFile is the demo carrier's seal key, in the demo locker's data
// dir: the walk-in codes of the demo courier (carrier DEMO) are sealed for
// it, so the whole way of a walk-in's code can be tried with no set-up. A
// carrier's real key lives in its back office, never on a locker.
const demoCarrierFile = "demo-carrier.key"

// demoCarrier makes (once) the demo carrier's key and seals DEMO's walk-in
// codes with it, unless [carriers] names DEMO already.
func demoCarrier(dir string, opts *core.Options, log *slog.Logger) {
	if _, ok := opts.CarrierKeys["DEMO"]; ok {
		return
	}
	path := filepath.Join(dir, demoCarrierFile)
	k, created, err := carrier.LoadOrCreateKey(path)
	if err != nil {
		log.Warn("demo carrier key not made: walk-in codes of DEMO are not sealed", "path", path, "err", err)
		return
	}
	if created {
		log.Info("demo carrier key made", "path", path, "public_key", k.Public().String())
	}
	opts.CarrierKeys = maps.Clone(opts.CarrierKeys)
	if opts.CarrierKeys == nil {
		opts.CarrierKeys = map[string]carrier.PublicKey{}
	}
	opts.CarrierKeys["DEMO"] = k.Public()
	log.Info("walk-in codes of carrier DEMO are sealed for the demo carrier key",
		"open", "pudo carrier open --key "+path+" EVENT.json   (a rent.stored event from GET /v1/events or pudo fleet watch --json)")
}
