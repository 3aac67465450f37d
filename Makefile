# The two commands: `make run` (demo on http://127.0.0.1:8000) and `make test` (every gate).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test install system-deps lint typecheck pytest migrate demo worker web messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: chromium and a CJK font (browser tests), poppler-utils (pdftotext
# reads the catalogue PDFs back). Installed only when missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || ! command -v pdftotext >/dev/null; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium, fonts-wqy-microhei and poppler-utils"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils >/dev/null; \
	  else echo "warning: chromium, fonts-wqy-microhei or poppler-utils missing and cannot be installed here"; fi; \
	fi

migrate: install
	$(PY) -m techtransfer.cli migrate --noinput

demo: migrate
	DEMO_MODE=1 $(PY) -m techtransfer.cli load_demo_achievements
	DEMO_MODE=1 $(PY) -m techtransfer.cli load_demo_market
	DEMO_MODE=1 $(PY) -m techtransfer.cli load_demo_contracts
	DEMO_MODE=1 $(PY) -m techtransfer.cli load_demo_needs
	DEMO_MODE=1 $(PY) -m techtransfer.cli load_demo

run: demo
	DEMO_MODE=1 $(PY) -m techtransfer.cli run

web: install
	$(PY) -m granian --interface wsgi --host 127.0.0.1 --port 8000 techtransfer.wsgi:application

worker: install
	$(PY) -m techtransfer.cli worker

lint: install
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts

typecheck: install
	$(VENV)/bin/mypy

pytest: install system-deps
	$(VENV)/bin/pytest

test: install system-deps lint typecheck
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

messages: install
	cd src/techtransfer && TECHTRANSFER_VAR_DIR=$(CURDIR)/var ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete -i "tests/*" && TECHTRANSFER_VAR_DIR=$(CURDIR)/var ../../$(PY) ../../manage.py compilemessages
