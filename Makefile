# Every target creates .venv and installs what it needs, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
CONFIG ?= settings.yaml
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(INSTALLED)
	$(VENV)/bin/listener run --config $(CONFIG)

test: $(INSTALLED)
	$(PY) -m pytest

bench: $(INSTALLED)
	$(PY) bench/ingest.py
	$(PY) bench/match.py
	$(PY) bench/search.py
	$(PY) bench/judgments.py
	$(PY) bench/sentiment_dev.py
	$(PY) bench/drafts.py

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports  # the layers of the flow, from pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
