# Every target creates .venv and installs what it needs, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
CONFIG ?= settings.yaml
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev

.PHONY: run test browser bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes. `make run` gets the light default install;
# tests, lint and benches add the dev tools and the optional model extras, so the extras' tests
# run here and in CI (they skip without them).
$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[dev,embeddings,langid]'
	touch $@

run: $(INSTALLED)
	$(VENV)/bin/listener run --config $(CONFIG)

test: $(DEV_INSTALLED) browser
	$(PY) -m pytest

# The web app's browser tests drive Debian's Chromium through Playwright (no browser download).
# Installed with apt-get when missing (sudo only when not root, never asking for a password);
# where it cannot be had, those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  if command -v apt-get >/dev/null 2>&1 && $$SUDO apt-get update -qq \
	    && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; then \
	    echo "make: installed chromium for the browser tests"; \
	  else \
	    echo "make: could not install chromium (apt-get); the browser tests will skip"; \
	  fi; }

bench: $(DEV_INSTALLED)
	$(PY) bench/ingest.py
	$(PY) bench/match.py
	$(PY) bench/search.py
	$(PY) bench/judgments.py
	$(PY) bench/sentiment_dev.py
	$(PY) bench/drafts.py

lint: $(DEV_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports  # the layers of the flow, from pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
