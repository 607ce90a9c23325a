# Tend's two commands: `make run` (set up, seed demo data, start web + worker) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
ADDRESS ?= 127.0.0.1:8000

# Settings come from the environment; a .env file beside this Makefile is read when present.
-include .env
export

# The first interpreter on PATH that is Python 3.12 or newer (Django 6.1 needs it). pyenv's
# shims honour .python-version, so `python3` here is 3.12.1 where pyenv has it.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 python; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$candidate; break; fi; done)

.PHONY: help run test lint format bench clean

help:
	@echo "make run    set up, migrate, seed demo data and start Tend (web + Celery worker)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff and the migrations check"
	@echo "make bench  time every page and a 50-person load test at 100,000 customers"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Tend needs Python 3.12 or newer and none was found on PATH."; \
		echo "Install it (e.g. 'pyenv install 3.12', 'apt-get install python3.12' or"; \
		echo "https://www.python.org/downloads/), or name one: make PYTHON=/path/to/python3.12"; \
		exit 1; \
	fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12."; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	@# Demo logins are refused with DEBUG off; Tend still starts then.
	-$(PY) manage.py seed_demo
	@echo "Tend: http://$(ADDRESS)/  (Ctrl-C stops the web server and the worker)"
	@$(VENV)/bin/celery -A crm worker --beat --schedule var/celery/beat-schedule \
		--loglevel INFO --concurrency 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(ADDRESS)

test: $(VENV)/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Pages and a load test on the configured database (README, "Benchmarks"), seeded to
# BENCH_CUSTOMERS customers or reused; run as production does: DEBUG off, static collected,
# a throwaway secret key, plain HTTP on loopback only.
BENCH_CUSTOMERS ?= 100000
bench: $(VENV)/.installed
	@export DEBUG=false SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
		CSRF_COOKIE_SECURE=false ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL=WARNING \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput -v0 && \
	$(PY) manage.py bench_pages --customers $(BENCH_CUSTOMERS) && \
	$(PY) manage.py bench_load --customers $(BENCH_CUSTOMERS) --users 50 --seconds 60

clean:
	rm -rf $(VENV) var staticfiles
