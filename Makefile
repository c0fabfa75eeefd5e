# Pudo: `make run` runs the kiosk (the demo locker when nothing is
# configured), `make test` runs the tests. Both install what a fresh Debian or
# Ubuntu machine lacks first.

GO      ?= go
BIN     := pudo
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
ARGS    ?=
OUT     ?= out
# Root installs directly; anyone else goes through sudo.
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Fyne's GL and X11 headers for cgo, Xvfb and xdotool for headless runs and
# the end-to-end test, ImageMagick for screenshots, xinit for the kiosk
# session's test, espeak-ng for spoken guidance (its tests render a phrase in
# every language), cpulimit to starve the kiosk in the end-to-end typing
# test (ui/e2e/load_test.go), mosquitto (the MQTT 5 broker) for the fleet link's tests
# and benchmarks, postgresql (central's database; its tests run initdb and
# postgres from /usr/lib/postgresql/15/bin in a temp dir), chromium (central's
# dashboard is tested in it, headless); systemd, udev, shellcheck and desktop-file-utils check the
# package's unit, rules, scripts and desktop file.
APT_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth xdotool imagemagick xinit espeak-ng cpulimit \
	mosquitto mosquitto-clients postgresql chromium systemd udev shellcheck desktop-file-utils

.PHONY: all deps build binary run test soak bench screenshots clean \
	package package-amd64 package-arm64 package-deb deps-arm64 bundle

all: build

deps:
	@command -v $(GO) >/dev/null || { echo "make: Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@$(GO) mod download

# no_emoji leaves Fyne's 4 MB colour emoji font out: no text of the kiosk
# needs it (ui's TestTextsNeedNoEmoji), and Fyne parsed it for every font
# style it drew, some 10 MB of the idle kiosk's heap.
GOTAGS  := no_emoji

build: deps binary

# binary is build without installing anything: the tests and benchmarks
# that run the kiosk build it this way, as it ships (PKG: another main
# package, such as the idle benchmark's empty window).
PKG ?= .
binary:
	$(GO) build -tags $(GOTAGS) -ldflags "$(LDFLAGS)" -o $(BIN) $(PKG)

# With a display the kiosk opens on it; without one it runs under Xvfb and
# keeps $(OUT)/screenshot.png up to date until you press Ctrl-C. Ctrl-C
# reaches every process in the terminal's group: Xvfb runs in a session of
# its own (setsid), so it outlives the kiosk's clean stop instead of dying
# under it, and Ctrl-C goes to the kiosk alone.
run: build
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then \
		trap : INT; ./$(BIN) $(ARGS); \
	else \
		mkdir -p $(OUT); rm -f $(OUT)/.kiosk.pid; \
		echo "make: no display: running the kiosk under Xvfb; screenshot in $(OUT)/screenshot.png (Ctrl-C stops)"; \
		trap '[ -s $(OUT)/.kiosk.pid ] && kill -INT $$(cat $(OUT)/.kiosk.pid)' INT TERM; \
		LANG=en_US.UTF-8 setsid -w xvfb-run -a -s "-screen 0 1280x800x24" sh -c '\
			./$(BIN) $(ARGS) & pid=$$!; echo $$pid > $(OUT)/.kiosk.pid; \
			while kill -0 $$pid 2>/dev/null; do sleep 1; import -window root $(OUT)/screenshot.png 2>/dev/null; done; \
			wait $$pid' & runner=$$!; \
		status=0; while kill -0 $$runner 2>/dev/null; do wait $$runner; status=$$?; done; \
		rm -f $(OUT)/.kiosk.pid; exit $$status; \
	fi

# go test's own timeout (10 minutes a package) is a ceiling for a hang, not
# a budget: on a loaded 2-core machine the ui package's -race run alone
# takes minutes, so the ceiling is set here, well above it.
TEST_TIMEOUT ?= 30m

test: deps
	$(GO) vet ./...
	$(GO) test -race -timeout $(TEST_TIMEOUT) ./...
	# The scanner's read-rate tests decode hundreds of images: they skip
	# under -race (ten times slower, nothing concurrent) and run here.
	$(GO) test -timeout $(TEST_TIMEOUT) -run 'Rate|SlowMachine' ./scanner
	# The same for the screens' fit and golden tests: hundreds of layouts,
	# their markup and a few captures, single-threaded; and the redraws'
	# heap, which the race detector's bookkeeping would blur.
	$(GO) test -timeout $(TEST_TIMEOUT) -run 'TestScreensFit|TestGolden|TestRedrawsKeepNoMemory' ./ui
	# Central's fault run: a hundred instance kills without -race (the race
	# run above does a fifth of them).
	$(GO) test -timeout $(TEST_TIMEOUT) -run 'TestFaultsLoseNothing' ./app/central

# The simulation of locker life, long: 10,000 parcels through four lockers
# side by side, every fault the emulator knows and kiosk kills among them
# (app/core/life_test.go). PUDO_LIFE_SEED=N replays a run.
SOAK_PARCELS ?= 10000
soak:
	PUDO_LIFE_PARCELS=$(SOAK_PARCELS) PUDO_LIFE_LOCKERS=4 $(GO) test -count=1 -timeout 0 -parallel 4 -run '^TestLife$$' -v ./app/core

# Benchmarks print in benchstat's format; each sits beside its baseline.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt
	@$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.txt || echo "make: benchstat unavailable; raw figures in bench.txt"

# Packaging. `make package` builds out/pudo_<version>_{amd64,arm64}.deb with
# nfpm: the binary, /etc/pudo/pudo.toml, the kiosk unit, udev rules, the
# desktop file. arm64 is cross-compiled (cgo with aarch64-linux-gnu-gcc and
# the :arm64 X11/GL headers, installed by deps-arm64). `make bundle` makes
# Fyne's own Linux bundle (tar.xz) of the amd64 binary with fyne.io/tools.
NFPM        := $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
FYNE        := $(GO) run fyne.io/tools/cmd/fyne@v1.7.4
APP_VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
PKG_VERSION ?= $(APP_VERSION)$(shell git rev-parse --short HEAD 2>/dev/null | sed 's/^/+git/')
# What `fyne package --release` passes to go build.
RELEASE     := -trimpath -tags release,migrated_fynedo,$(GOTAGS) -ldflags "-s -w $(LDFLAGS)"
ARM64_PKGS  := gcc-aarch64-linux-gnu libc6-dev-arm64-cross libgl1-mesa-dev:arm64 libx11-dev:arm64 \
	libxcursor-dev:arm64 libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64

package: package-amd64 package-arm64
	@ls -l $(OUT)/*.deb

package-amd64: deps
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 $(GO) build $(RELEASE) -o $(OUT)/linux-amd64/pudo .
	$(MAKE) --no-print-directory package-deb ARCH=amd64 BIN=$(OUT)/linux-amd64/pudo

package-arm64: deps deps-arm64
	CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc \
		PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
		$(GO) build $(RELEASE) -o $(OUT)/linux-arm64/pudo .
	$(MAKE) --no-print-directory package-deb ARCH=arm64 BIN=$(OUT)/linux-arm64/pudo

# package-deb wraps an already built binary: make package-deb ARCH=amd64 BIN=path.
# The packaged config is the documented example with the installed paths.
package-deb:
	@[ -n "$(ARCH)" ] && [ -x "$(BIN)" ] || { echo "make: package-deb needs ARCH=amd64|arm64 and an executable BIN="; exit 1; }
	@mkdir -p $(OUT)/linux-$(ARCH)
	sed -e 's|^data_dir = ""|data_dir = "/var/lib/pudo"|' \
		-e 's|^port = "/dev/ttyACM0"|port = "/dev/pudo-scanner"|' \
		app/config/pudo.example.toml > $(OUT)/linux-$(ARCH)/pudo.toml
	PUDO_ARCH=$(ARCH) PUDO_VERSION=$(PKG_VERSION) PUDO_BIN=$(BIN) PUDO_CONFIG=$(OUT)/linux-$(ARCH)/pudo.toml \
		$(NFPM) package --config assets/linux/nfpm.yaml --packager deb --target $(OUT)/

deps-arm64:
	@dpkg --print-foreign-architectures | grep -qx arm64 || { \
		echo "make: adding arm64 to dpkg's architectures"; \
		$(SUDO) dpkg --add-architecture arm64 && $(SUDO) apt-get update -qq; }
	@missing=$$(for p in $(ARM64_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# fyne package bumps Build in FyneApp.toml (and reformats it) each time:
# put the committed file back.
bundle: deps
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 $(GO) build $(RELEASE) -o $(OUT)/linux-amd64/pudo .
	cp FyneApp.toml $(OUT)/FyneApp.toml.keep
	$(FYNE) package -os linux --release --exe $(OUT)/linux-amd64/pudo; s=$$?; \
		mv $(OUT)/FyneApp.toml.keep FyneApp.toml; exit $$s
	mv Pudo.tar.xz $(OUT)/pudo_$(PKG_VERSION)_linux_amd64.tar.xz
	@ls -l $(OUT)/*.tar.xz

# A PNG of every screen in every language, with big text and at night, drawn
# by Fyne's test driver (no display needed), into $(OUT)/screenshots; the
# README's picture of home is copied from there to assets/screenshots (one
# only: the repository keeps its pictures few and small).
screenshots:
	rm -rf $(OUT)/screenshots
	PUDO_SCREENSHOTS=$(CURDIR)/$(OUT)/screenshots $(GO) test -count=1 -run '^TestScreenshots$$' ./ui
	cp $(OUT)/screenshots/en/home.png assets/screenshots/home.png
	@echo "make: $$(find $(OUT)/screenshots -name '*.png' | wc -l) screenshots in $(OUT)/screenshots"

clean:
	rm -rf $(BIN) $(OUT) bench.txt
