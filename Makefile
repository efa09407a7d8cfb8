# The README's two commands: `make demo` and `make test`. Both build .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test test-fast lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ontherecord demo

# Starts the services the tests need (PostgreSQL, Java for Spark) from Debian's packages, bound to 127.0.0.1.
test: $(STAMP)
	$(BIN)/python scripts/test_services.py -- $(BIN)/python -m pytest $(PYTEST_ARGS)

# The gates of issue 11 item 8: ruff (rules in pyproject.toml; `ruff format` is not run on the tree),
# mypy strict on src/, and the import-linter layer contracts (docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The quick loop while working: the same services, without the tests marked slow (see docs/testing.md).
test-fast: $(STAMP)
	$(BIN)/python scripts/test_services.py -- $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
