# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# Compiled translations: built, never committed.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: run test lint format seed superuser bench clean help

help:
	@echo "make run        serve the catalogue at http://127.0.0.1:$(PORT)/ (PORT overrides)"
	@echo "make test       run the whole test suite"
	@echo "make lint       ruff check and format check"
	@echo "make format     ruff format and safe fixes"
	@echo "make seed       load the seed fixtures again (overwrites seed records)"
	@echo "make superuser  create an admin user"
	@echo "make bench      run the benchmarks in bench/ (the import one needs CATALOGUE_DATA_DIR)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet . --group dev
	touch $(STAMP)

$(MO): %.mo: %.po $(STAMP)
	$(PY) manage.py compiletranslations --verbosity 0

run: $(STAMP) $(MO)
	PORT=$(PORT) $(PY) manage.py serve --port $(PORT)

test: $(STAMP) $(MO)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

seed: $(STAMP)
	$(PY) manage.py migrate
	$(PY) manage.py loaddata seed

bench: $(STAMP)
	$(PY) -m pip install --quiet . --group bench
	@command -v wrk >/dev/null || { echo "bench/compare.py and bench/soak.py need wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/search_relevance.py
	$(PY) bench/search.py
	$(PY) bench/compare.py
	$(PY) bench/soak.py
	$(PY) bench/lighthouse.py
	@if [ -n "$$CATALOGUE_DATA_DIR" ]; then $(PY) bench/import_classification.py; \
		else echo "bench/import_classification.py skipped: set CATALOGUE_DATA_DIR"; fi

superuser: $(STAMP)
	$(PY) manage.py createsuperuser

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .cache $(MO)
