# gcmhub — run `make help` for the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install demo run test test-only test-postgres lint format messages compilemessages migrations-check ci reset-local-db bench

help:  ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e ".[test]"
	touch $(STAMP)

install: $(STAMP)  ## Create the virtual environment and install gcmhub

demo: install  ## Install, load reference data, the seed work plan and demo accounts, and serve on :8000 (make demo PORT=8010)
	bash scripts/install-system-deps.sh runtime
	$(BIN)/gcmhub compilemessages --ignore=.venv -v0
	$(BIN)/gcmhub demo --port $(PORT)

run: install  ## Serve the development site on :8000
	$(BIN)/gcmhub runserver 127.0.0.1:8000

system-deps:
	bash scripts/install-system-deps.sh

test: install system-deps test-only  ## Install everything the tests need and run the whole suite

test-only:  ## Run checks and the whole suite (no installs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=gcmhub.settings.test $(BIN)/gcmhub makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=gcmhub.settings.test $(BIN)/gcmhub compilemessages --ignore=.venv -v0
	$(BIN)/pytest -q

test-postgres: install  ## Run the suite against a throw-away PostgreSQL on 127.0.0.1
	WITH_POSTGRES=1 bash scripts/install-system-deps.sh
	DATABASE_URL=$$(bash scripts/postgres.sh start) $(MAKE) test-only

lint:  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format:  ## ruff format and fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages:  ## Extract strings into locale/<code> for each language of settings.LANGUAGES but English
	$(BIN)/gcmhub makemessages $$($(BIN)/python -c "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gcmhub.settings.dev'); import django; django.setup(); from django.conf import settings; print(' '.join('-l ' + c for c, _ in settings.LANGUAGES if c != 'en'))") --no-location --ignore=.venv --ignore=static_collected --ignore=tests --ignore=bench --ignore=var

compilemessages:  ## Compile the PO files
	$(BIN)/gcmhub compilemessages --ignore=.venv

migrations-check:
	$(BIN)/gcmhub makemigrations --check --dry-run

ci:  ## What CI runs: the suite on SQLite, then on PostgreSQL
	$(MAKE) test
	$(MAKE) test-postgres

reset-local-db:  ## Delete the development database and media
	rm -rf var/

bench: install  ## Run the benchmarks (figures go to docs/performance.md)
	$(BIN)/python bench/workplan.py
