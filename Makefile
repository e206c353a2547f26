# The two commands: `make serve` (build and serve the site) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export DISABLE_MKDOCS_2_WARNING := true
export NO_MKDOCS_2_WARNING := true

.PHONY: serve test lint lint-workflows validate site install install-site npm chromium bench gpu-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Core + site: enough to validate and serve.
$(VENV)/.site-installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e '.[site]'
	touch $@

# Everything: torch first (the CPU wheel), then the package with all extras under the same pin.
$(VENV)/.all-installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install torch==2.13.0
	$(PIP) install -c constraints.txt -e '.[site,tag,baselines,dev]'
	touch $(VENV)/.site-installed $@

# Test-time JavaScript (axe-core for the accessibility tests, MiniSearch for the search benchmark), from the
# committed lock file; nothing of it is shipped with the site.
NPM_DIR := tools/rl4lrm/site/npm
$(NPM_DIR)/node_modules/.installed: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	npm ci --prefix $(NPM_DIR) --no-audit --no-fund --loglevel=error
	touch $@

npm: $(NPM_DIR)/node_modules/.installed
install-site: $(VENV)/.site-installed
install: $(VENV)/.all-installed npm

# Debian chromium for the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

validate: install-site
	$(BIN)/rl4lrm validate

serve: install-site validate
	$(BIN)/rl4lrm site serve --host $(HOST) --port $(PORT)

site: install-site validate
	$(BIN)/rl4lrm site build

lint: install lint-workflows
	$(BIN)/ruff check tools tests benchmarks scripts
	$(BIN)/ruff format --check tools tests benchmarks scripts

# The GitHub workflows: zizmor's offline security audits and GitHub's workflow schema (both from the dev extra).
lint-workflows: install
	$(BIN)/zizmor --offline .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

test: install chromium lint
	$(BIN)/rl4lrm validate
	$(BIN)/rl4lrm fmt --check
	$(BIN)/python -m pytest -n 2 --durations=15; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

# Each benchmark prints its figures; the toy table is run at the budgets its results page states, BENCH_JOBS runs
# at once (one CPU thread each), then every algorithm's page takes its new row.
BENCH_JOBS ?= 2
bench: install
	for f in benchmarks/*.py; do case $$f in *toy_table.py) continue;; esac; echo "== $$f"; $(BIN)/python $$f || exit 1; done
	$(BIN)/python benchmarks/toy_table.py --out baselines/results/toy_table.md --resume --jobs $(BENCH_JOBS)
	$(BIN)/rl4lrm baseline pages

# Every algorithm's gpu-smoke preset on one CUDA GPU (a torch with CUDA must be installed); prints one table.
gpu-smoke: install
	$(BIN)/python scripts/gpu_smoke.py --write

clean:
	rm -rf build .pytest_cache .ruff_cache
