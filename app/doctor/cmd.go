package doctor

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"pudo/app/config"
	"pudo/app/core"
	"pudo/storage"
)

// DefaultConfig is where the package installs the kiosk's configuration;
// doctor and backup read it when no --config is given and it exists.
const DefaultConfig = "/etc/pudo/pudo.toml"

// KioskUser is the unprivileged user the packaged kiosk runs as.
const KioskUser = "pudo"

// Main is `pudo doctor`: it runs every check, prints the report and exits
// 1 when a check failed, 2 on bad usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, version string) int {
	fs := flag.NewFlagSet("pudo doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config `file` (default "+DefaultConfig+" if it exists, else the built-in demo locker)")
	dataDir := fs.String("data-dir", "", "`dir` of the database (overrides kiosk.data_dir)")
	display := fs.String("display", "", "X `display` the kiosk draws on (default $DISPLAY, else :0)")
	skip := fs.String("skip", "", "comma-separated `checks` not to run: "+strings.Join(checkNames, ","))
	asJSON := fs.Bool("json", false, "print the report as JSON")
	asRoot := fs.Bool("as-root", false, "when run as root, stay root instead of checking as the kiosk user "+KioskUser)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pudo doctor [flags]\n\nChecks this locker and prints one line per check; exit status 1 when a shopper would notice a failure.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pudo doctor: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	opts := Options{ConfigPath: defaultConfig(*cfgPath), DataDir: *dataDir, Display: *display, Skip: map[string]bool{}}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !knownCheck(s) {
			fmt.Fprintf(stderr, "pudo doctor: --skip: no check %q (checks: %s)\n", s, strings.Join(checkNames, ", "))
			return 2
		}
		opts.Skip[s] = true
	}
	// Check with the kiosk's own rights: its groups decide whether it may
	// open the serial ports, and files it later opens must not be root's.
	if os.Geteuid() == 0 && !*asRoot {
		if err := becomeUser(KioskUser); err != nil && !errors.Is(err, errNoUser) {
			fmt.Fprintln(stderr, "pudo doctor:", err)
			return 1
		}
	}
	r := Run(ctx, opts)
	r.Version = version
	r.User = currentUser()
	var err error
	if *asJSON {
		err = r.WriteJSON(stdout)
	} else {
		err = r.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pudo doctor:", err)
		return 1
	}
	if r.Failed() {
		return 1
	}
	return 0
}

func knownCheck(name string) bool {
	for _, n := range checkNames {
		if n == name {
			return true
		}
	}
	return false
}

func defaultConfig(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if _, err := os.Stat(DefaultConfig); err == nil {
		return DefaultConfig
	}
	return ""
}

// currentUser names the effective user. Not user.Current: it caches the
// user from before becomeUser.
func currentUser() string {
	id := strconv.Itoa(os.Geteuid())
	if u, err := user.LookupId(id); err == nil {
		return u.Username
	}
	return id
}

// BackupMain is `pudo backup FILE`: a consistent copy of the kiosk's
// database, taken while the kiosk runs.
func BackupMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pudo backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config `file` (default "+DefaultConfig+" if it exists)")
	dataDir := fs.String("data-dir", "", "`dir` of the database (overrides kiosk.data_dir)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pudo backup [flags] FILE\n\nWrites a consistent copy of the kiosk's database to FILE (which must not exist), while the kiosk runs.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	cfg, err := config.Load(defaultConfig(*cfgPath))
	if err != nil {
		fmt.Fprintln(stderr, "pudo backup:", err)
		return 2
	}
	if *dataDir != "" {
		cfg.Kiosk.DataDir = *dataDir
	}
	dir, err := cfg.DataDir()
	if err != nil {
		fmt.Fprintln(stderr, "pudo backup:", err)
		return 1
	}
	dst, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "pudo backup:", err)
		return 2
	}
	src := filepath.Join(dir, "pudo.db")
	if err := storage.BackupFile(ctx, src, dst); err != nil {
		fmt.Fprintln(stderr, "pudo backup:", err)
		return 1
	}
	size := int64(0)
	if fi, err := os.Stat(dst); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "pudo backup: %s -> %s (%d bytes, checked)\n", src, dst, size)
	key := filepath.Join(dir, core.KeyFile)
	fp := "unreadable here"
	if b, err := os.ReadFile(key); err == nil {
		fp = "fingerprint " + hex.EncodeToString(core.KeyFingerprint(b))[:8] + "…, as `pudo doctor` shows it"
	}
	fmt.Fprintf(stdout, "pudo backup: keep a copy of %s (%s) with it: stored pickup codes need that secret, and the kiosk starts only with the key its database was made with\n", key, fp)
	return 0
}
