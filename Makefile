# Two commands do all the set-up on a fresh machine:
#   make demo   create .venv, install (Debian chromium too), crawl the bundled demo portal into output/
#   make test   create .venv, install dev extras and system packages, run ruff, mypy and pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install when the project's dependencies change.
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest system-packages chromium redis-server clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# pip 23 skips lxml's html-clean extra that trafilatura needs: upgrade pip first.
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) chromium
	$(BIN)/govreports demo

# Debian packages: chromium for the demo's script-filled column and for JS-rendered portals (demo and
# tests), redis-server for the distributed-crawl tests. Each is installed only when missing.
APT_INSTALL = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "installing Debian chromium"; \
		$(APT_INSTALL) chromium >/dev/null; \
	fi

redis-server:
	@if ! command -v redis-server >/dev/null 2>&1; then \
		echo "installing Debian redis-server (tests/test_scale.py)"; \
		$(APT_INSTALL) redis-server >/dev/null; \
	fi

system-packages: chromium redis-server

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-packages
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) output/*.db output/*.db-wal output/*.db-shm
