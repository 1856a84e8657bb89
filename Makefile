# Two commands do all the set-up on a fresh machine:
#   make demo   create .venv, install (Debian chromium too), crawl the bundled demo portal into output/
#   make test   create .venv, install dev extras and system packages, run ruff, mypy and pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install when the project's dependencies change.
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest system-packages chromium redis-server cjk-font tesseract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# pip 23 skips lxml's html-clean extra that trafilatura needs: upgrade pip first.
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) chromium cjk-font
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

# A CJK font: the demo portal draws its scanned reports (crawler/demo/scans.py) when first served.
cjk-font:
	@if [ ! -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ]; then \
		echo "installing Debian fonts-noto-cjk (the demo's scans)"; \
		$(APT_INSTALL) fonts-noto-cjk >/dev/null; \
	fi

# Tesseract with simplified Chinese: only bench/ocr.py's comparison uses it (RapidOCR is the engine).
tesseract:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -q chi_sim; then \
		echo "installing Debian tesseract-ocr tesseract-ocr-chi-sim (bench/ocr.py)"; \
		$(APT_INSTALL) tesseract-ocr tesseract-ocr-chi-sim >/dev/null; \
	fi

system-packages: chromium redis-server cjk-font

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
