# Steward: `make demo` runs the product, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/steward
export STEWARD_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install lint typecheck test-sqlite test-postgres test-e2e schemathesis bench clean \
	reports summary
JUNIT := test-artifacts/junit

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/steward demo --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check steward tests bench
	$(BIN)/ruff format --check steward tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy steward/core

check: $(STAMP)
	STEWARD_DATA_DIR=$$(mktemp -d) STEWARD_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  STEWARD_SECURE_COOKIES=1 STEWARD_ALLOWED_HOSTS=steward.example \
	  $(BIN)/steward check --deploy --fail-level WARNING
	STEWARD_DATA_DIR=$$(mktemp -d) $(BIN)/steward makemigrations --check --dry-run

test-sqlite: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not e2e" --junitxml=$(JUNIT)/sqlite.xml steward tests

test-postgres: $(STAMP)
	STEWARD_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 -m "not e2e" \
	  --junitxml=$(JUNIT)/postgres.xml steward tests

test-e2e: $(STAMP)
	$(BIN)/pytest -q -m e2e --junitxml=$(JUNIT)/e2e.xml tests

schemathesis: $(STAMP)
	tests/schemathesis.sh

# Every suite writes JUnit XML; the last line of `make test` is the total over all of them.
reports:
	rm -rf $(JUNIT) test-artifacts/schemathesis

summary: $(STAMP)
	$(BIN)/python tests/summary.py $(JUNIT) test-artifacts/schemathesis

test: reports lint check test-sqlite test-postgres test-e2e schemathesis
	$(MAKE) --no-print-directory summary

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var
