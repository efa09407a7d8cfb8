# The README's two commands: `make demo` and `make test`. Both build .venv from requirements.lock, the
# hash-pinned resolution of pyproject.toml (runtime + the dev extra) that `make lock` writes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The uv that `make lock` runs: the venv's (it is in the dev extra), else one on PATH.
UV     ?= $(firstword $(wildcard $(BIN)/uv) uv)

.PHONY: install demo test test-fast lint lock audit clean

# No unhashed `pip install --upgrade pip` first: the lock pins pip too, so the venv's bundled pip installs
# the locked one along with everything else, hash-checked. The project itself goes in without its
# dependencies (they are all in the lock) and without build isolation, so it builds with the locked
# setuptools rather than whatever PyPI serves that day.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
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

# Re-resolve requirements.lock after pyproject.toml's dependencies change (needs PyPI, not the venv).
# Existing pins are kept where still allowed; LOCK_ARGS=--upgrade moves everything to the newest.
lock:
	$(PYTHON) scripts/lock.py --uv $(UV) $(LOCK_ARGS)

# pip-audit --strict on the locked requirements. Needs the network, so it is not part of .ci/run; it fails
# (exit 2, said plainly) when no vulnerability database answered, rather than passing. See scripts/audit.py.
audit: $(STAMP)
	$(BIN)/python scripts/audit.py $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
