# Two commands on a fresh machine: `make demo` and `make test`. Each first checks what it needs from the
# operating system (system-packages.txt, via tools/system-deps.sh: installed with apt-get as root on
# Debian/Ubuntu, otherwise one line saying what to run), then creates or updates .venv itself from uv.lock
# (pinned); uv is taken from PATH or installed with pip into .tools/ on first use.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: demo test lint venv clean up down

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $(STAMP)

venv: $(STAMP)

## The demo year-end run on the embedded default (SQLite), through Airflow; prints where the reports are.
## The system check runs first, before any other work (also under make -j).
demo:
	@tools/system-deps.sh demo
	@$(MAKE) --no-print-directory $(STAMP)
	$(VENV)/bin/planeval demo

## A long-running local Airflow (api-server, scheduler, dag-processor, triggerer) on SQLite, in the background;
## prints the URL and the accounts file. `make down` stops exactly those processes.
up:
	@tools/system-deps.sh demo
	@$(MAKE) --no-print-directory $(STAMP)
	$(VENV)/bin/planeval up

down:
	@$(MAKE) --no-print-directory $(STAMP)
	$(VENV)/bin/planeval down

## The test suite, on SQLite and on the PostgreSQL at 127.0.0.1:5432.
test:
	@tools/system-deps.sh test
	@$(MAKE) --no-print-directory $(STAMP)
	GX_ANALYTICS_ENABLED=false $(VENV)/bin/pytest

## Lint, formatting and the type checker (mypy, strict on the whole package: pyproject.toml [tool.mypy]).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf var .pytest_cache .ruff_cache

.PHONY: backtests backtests-refresh

## Backtests only: the demo's warehouse tables and documents against tests/backtests/expected/.
backtests: $(STAMP)
	GX_ANALYTICS_ENABLED=false $(VENV)/bin/pytest -m backtest tests/backtests

## Rewrite tests/backtests/expected/ from a fresh demo run when a change of output is intended; review the diff.
backtests-refresh: $(STAMP)
	GX_ANALYTICS_ENABLED=false $(VENV)/bin/python -m tests.backtests.refresh
