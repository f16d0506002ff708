# Two commands: `make run` (install, start the database, migrate, load the samples, serve) and `make test`.
# Both install from requirements.lock (exact versions), with the OCR extra (scans and page images); `make lock`
# writes the lock again from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# What running needs (with the embedded PostgreSQL), and that plus the test and lint tools.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test install install-dev lint lock schema clean stop-test-db

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("xxgk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[embedded,ocr]'
	@touch $@

$(DEV_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,ocr]'
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

run: install
	$(BIN)/xxgk db start
	$(BIN)/xxgk migrate
	$(BIN)/xxgk load samples/
	$(BIN)/xxgk serve

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# Stops the embedded PostgreSQL the tests start (./.xxgk/test-pgdata, XXGK_TEST_DATA_DIR), if it runs.
STOP_TEST_DB = $(BIN)/python -c 'from core.settings import default_data_dir; from db import embedded; \
	print("test PostgreSQL stopped" if embedded.stop(default_data_dir("test-pgdata", env="XXGK_TEST_DATA_DIR")) \
	else "test PostgreSQL was not running")'

# The test suite's PostgreSQL is stopped when it ends, passed or failed; the exit code is pytest's.
test: lint
	$(BIN)/pytest -q; status=$$?; $(STOP_TEST_DB); exit $$status

stop-test-db:
	@$(STOP_TEST_DB)

# Every extra, for every Python from 3.11 and every platform; installs take what they need from it.
lock: install-dev
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 --quiet \
		--no-emit-package xxgk --custom-compile-command 'make lock' -o $(LOCK)

schema: install
	$(BIN)/python -m api.sdl

clean:
	-$(BIN)/xxgk db stop
	-$(STOP_TEST_DB)
	rm -rf .xxgk $(VENV)
