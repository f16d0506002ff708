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

.PHONY: run test install install-dev lint lock schema clean

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

test: lint
	$(BIN)/pytest -q

# Every extra, for every Python from 3.11 and every platform; installs take what they need from it.
lock: install-dev
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 --quiet \
		--no-emit-package xxgk --custom-compile-command 'make lock' -o $(LOCK)

schema: install
	$(BIN)/python -m api.sdl

clean:
	-$(BIN)/xxgk db stop
	rm -rf .xxgk $(VENV)
