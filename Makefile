# The README's commands. Each one installs what it needs first (a .venv, with uv).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench install sysdeps browser worker clean

$(BIN)/python:
	@scripts/system-deps.sh venv
	$(PYTHON) -m venv $(VENV)

# Reinstalled when pyproject.toml changes.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $@

install: $(STAMP) sysdeps

sysdeps:
	@scripts/system-deps.sh weasyprint

browser:
	@scripts/system-deps.sh chromium

## demo: install, migrate the SQLite default, load demo data and serve on 127.0.0.1:$(PORT)
demo: install
	DEBUG=1 $(BIN)/crewdesk migrate --noinput
	DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/crewdesk seed_demo
	DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/crewdesk runserver 127.0.0.1:$(PORT)

## test: install and run every test (DATABASE_URL picks the database; SQLite by default),
## on every core (TEST_WORKERS=0 runs them in one process)
TEST_WORKERS ?= auto
test: install browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## lint: ruff's checks and formatting
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: performance workloads (bench/README.md)
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## worker: run background tasks queued with CREWDESK_TASKS=db
worker: install
	$(BIN)/crewdesk db_worker

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis test-artifacts
