# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST := 127.0.0.1
PORT := 8501

.PHONY: run run-team test install install-test chromium postgis haproxy oidc-provider lint bench \
	basemap clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes; the map's npm plugins (pinned, checksummed)
# are fetched here, at install time, never by the app.
$(VENV)/.installed: pyproject.toml scripts/fetch_vendor.py | $(PY)
	$(PIP) install --quiet -e .
	$(PY) scripts/fetch_vendor.py
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's chromium when root and missing; otherwise an existing Chromium.
chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	    || command -v google-chrome >/dev/null || [ -n "$${CHROMIUM_PATH:-}" ]; then \
	  echo "chromium: $$(command -v chromium || command -v chromium-browser || command -v google-chrome || echo $$CHROMIUM_PATH)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "No Chromium found and not root: install Debian's chromium or set CHROMIUM_PATH." >&2; exit 1; \
	fi

# Debian's PostgreSQL 15 with PostGIS, for the store's tests on the team backend. The
# tests start a throwaway cluster themselves (tests/postgis_cluster.py) and remove it.
PG_INITDB := /usr/lib/postgresql/15/bin/initdb
POSTGIS_CONTROL := /usr/share/postgresql/15/extension/postgis.control
postgis:
	@if [ -x $(PG_INITDB) ] && [ -f $(POSTGIS_CONTROL) ]; then \
	  echo "postgis: $(POSTGIS_CONTROL)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15-postgis-3; \
	else \
	  echo "PostgreSQL 15 with PostGIS missing and not root: install postgresql-15-postgis-3." >&2; exit 1; \
	fi

# Debian's HAProxy, the sticky proxy in front of several app processes (make run-team).
haproxy:
	@if command -v haproxy >/dev/null; then \
	  echo "haproxy: $$(command -v haproxy)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy; \
	else \
	  echo "HAProxy missing and not root: install Debian's haproxy." >&2; exit 1; \
	fi

# Node.js (Debian's nodejs and npm, when root and missing) and a real OpenID Connect
# provider for the sign-in test: tests/oidc_provider/, installed with `npm ci` from its
# lockfile (every package pinned with its SHA-512). The tests start it on loopback.
OIDC_DIR := tests/oidc_provider
$(OIDC_DIR)/node_modules/.package-lock.json: $(OIDC_DIR)/package-lock.json
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; \
	  else \
	    echo "Node.js missing and not root: install Debian's nodejs and npm." >&2; exit 1; \
	  fi; \
	fi
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

oidc-provider: $(OIDC_DIR)/node_modules/.package-lock.json

REPLICAS ?= 2
# REPLICAS app processes behind HAProxy (sticky sessions) on one PostGIS: DATABASE_URL, or a
# cluster of this machine kept in var/team/pg. Ctrl-C stops them all.
run-team: install postgis haproxy
	$(PY) scripts/run_team.py --replicas $(REPLICAS) --port $(PORT)

run: install
	@$(PY) scripts/editors_hint.py
	@echo "Starting the dashboard at http://$(HOST):$(PORT)"
	$(PY) scripts/serve.py app.py --server.address $(HOST) --server.port $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .

test: install-test chromium postgis haproxy oidc-provider lint
	$(VENV)/bin/pytest

bench: install-test chromium postgis haproxy
	$(PY) bench/bench_dashboard.py
	$(PY) bench/bench_regression.py
	$(PY) bench/bench_import.py --postgis
	$(PY) bench/bench_team.py
	$(PY) bench/bench_team_ws.py
	$(PY) bench/bench_events.py
	$(PY) bench/bench_changes.py
	$(PY) bench/bench_store_engine.py --postgis
	$(PY) bench/bench_toggle_cpu.py
	$(PY) bench/bench_import_memory.py
	$(PY) bench/bench_uploads.py

# Rebuild data/basemap/ from Natural Earth (npm packages, fetched with npm pack).
basemap: install
	$(PY) scripts/build_basemap.py

clean:
	rm -rf static/vendor .pytest_cache .ruff_cache $(OIDC_DIR)/node_modules
