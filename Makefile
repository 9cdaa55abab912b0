# Begrotingswijzer: `make run` starts the assistant, `make test` runs every test.
# Each step is idempotent: a stamp file records it, so a second call is quick.
SHELL := /bin/bash
export PYENV_VERSION := 3.11.7:3.10.13
PY311 ?= $(shell command -v python3.11 2>/dev/null)
PY310 ?= $(shell command -v python3.10 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
MODEL_DIR := var/models/multilingual-e5-small

# Fragments in mk/ add their own set-up and test steps to these lists.
SETUP_TARGETS := $(VENV)/.installed $(MODEL_DIR)/.built
TEST_TARGETS := lint typecheck pytest
RUN_DEPS :=

.PHONY: setup test lint typecheck pytest run build eval clean

-include mk/*.mk

setup: $(SETUP_TARGETS)

$(VENV)/.installed: requirements.txt
	@test -n "$(PY311)" || { echo "Python 3.11 not found (python3.11)"; exit 1; }
	test -x $(PY) || $(PY311) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(MODEL_DIR)/.built: $(VENV)/.installed
	$(PY) -m knowledge.e5convert $(MODEL_DIR)

build: setup
	$(PY) -m knowledge build data/

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check knowledge nlu actions tests scripts bot/privacy_tracker_store.py bot/socketio_channel.py bot/action_validation.py

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy knowledge nlu actions bot/privacy_tracker_store.py bot/socketio_channel.py bot/action_validation.py

pytest: setup
	$(VENV)/bin/pytest -q -rs tests --ignore=tests/actions --ignore=tests/production

test: setup
	@$(MAKE) --no-print-directory $(TEST_TARGETS)

clean:
	rm -rf var reports bot/models test-artifacts
