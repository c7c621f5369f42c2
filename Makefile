# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# manage.py, like gunicorn, uses the production settings unless told: every target names its own
# (config.settings.local: DEBUG off, the embedded database unless DATABASE_URL is set).
MANAGE := DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py
PORT ?= 8000
# What running needs; the test and lint tools come with `make test` and `make lint`.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Compiled translations: built, never committed.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: run test lint format seed import superuser bench clean help

help:
	@echo "make run        serve the catalogue at http://127.0.0.1:$(PORT)/ (PORT overrides)"
	@echo "make test       run the whole test suite"
	@echo "make lint       ruff check and format check"
	@echo "make format     ruff format and safe fixes"
	@echo "make seed       load the seed fixtures again (overwrites seed records)"
	@echo "make superuser  create an admin user"
	@echo "make import     import the reference data in data/ again where it changed"
	@echo "make bench      run the benchmarks in bench/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install --quiet . --group dev
	touch $(DEV_STAMP)

$(MO): %.mo: %.po $(STAMP)
	$(MANAGE) compiletranslations --verbosity 0

# DEBUG off, as a visitor sees the site: config.settings.local needs no environment variables.
run: $(STAMP) $(MO)
	PORT=$(PORT) $(MANAGE) serve --port $(PORT)

test: $(DEV_STAMP) $(MO)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

seed: $(STAMP)
	$(MANAGE) migrate
	$(MANAGE) loaddata seed

import: $(STAMP)
	$(MANAGE) migrate
	$(MANAGE) import_data

bench: $(DEV_STAMP)
	$(PY) -m pip install --quiet . --group bench
	@command -v wrk >/dev/null || { echo "bench/compare.py and bench/soak.py need wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/search_relevance.py
	$(PY) bench/search.py
	$(PY) bench/compare.py
	$(PY) bench/soak.py
	$(PY) bench/lighthouse.py
	$(PY) bench/import_classification.py

superuser: $(STAMP)
	$(MANAGE) createsuperuser

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .cache $(MO)
