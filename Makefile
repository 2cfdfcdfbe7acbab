# servicedesk: `make run` serves the desk, `make test` runs the suite. Needs python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint lock check-migrations clean bench bench-peer

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("servicedesk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.lock pyproject.toml | $(BIN)/python
	@echo "Installing the locked dependencies into $(VENV) (the first time takes a minute)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

# The test tools (pytest, Playwright, ruff, ...) come on top, only for make test and make lint.
$(DEV_INSTALLED): requirements-dev.lock $(INSTALLED)
	@echo "Installing the locked test tools into $(VENV)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(DEV_INSTALLED)

# Install, migrate and load the demo data once (idempotent: a second run changes nothing).
setup: $(INSTALLED)
	$(BIN)/servicedesk migrate --noinput -v 0
	$(BIN)/servicedesk load-demo --if-empty

run: setup
	$(BIN)/servicedesk serve --host $(HOST) --port $(PORT)

test: setup $(DEV_INSTALLED)
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark suite (bench/run.py): SQLite and PostgreSQL at 100k and 1M generated tickets.
# make bench ONLY=desk_queue DATABASES=sqlite SIZES=100000 runs a part of it.
DATABASES ?= sqlite,postgres
SIZES ?= 100000,1000000
bench: setup
	$(BIN)/python bench/run.py --databases $(DATABASES) --sizes $(SIZES) $(if $(ONLY),--only $(ONLY))

# django-helpdesk measured on the same tickets, in its own venv under var/bench/peer/
# (make bench-peer PEER_ARGS="--size 2000" for a quick run).
bench-peer: $(INSTALLED)
	$(BIN)/python bench/peer/run.py --python $(PYTHON) $(PEER_ARGS)

# Re-lock after changing dependencies in pyproject.toml.
lock: $(DEV_INSTALLED)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(DEV_INSTALLED)
	$(BIN)/servicedesk makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
