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
# the end-to-end test, ImageMagick for screenshots.
APT_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth xdotool imagemagick

.PHONY: all deps build run test bench screenshots clean

all: build

deps:
	@command -v $(GO) >/dev/null || { echo "make: Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@$(GO) mod download

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# With a display the kiosk opens on it; without one it runs under Xvfb and
# keeps $(OUT)/screenshot.png up to date until you press Ctrl-C.
run: build
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then \
		./$(BIN) $(ARGS); \
	else \
		mkdir -p $(OUT); \
		echo "make: no display: running the kiosk under Xvfb; screenshot in $(OUT)/screenshot.png (Ctrl-C stops)"; \
		LANG=en_US.UTF-8 xvfb-run -a -s "-screen 0 1280x800x24" sh -c '\
			./$(BIN) $(ARGS) & pid=$$!; trap "kill $$pid 2>/dev/null" INT TERM EXIT; \
			while kill -0 $$pid 2>/dev/null; do sleep 3; import -window root $(OUT)/screenshot.png 2>/dev/null; done'; \
	fi

test: deps
	$(GO) vet ./...
	$(GO) test -race ./...

# Benchmarks print in benchstat's format; each sits beside its baseline.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt
	@$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.txt || echo "make: benchstat unavailable; raw figures in bench.txt"

clean:
	rm -rf $(BIN) $(OUT) bench.txt
