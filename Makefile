VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: venv fmt lint test test-postgres migrate

venv:
	python3 -m venv $(VENV) && $(VENV)/bin/pip install -q -e '.[dev]'

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: venv
	$(PY) -m pytest

test-postgres: venv
	SYFO_TEST_POSTGRES_URL=$${SYFO_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test} $(PY) -m pytest

migrate: venv
	$(VENV)/bin/alembic upgrade head
