# Ruche: `make run` to try it, `make test` to check it. Everything lands in .venv and var/.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck pytest bench clean messages demo-code

help:
	@echo "make run    set up .venv, migrate, load demo data, serve http://127.0.0.1:8000 with a worker"
	@echo "make test   set up .venv, then lint, type-check, migrations check and the test suite"
	@echo "make bench  benchmarks (read ../shared/data when present); results in docs/benchmarks.md"
	@echo "make demo-code  the current two-factor code of the demo staff accounts"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@scripts/serve.sh

demo-code: $(STAMP)
	@$(PY) manage.py demo_code

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

pytest: $(STAMP)
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m pip install --quiet --no-deps bertopic==0.17.4
	$(PY) -m bench.clustering_bench --output var/benchmarks-latest.md
	$(PY) -m bench.sentiment_bench

messages: $(STAMP)
	$(PY) manage.py makemessages --locale fr --ignore ".venv/*" --ignore "var/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf var/celery var/test.sqlite3 .pytest_cache .mypy_cache .ruff_cache
