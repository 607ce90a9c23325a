# Tend's two commands: `make run` (set up, seed demo data, start web + worker) and `make test`.
# Settings come from the environment and from a .env file, which Tend reads itself
# (crm/settings.py) under the environment: this Makefile does not read .env.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check
ADDRESS ?= 127.0.0.1:8000

# The interpreter .venv is made with: PYTHON when given (checked like any other), else the first
# on PATH that is Python 3.12 or newer (Django 6.1 needs it). pyenv's shims honour
# .python-version, so `python3` here is 3.12.1 where pyenv has it.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 python; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$candidate; break; fi; done)

.PHONY: help setup run manage test lint format lock bench clean python-given

help:
	@echo "make run     set up, migrate, seed demo data and start Tend (web + Celery worker)"
	@echo "make test    set up with the test tools and run the whole test suite"
	@echo "make lint    ruff and the migrations check"
	@echo "make bench   time every page and a 50-person load test at 100,000 customers"
	@echo "make setup   only create .venv with what running Tend needs"
	@echo "make manage ARGS=\"...\"   run a manage.py command, e.g. ARGS=\"createsuperuser\""
	@echo "make lock    pin requirements*.txt again after a change to pyproject.toml"

# Stops make, saying how to get Python 3.12+, unless PYTHON names one.
CHECK_PYTHON = found=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2]); \
	sys.exit(sys.version_info < (3, 12))' 2>/dev/null); status=$$?; \
	if [ -z "$(PYTHON)" ]; then problem="no Python 3.12 or newer was found on PATH"; \
	elif [ -z "$$found" ]; then problem="PYTHON=$(PYTHON) does not run"; \
	elif [ $$status -ne 0 ]; then problem="PYTHON=$(PYTHON) is Python $$found"; fi; \
	if [ -n "$$problem" ]; then \
		echo "Tend needs Python 3.12 or newer: $$problem."; \
		echo "Get one with pyenv ('pyenv install 3.12'), with uv ('uv python install 3.12'; then"; \
		echo "PYTHON=\$$(uv python find 3.12)) or from https://www.python.org/downloads/, and"; \
		echo "name it when it is not on PATH: make run PYTHON=/path/to/python3.12"; \
		exit 1; \
	fi

# A PYTHON given on the command line or in the environment is checked even when .venv is ready.
python-given:
ifneq ($(origin PYTHON),file)
	@$(CHECK_PYTHON)
endif

# What running Tend needs, at the versions and hashes of requirements.txt.
$(VENV)/.runtime: requirements.txt pyproject.toml | python-given
	@$(CHECK_PYTHON)
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12."; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --requirement requirements.txt
	$(PIP_INSTALL) --no-deps --editable .
	@touch $@

# The test and lint tools on top, at the versions and hashes of requirements-dev.txt.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP_INSTALL) --requirement requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	@# Demo logins are refused with DEBUG off; Tend still starts then.
	-$(PY) manage.py seed_demo
	@echo "Tend: http://$(ADDRESS)/  (Ctrl-C stops the web server and the worker)"
	@case "$(ADDRESS)" in 127.*|localhost:*|\[::1\]:*) ;; *) \
		echo "Other machines get 400 Bad Request unless the host name or address they type is"; \
		echo "in ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=192.168.1.20,tend.lan (in .env or before make)."; \
	esac
	@$(VENV)/bin/celery -A crm worker --beat --schedule var/celery/beat-schedule \
		--loglevel INFO --concurrency 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(ADDRESS)

manage: $(VENV)/.runtime
	$(PY) manage.py $(ARGS)

test: $(VENV)/.dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Resolves for every platform and Python 3.12+ at once; versions already pinned stay unless
# pyproject.toml needs others (uv pip compile --upgrade-package NAME moves one on purpose).
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal \
	--python-version 3.12 --generate-hashes
lock: $(VENV)/.dev
	$(UV_COMPILE) --output-file requirements.txt
	$(UV_COMPILE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt

# Pages and a load test on the configured database (README, "Benchmarks"), seeded to
# BENCH_CUSTOMERS customers or reused; run as production does: DEBUG off, static collected,
# a throwaway secret key, plain HTTP on loopback only.
BENCH_CUSTOMERS ?= 100000
bench: $(VENV)/.dev  # Locust, the load test's driver, is one of the test tools
	@export DEBUG=false SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
		CSRF_COOKIE_SECURE=false ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL=WARNING \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput -v0 && \
	$(PY) manage.py bench_pages --customers $(BENCH_CUSTOMERS) && \
	$(PY) manage.py bench_load --customers $(BENCH_CUSTOMERS) --users 50 --seconds 60

clean:
	rm -rf $(VENV) var staticfiles
