# Kylään — `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_PASSWORD ?= kylaan-demo
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# pytest-xdist workers: one per core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
# The benchmark fills its own database (created when missing); never the test or demo one.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kylaan_bench

.PHONY: install install-dev run test bench loadtest backup-check lint format messages compilemessages check ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

compilemessages: export DEBUG ?= true
compilemessages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

# Serves the demo on 127.0.0.1:$(PORT). Uses DATABASE_URL when set, else var/kylaan.sqlite3.
run: export DEBUG ?= true
run: install compilemessages
	mkdir -p var/static
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo "Kylään on http://127.0.0.1:$(PORT)/ — log in as demo-staff, demo-manager, demo-coordinator or demo-admin with password $(DEMO_PASSWORD)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on PostgreSQL (browser tests included when Chromium is installed).
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export SECRET_KEY ?= test-only-secret-key
test: install-dev compilemessages
	mkdir -p var/static
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Every performance figure at 1 000 000 visits (SCALE=0.01 for a quick run) beside its PostgreSQL
# reference: generates the data once per scale (a few minutes), then measures. See README.
# BENCH_ONLY=pages,lists,form,exports (any of them) measures only those sections.
SCALE ?= 1
bench: export DATABASE_URL = $(BENCH_DATABASE_URL)
bench: export SECRET_KEY ?= bench-only-secret-key
bench: export SCALE := $(SCALE)
bench: export LOG_LEVEL ?= WARNING
bench: install-dev compilemessages
	$(BIN)/python -m bench

# 50 staff members for 2 minutes against gunicorn on 127.0.0.1:$(LOADTEST_PORT) (locust), in its
# own database (created when missing); then every acknowledged visit must be stored exactly once.
# Not part of `make test`. LOADTEST_USERS and LOADTEST_TIME (e.g. 30s) shorten it. See README.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kylaan_loadtest
LOADTEST_PORT ?= 8001
loadtest: export LOADTEST_DATABASE_URL := $(LOADTEST_DATABASE_URL)
loadtest: export LOADTEST_PORT := $(LOADTEST_PORT)
loadtest: export LOG_LEVEL ?= WARNING
loadtest: install-dev compilemessages
	$(BIN)/python -m loadtest

# Dump the database of DATABASE_URL (PostgreSQL), restore it into a fresh one and compare every
# table's row count (README, Backup and restore). BACKUP_CHECK_ARGS="--keep-dump FILE" keeps the
# dump, "--restore-into NAME" names the fresh database.
backup-check: export DEBUG ?= true
backup-check: install
	$(BIN)/python manage.py backup_check $(BACKUP_CHECK_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Finnish and Swedish catalogues after changing user-facing strings.
messages: export DEBUG ?= true
messages: install
	$(BIN)/python manage.py makemessages --locale fi --locale sv --ignore=.venv --ignore=var --no-obsolete --add-location=file

check: export DEBUG ?= true
check: install-dev
	mkdir -p var
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

ci: lint check test

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
