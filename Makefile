# The two commands of the README: `make run` (local trial/training instance) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
# Training mode: unless PDT_TODAY is given, `make run` simulates a day inside the 2028 formulation window.
RUN_TODAY := $(or $(PDT_TODAY),2028-03-10)
# Without an SMTP server, `make run` writes its e-mails as .eml files here (open them with any mail client).
RUN_MAIL_DIR := $(if $(SMTP_HOST),,$(or $(PDT_MAIL_DIR),instance/correo))
# Links in e-mails and calendar feeds point at the address `make run` serves (unless BASE_URL is given).
RUN_BASE_URL := $(or $(BASE_URL),http://127.0.0.1:$(PORT))

.PHONY: install install-dev run test migrate reference demo bench audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask db upgrade

reference: migrate
	$(BIN)/flask pdt load-reference

demo: reference
	PDT_TODAY=$(RUN_TODAY) PDT_MAIL_DIR=$(RUN_MAIL_DIR) BASE_URL=$(RUN_BASE_URL) $(BIN)/flask pdt demo

run: demo
	@echo "Ruta PDT en http://127.0.0.1:$(PORT)/login (fecha simulada $(RUN_TODAY)); cuentas: flask --app wsgi pdt demo"
	@if [ -n "$(RUN_MAIL_DIR)" ]; then echo "Correos enviados: archivos .eml en $(RUN_MAIL_DIR)/"; fi
	PDT_TODAY=$(RUN_TODAY) PDT_EMBEDDED_SCHEDULER=1 PDT_MAIL_DIR=$(RUN_MAIL_DIR) BASE_URL=$(RUN_BASE_URL) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The suite runs on every core (pytest-xdist, at most 4 workers: tests/conftest.py gives each its own database and
# Redis database number). --dist worksteal: a worker that runs out takes half of another's queue (the longest tests
# run first, tests/conftest.py SLOW_FIRST). TEST_WORKERS=0 runs it in one process; a single file: .venv/bin/python -m pytest FILE.
TEST_WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal $(PYTEST_ARGS)

# Known vulnerabilities in the installed set (the same pins CI tests), against the advisory database. --strict:
# a package that could not be audited is a failure, not a silent "no known vulnerabilities".
audit: install-dev
	$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off --timeout 20

bench: install-dev
	for b in bench/*.py; do m=$$(basename $$b .py); [ "$$m" = __init__ ] && continue; \
	  echo "== bench.$$m"; $(BIN)/python -m bench.$$m || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
