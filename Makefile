# The two commands a newcomer needs: `make serve` (run the portal) and `make test` (check everything).
# Both start from a Debian machine with only Python 3.11+ and install what they need.

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV := .tools/bin/uv
RUN := $(UV) run --frozen --no-sync
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help install site serve sweep test lint typecheck browser-deps bench package clean

help:
	@echo "make serve   build the site and run the portal on http://127.0.0.1:$(PORT) (embedded mode)"
	@echo "make sweep   flag overdue complaints and post organizer notices once (embedded mode)"
	@echo "make test    lint, type-check, import rules, cfn-lint, every test (installs what it needs)"
	@echo "make bench   measure import time, latency and throughput"

$(UV):
	python3 -m venv .tools || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv .tools; }
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

site: install
	$(RUN) mkdocs build --strict --quiet

serve: site
	$(RUN) python -m portal_infra.gateway --port $(PORT)

# Run the overdue-complaint sweep once (the running gateway also runs it on its own timer).
sweep: install
	$(RUN) python -m portal_infra.sweep

browser-deps:
	sh infra/install-browser-deps.sh

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check functions infra tests benchmarks site/hooks
	$(RUN) lint-imports
	$(RUN) cfn-lint template.yaml

typecheck: install
	$(RUN) mypy

test: install browser-deps lint typecheck
	$(RUN) pytest

bench: install
	$(RUN) python -m benchmarks

# What `sam build` packages from functions/: the same content/data the site uses, and the
# locked runtime dependencies.
package: install
	rm -rf functions/portal/_data
	cp -r content/data functions/portal/_data
	$(UV) export --frozen --no-dev --no-hashes --no-emit-project --quiet -o functions/requirements.txt

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache functions/portal/_data functions/requirements.txt
