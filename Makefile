# The two commands a newcomer needs:  `make serve`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install browser build serve test lint format metadata clean

# A fresh clone gets its virtual environment here; pyproject.toml changes reinstall it.
$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

build: install
	$(BIN)/status-codes build

serve: install
	$(BIN)/status-codes serve

# The end-to-end test drives Debian's Chromium; install it when missing (root can, as in CI).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium chromium-driver' for the browser test"; \
	  fi; \
	fi

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

metadata: install
	$(BIN)/status-codes metadata

clean:
	rm -rf build
