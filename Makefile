# Keyport: `make run` sets up what is missing and starts the desktop app; `make test` sets up
# what is missing and runs every test. Both are idempotent: installed pieces are skipped.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What Tauri 2 needs on Debian 12, plus the headless tooling the tests use and the database
# servers they start as throwaway instances on 127.0.0.1 (TOOLCHAIN.md).
APT_PACKAGES := build-essential pkg-config curl file libwebkit2gtk-4.1-dev libgtk-3-dev \
	libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libssl-dev xvfb webkit2gtk-driver \
	xdotool xdg-utils desktop-file-utils dbus dbus-x11 gnome-keyring libsecret-1-dev libsecret-tools imagemagick \
	hyperfine python3 python3-venv postgresql mariadb-server redis-server
TAURI_DRIVER_VERSION := 2.1.0
# binaryen's wasm-opt for the UI's wasm, from npm: Debian's binaryen is too old to read what Rust
# emits, and binaryen's own releases come from a host the machines cannot reach.
# scripts/build-page.sh takes it from PATH (`make ui`).
BINARYEN_VERSION := 132
BINARYEN_PREFIX := $(HOME)/.cache/keyport/binaryen-$(BINARYEN_VERSION)
BINARYEN := $(BINARYEN_PREFIX)/node_modules/binaryen/bin
FLOOR := benches/floor/target/release/keyport-floor
# wasm-bindgen-cli must equal the wasm-bindgen library version the lock file pins.
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

DESKTOP := target/debug/keyport-desktop
E2E_VENV := target/e2e-venv

.PHONY: help setup deps-apt deps-rust deps-e2e deps-wasm-opt floor ui desktop run test lint unit e2e bench

help:
	@echo "make run    set up what is missing, build, and start the Keyport desktop app"
	@echo "make test   set up what is missing and run every test (fmt, clippy, unit, integration, E2E)"
	@echo "make bench  time the CLI, the vault, and the app's start-up against a bare floor app"

setup: deps-apt deps-rust

deps-apt:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "==> apt-get install$$missing"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@# No --locked: its lock file pins a webpki-roots the registry does not serve (TOOLCHAIN.md).
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" || \
		{ echo "==> cargo install wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; $(CARGO) install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); }
	@# tauri-driver has no --version: ask cargo what it installed.
	@$(CARGO) install --list | grep -qF "tauri-driver v$(TAURI_DRIVER_VERSION):" || \
		{ echo "==> cargo install tauri-driver $(TAURI_DRIVER_VERSION)"; $(CARGO) install --locked tauri-driver --version $(TAURI_DRIVER_VERSION); }

# npm by itself, not in APT_PACKAGES: a machine whose Node.js comes from elsewhere (NodeSource's
# nodejs bundles npm) must not be handed Debian's npm package, which conflicts with it.
deps-wasm-opt:
	@command -v npm >/dev/null || \
		{ echo "==> apt-get install nodejs npm"; $(SUDO) apt-get update -qq; \
		  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; }
	@$(BINARYEN)/wasm-opt --version 2>/dev/null | grep -qF "version_$(BINARYEN_VERSION)" || \
		{ echo "==> npm install binaryen@$(BINARYEN_VERSION)"; npm install --no-audit --no-fund --prefix "$(BINARYEN_PREFIX)" binaryen@$(BINARYEN_VERSION); }

# The page the desktop embeds (ui/dist): scripts/build-page.sh does what trunk did, without
# installing trunk.
ui: deps-rust deps-wasm-opt
	PATH="$(BINARYEN):$$PATH" scripts/build-page.sh ui keyport-ui

# The floor app scripts/bench.sh compares the desktop's start-up with, built as the desktop is.
floor: deps-rust deps-wasm-opt
	PATH="$(BINARYEN):$$PATH" scripts/build-page.sh benches/floor/ui keyport-floor-ui
	$(CARGO) build --release --manifest-path benches/floor/Cargo.toml -p keyport-floor

desktop: ui
	$(CARGO) build -p keyport-desktop -p keyport

run: setup desktop
	scripts/run-desktop.sh $(DESKTOP)

lint: setup ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p keyport-ui --target wasm32-unknown-unknown -- -D warnings

unit: setup ui deps-e2e
	scripts/secret-service.sh $(CARGO) test --workspace

# The E2E's Python packages (Selenium, pytest), pinned in tests/e2e/requirements.txt, go into a
# venv: Debian's Python is externally managed (PEP 668). Installed again only when the pins change.
deps-e2e: deps-apt
	@[ -x $(E2E_VENV)/bin/python ] || { echo "==> python3 -m venv $(E2E_VENV)"; python3 -m venv $(E2E_VENV); }
	@cmp -s tests/e2e/requirements.txt $(E2E_VENV)/requirements.txt || \
		{ echo "==> pip install -r tests/e2e/requirements.txt"; \
		$(E2E_VENV)/bin/pip install -q --disable-pip-version-check -r tests/e2e/requirements.txt; \
		cp tests/e2e/requirements.txt $(E2E_VENV)/requirements.txt; }

e2e: setup desktop deps-e2e
	PYTHONPYCACHEPREFIX=$(CURDIR)/target/e2e-pycache \
		scripts/headless.sh $(E2E_VENV)/bin/python -m pytest tests/e2e -v --app $(DESKTOP)

test: lint unit e2e

bench: setup ui floor deps-e2e
	$(CARGO) build --release -p keyport -p keyport-desktop
	scripts/headless.sh scripts/bench.sh target/release $(FLOOR)
	scripts/bench-agent.sh target/release
	@echo "keyport exec --mcp switch-over (issue 14):"
	PYTHONPYCACHEPREFIX=$(CURDIR)/target/e2e-pycache $(E2E_VENV)/bin/python scripts/bench-switchover.py target/release/keyport
