# servicedesk: `make run` serves the desk, `make test` runs the suite. Needs python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint check-migrations demo clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("servicedesk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.lock pyproject.toml | $(BIN)/python
	@echo "Installing the locked dependencies into $(VENV) (the first time takes a minute or two)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

# Install, migrate and load the demo data once (idempotent: a second run changes nothing).
setup: $(INSTALLED)
	$(BIN)/servicedesk migrate --noinput -v 0
	$(BIN)/servicedesk load-demo --if-empty

run: setup
	$(BIN)/servicedesk serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(INSTALLED)
	$(BIN)/servicedesk makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
