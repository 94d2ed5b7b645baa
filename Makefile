# One definition of the toolchain: developers and CI call the same targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Django 6.1 needs Python 3.12 or newer: prefer the pinned version, then any 3.13/3.12 on PATH.
PYTHON_VERSION := $(shell cat .python-version 2>/dev/null)
PYTHON ?= $(shell for c in $$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python3 python3.13 python3.12 python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv install run serve worker beat migrate demo test test-fast lint layers typecheck format check vendor clean

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT) with worker and beat"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff lint and format check"
	@echo "make layers - import contracts (import-linter, [tool.importlinter] in pyproject.toml)"
	@echo "make typecheck - mypy with django-stubs ([tool.mypy] in pyproject.toml)"
	@echo "make deps   - deptry: every import declared, every runtime dependency used"
	@echo "make vendor - refresh GOV.UK Frontend, Leaflet and axe-core from the npm registry"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6.1). Install python3.13 or python3.12, or run: make PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py train_router  # the learning router, on the demo history (README: Automatic routing)

# The embedded demo: SQLite and a file-based broker, with a real Celery worker and beat beside it.
# Links in emails use PORTAL_BASE_URL, or http://HOST:PORT when it is not set; Ctrl-C stops all three.
run: demo
	@$(PY) scripts/run_demo.py --host $(HOST) --port $(PORT)

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=INFO

test: install
	PORTAL_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	PORTAL_ENV=test $(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import contracts: which module may import which (ADR 0013).
layers: install
	$(VENV)/bin/lint-imports

typecheck: install
	PORTAL_ENV=test $(VENV)/bin/mypy

# The portal alone against every rule, then tests, benches and scripts for undeclared imports.
.PHONY: deps
deps: install
	$(VENV)/bin/deptry . -ee tests -ee bench -ee scripts
	$(VENV)/bin/deptry . -e '(^|/)\.venv' -e '(^|/)\.git/' --ignore DEP002,DEP004

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

vendor:
	bash scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) var .pytest_cache
