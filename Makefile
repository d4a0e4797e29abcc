# The two commands: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# One lock for every Python 3.11+ and platform, with the hash of every file pip may install.
COMPILE := $(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	--generate-hashes --no-header --quiet -o $(LOCK)
# Test workers: every core (pytest-xdist); `make test WORKERS=0` runs in one process.
WORKERS ?= auto

.PHONY: run test check test-scale setup lock lock-upgrade lint typecheck check-content catalogs goldens \
	bench-webhook bench-soak clean

# Exactly the locked versions (hashes checked), then the project itself without resolving anything.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

## Start the bot on 127.0.0.1:8000 (SQLite, dry-run SMS without Twilio credentials).
run: $(STAMP)
	$(BIN)/outreach db upgrade
	$(BIN)/outreach serve --host 127.0.0.1 --port 8000

## Lint, type-check, content checks, then the whole test suite on every core.
test: $(STAMP) lint typecheck check-content
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

## The edit loop: lint, types, content checks and the tests that need no database or server.
check: $(STAMP) lint typecheck check-content
	$(BIN)/python -m pytest -n $(WORKERS) -m "not db and not slow and not postgres" $(PYTEST_ARGS)

## The full-size runs too (three dispatcher processes draining 20,000 outbox rows); CI runs these.
test-scale: $(STAMP)
	OUTREACH_SCALE_TESTS=1 $(BIN)/python -m pytest tests/outbox/test_dispatcher_processes.py $(PYTEST_ARGS)

# The lock tool alone, from the lock itself: a stale lock must not stop its own refresh.
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)

## Re-resolve the lock after a change to pyproject.toml, keeping every version that still fits.
lock: $(BIN)/uv
	$(COMPILE)

## Move every dependency to its newest release (on purpose: review the diff, then run `make test`).
lock-upgrade: $(BIN)/uv
	$(COMPILE) --upgrade

lint: $(STAMP)
	$(BIN)/ruff check bot scheduler tests bench
	$(BIN)/ruff format --check bot scheduler tests bench

typecheck: $(STAMP)
	$(BIN)/mypy bot scheduler

check-content: $(STAMP)
	$(BIN)/outreach flows validate
	$(BIN)/outreach i18n check

## Re-extract texts from flows/ and merge them into every catalog (then translate and remove fuzzy flags).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --sort-by-file --no-wrap --project parent-outreach-bot -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-wrap --ignore-obsolete

## Re-record the golden conversations' exact replies (tests/golden) on SQLite; review with `git diff`.
.PHONY: goldens
goldens: $(STAMP)
	$(BIN)/python -m pytest tests/test_conversation_golden.py -q -k sqlite --update-goldens
	-git diff --stat -- tests/golden

bench-webhook: $(STAMP)
	$(BIN)/python bench/webhook.py

bench-soak: $(STAMP)
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache outreach.db outreach.db-wal outreach.db-shm
