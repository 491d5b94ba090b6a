# coopgraph — two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STORE ?=
STORE_OPT := $(if $(STORE),--store $(STORE),)

.PHONY: run test lint format docs bench browser-deps allocator-deps test-deps vendor notebooks clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

run: $(VENV)/.installed allocator-deps
	$(VENV)/bin/coopgraph init $(STORE_OPT)
	$(VENV)/bin/coopgraph serve $(STORE_OPT) --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser),
# and Debian's jemalloc, which `coopgraph serve` preloads (BENCHMARKS.md: faster big queries at 10×).
BROWSER_PACKAGES := chromium fonts-dejavu-core
ALLOCATOR_PACKAGES := libjemalloc2

browser-deps:
	@bash scripts/install-debian.sh $(BROWSER_PACKAGES)

allocator-deps:
	@bash scripts/install-debian.sh $(ALLOCATOR_PACKAGES)

test-deps:  # both in one apt-get run
	@bash scripts/install-debian.sh $(BROWSER_PACKAGES) $(ALLOCATOR_PACKAGES)

test: $(VENV)/.installed test-deps
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

docs: $(VENV)/.installed
	$(PY) -m graph.docs --output build/ontology.html

bench: $(VENV)/.installed
	$(VENV)/bin/coopgraph bench

# Front-end libraries from the npm registry, pinned, copied into api/static/vendor/.
vendor:
	$(PY) scripts/vendor.py

# The research notebooks, regenerated (without outputs) from their jupytext percent scripts.
notebooks: $(VENV)/.installed
	$(PY) notebooks/build.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
