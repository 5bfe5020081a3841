# The two commands of the README. Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint up bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/farm demo

up: $(STAMP)
	$(VENV)/bin/farm up

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	sh tests/e2e/get_browser.sh
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(VENV)/bin/python bench/flows.py
	$(VENV)/bin/python bench/media.py
	$(VENV)/bin/python bench/farm.py
