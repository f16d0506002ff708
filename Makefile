# Two commands: `make run` (install, start the database, migrate, load the samples, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install lint schema clean

$(BIN)/xxgk: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("xxgk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/xxgk

install: $(BIN)/xxgk

run: install
	$(BIN)/xxgk db start
	$(BIN)/xxgk migrate
	$(BIN)/xxgk load samples/
	$(BIN)/xxgk serve

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest -q

schema: install
	$(BIN)/python -m api.sdl

clean:
	-$(BIN)/xxgk db stop
	rm -rf .xxgk $(VENV)
