# Tagih build helper. The README shows two commands: `make run` and `make test`.
# Every target installs what it needs (idempotently) before using it.
#
# The front end is built without cargo-leptos (cargo + wasm-bindgen + wasm-opt + esbuild): a
# fresh machine is ready in ~3 minutes instead of ~25. `cargo leptos watch` still works for
# development if you install cargo-leptos 0.3.10 yourself (see README).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Build output may live outside the clone (CI caches it there); default ./target.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
SITE := $(TARGET_DIR)/site
PKG := $(SITE)/pkg
NODE_BIN := $(CURDIR)/end2end/node_modules/.bin
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)

# Compile-time name of the JS/wasm the server links (/pkg/tagih.js, /pkg/tagih.wasm).
# Exported for every cargo call so the builds share one cache.
export LEPTOS_OUTPUT_NAME := tagih
# The folder the release binary embeds its web assets from (server/src/assets.rs). At run time
# the binary serves its own copies; LEPTOS_SITE_ROOT would override them (development only).
export TAGIH_EMBED_SITE := $(SITE)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PATH := $(NODE_BIN):$(HOME)/.cargo/bin:$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test build site server setup setup-build setup-test lint deploy-check unit dist e2e bench bench-billing bench-engine bench-server dev clean-site

help:
	@echo "make run    build (release) and run Tagih on SQLite under ./data"
	@echo "make test   lint, unit/service/HTTP tests (SQLite; PostgreSQL when TAGIH_TEST_POSTGRES_URL is set) and end2end"

## ---- the two README commands -------------------------------------------------------------

run: build
	@mkdir -p data
	env -u LEPTOS_SITE_ROOT $(TARGET_DIR)/release/tagih serve

test: setup-test lint unit build dist e2e
	@echo "All tests passed."

## ---- setup (idempotent) -------------------------------------------------------------------

setup-build:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
		echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (must match Cargo.lock)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi
	@if [ ! -x $(NODE_BIN)/wasm-opt ] || [ ! -x $(NODE_BIN)/esbuild ] || [ ! -d end2end/node_modules/@playwright/test ] \
		|| [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then \
		cd end2end && npm ci --no-audit --no-fund; \
	fi

# The screenshot baselines (end2end/tests/visual.spec.ts-snapshots) were taken with these
# fonts; without them Chromium falls back to whatever the machine has.
E2E_FONTS := fonts-dejavu-core fonts-liberation

setup-test: setup-build
	@command -v chromium >/dev/null || { \
		echo "Installing Debian chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	@dpkg -s $(E2E_FONTS) >/dev/null 2>&1 || { \
		echo "Installing the fonts the screenshot baselines use"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(E2E_FONTS); }

## ---- build ----------------------------------------------------------------------------------

build: setup-build site server

# The browser bundle: wasm (size profile) -> wasm-bindgen -> wasm-opt -Oz -> minified JS, CSS,
# and pre-compressed copies the server hands out by Accept-Encoding.
site:
	cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
	@mkdir -p $(PKG)
	wasm-bindgen --target web --no-typescript --out-dir $(PKG) --out-name tagih \
		$(TARGET_DIR)/wasm32-unknown-unknown/wasm-release/frontend.wasm
	mv $(PKG)/tagih_bg.wasm $(PKG)/tagih.wasm
	wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
		$(PKG)/tagih.wasm -o $(PKG)/tagih.wasm
	esbuild $(PKG)/tagih.js --minify --allow-overwrite --outfile=$(PKG)/tagih.js --log-level=warning
	esbuild style/main.css --minify --log-level=warning --log-override:css-syntax-error=error --outfile=$(PKG)/tagih.css
	@if [ -d public ]; then cp -r public/. $(SITE)/; fi
	@cd $(PKG) && for f in tagih.wasm tagih.js tagih.css; do \
		gzip -9 -k -f $$f; \
		node -e 'const z=require("zlib"),fs=require("fs");const f=process.argv[1];fs.writeFileSync(f+".br",z.brotliCompressSync(fs.readFileSync(f),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}))' $$f; \
	done
	@echo "wasm: $$(stat -c %s $(PKG)/tagih.wasm) B raw, $$(stat -c %s $(PKG)/tagih.wasm.gz) B gzip, $$(stat -c %s $(PKG)/tagih.wasm.br) B brotli"

server:
	cargo build --release -p server --bins

## ---- tests ----------------------------------------------------------------------------------

lint: setup-build deploy-check
	@# An unbalanced brace silently swallows every rule after it: refuse CSS syntax errors.
	esbuild style/main.css --log-level=warning --log-override:css-syntax-error=error --outfile=/dev/null
	cargo fmt --all -- --check
	@# The layering: services (app/src/server) stand on the DTO floor, never on the server-function
	@# layer (app/src/api) that calls them.
	@if grep -rnE '(crate::api\b|\bapi::)' app/src/server; then \
		echo "app/src/server must not import from app/src/api (use app/src/dto)"; exit 1; fi
	@# The test support creates and drops databases: it must not be in the production binary.
	@if cargo tree -p server -e normal,build,features --prefix none | grep -q 'app feature "test-support"'; then \
		echo "the tagih binary's dependency tree enables app/test-support"; exit 1; fi
	cargo clippy -p app -p server -p migration --features app/ssr,server/bench --all-targets -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings
	@# The wasm must not contain server-only crates.
	@if cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none \
		| grep -E '^(sea-orm|sqlx|tokio|reqwest|axum|mio|argon2|governor) ' ; then \
		echo "server-only crates leaked into the wasm build"; exit 1; fi

unit:
	cargo test -p app -p server -p migration --features app/ssr,server/bench

# The release binary on its own (copied into an empty folder, no LEPTOS_SITE_ROOT) serves the
# app, the wasm (brotli when asked) and /healthz. Required here: the test fails rather than
# skips when the binary is missing.
dist:
	TAGIH_RELEASE_BIN=$(TARGET_DIR)/release/tagih cargo test -p server --features app/ssr --test prod -- dist::

# The deployment files: the compose file against the Compose specification's JSON schema
# (check-jsonschema from PyPI, in a venv under the target folder; it ships the schema, so no
# network is needed to check), and `docker compose config` / `systemd-analyze verify` where
# those exist. Images are not pulled or built here (see README, "Pasang di server").
PYTOOLS := $(TARGET_DIR)/pytools
CHECK_JSONSCHEMA_VERSION := 0.39.0
deploy-check:
	@if [ ! -x $(PYTOOLS)/bin/check-jsonschema ] \
		|| [ "$$($(PYTOOLS)/bin/check-jsonschema --version 2>/dev/null | grep -o '[0-9.]*$$')" != "$(CHECK_JSONSCHEMA_VERSION)" ]; then \
		python3 -m venv $(PYTOOLS) && $(PYTOOLS)/bin/pip install -q "check-jsonschema==$(CHECK_JSONSCHEMA_VERSION)"; \
	fi
	$(PYTOOLS)/bin/check-jsonschema --builtin-schema vendor.compose-spec deploy/docker-compose.yml
	@if docker compose version >/dev/null 2>&1; then \
		POSTGRES_PASSWORD=x WAHA_API_KEY=x WAHA_WEBHOOK_SECRET=x docker compose -f deploy/docker-compose.yml config -q; \
	else echo "(docker compose not installed: schema check only)"; fi
	@# The unit: no warnings from systemd-analyze, and its exposure score at most 2.0 ("OK").
	@if command -v systemd-analyze >/dev/null 2>&1; then \
		dir=$$(mktemp -d); unit=$$dir/tagih.service; \
		sed 's#/usr/local/bin/tagih#/bin/true#' deploy/tagih.service > $$unit; \
		out=$$(systemd-analyze verify --man=no $$unit 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; rm -rf $$dir; exit 1; fi; \
		systemd-analyze security --offline=yes --threshold=20 $$unit >/dev/null \
			|| { echo "deploy/tagih.service: exposure above 2.0"; rm -rf $$dir; exit 1; }; \
		echo "deploy/tagih.service: verified, exposure $$(systemd-analyze security --offline=yes $$unit | grep -o 'tagih.service: [0-9.]*' | cut -d' ' -f2)"; \
		rm -rf $$dir; \
	else echo "(systemd-analyze not installed: the unit was not checked)"; fi


e2e:
	cd end2end && TAGIH_BIN=$(TARGET_DIR)/release/tagih npx playwright test

## ---- benchmarks (measurements, not tests) ---------------------------------------------------

# Invoice run for 20k customers and the invoice table at ~92k invoices (filters + sort + page of
# 50 + counts), p50/p95, on a temporary SQLite file and, when TAGIH_TEST_POSTGRES_URL names a
# server, on a fresh PostgreSQL database there (dropped afterwards).
BENCH_ARGS ?= --customers 20000 --months 5 --iterations 200
bench-billing:
	cargo build --release -p server --bin tagih-bench --features bench
	$(TARGET_DIR)/release/tagih-bench billing $(BENCH_ARGS)
	@if [ -n "$${TAGIH_TEST_POSTGRES_URL:-}" ]; then \
		$(TARGET_DIR)/release/tagih-bench billing $(BENCH_ARGS) --postgres-admin-url "$$TAGIH_TEST_POSTGRES_URL"; \
	else echo "(PostgreSQL skipped: set TAGIH_TEST_POSTGRES_URL)"; fi

# The sending engine's overhead per message at delay 0 against a plain reqwest loop to waha-sim,
# and queueing 10,000 recipients (one transaction, and the whole "Kirim Semua" path).
ENGINE_BENCH_ARGS ?= --messages 1000 --recipients 10000
bench-engine:
	cargo build --release -p server --bin tagih-bench --features bench
	$(TARGET_DIR)/release/tagih-bench engine $(ENGINE_BENCH_ARGS)
	@if [ -n "$${TAGIH_TEST_POSTGRES_URL:-}" ]; then \
		$(TARGET_DIR)/release/tagih-bench engine $(ENGINE_BENCH_ARGS) --postgres-admin-url "$$TAGIH_TEST_POSTGRES_URL"; \
	else echo "(PostgreSQL skipped: set TAGIH_TEST_POSTGRES_URL)"; fi

# A real `tagih serve` measured from outside on temporary SQLite files: cold start, RSS (idle,
# under load, after), req/s and latency of /healthz and the server-rendered Tagihan and
# Dashboard pages, a login burst, graceful shutdown.
SERVER_BENCH_ARGS ?= --customers 2000 --months 3 --seconds 10 --connections 32
bench-server:
	cargo build --release -p server --bin tagih
	cargo build --release -p server --bin tagih-bench --features bench
	$(TARGET_DIR)/release/tagih-bench server $(SERVER_BENCH_ARGS)

## ---- development ----------------------------------------------------------------------------

dev:
	@command -v cargo-leptos >/dev/null || { echo "cargo install cargo-leptos --version 0.3.10 --locked"; exit 1; }
	cargo leptos watch

clean-site:
	rm -rf $(SITE)
