# Conversational assistant (Rasa 3.6.21, Python 3.10 venv .venv-rasa): setup, train, run, shell, test-rasa.
# `make run` starts knowledge (8000), action server (5055) and Rasa (5005) on loopback; Ctrl-C stops all.
RASA_VENV := .venv-rasa
RASA_PY := $(RASA_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
RASA_MODEL := bot/models/begrotingswijzer.tar.gz
RASA_RESULTS := var/rasa/results
# Rasa runs from bot/; the repo root (nlu, actions) and bot/ (privacy_tracker_store) must be importable.
RASA_ENV := PYTHONPATH=$(CURDIR):$(CURDIR)/bot SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2 \
	RASA_TELEMETRY_ENABLED=false
RASA_TRAIN_INPUTS := bot/config.yml bot/domain.yml nlu/components.py requirements-rasa.txt \
	$(shell find bot/data -type f 2>/dev/null)

SETUP_TARGETS += $(RASA_VENV)/.installed bot/models/.trained
TEST_TARGETS += test-rasa

.PHONY: train shell test-rasa

$(RASA_VENV)/.installed: requirements-rasa.txt
	@test -n "$(PY310)" || { echo "Python 3.10 not found (python3.10)"; exit 1; }
	test -x $(RASA_PY) || PYENV_VERSION=3.10.13 $(PY310) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q -r requirements-rasa.txt
	touch $@

# scripts/train_bot.py compares a content hash of the inputs and retrains only when it changed.
bot/models/.trained: $(RASA_VENV)/.installed $(RASA_TRAIN_INPUTS)
	$(PY310) scripts/train_bot.py
	@touch $@

train: $(RASA_VENV)/.installed
	$(PY310) scripts/train_bot.py

run:
	@$(MAKE) --no-print-directory setup $(RUN_DEPS)
	$(PY) scripts/run_all.py

shell: $(RASA_VENV)/.installed bot/models/.trained
	$(PY) scripts/run_all.py --shell

test-rasa: $(RASA_VENV)/.installed bot/models/.trained
	cd bot && $(RASA_ENV) ../$(RASA) data validate --fail-on-warnings
	rm -rf $(RASA_RESULTS) && mkdir -p $(RASA_RESULTS)
	cd bot && $(RASA_ENV) ../$(RASA) test --model models/begrotingswijzer.tar.gz \
		--stories tests/test_stories.yml --nlu tests/test_nlu.yml \
		--out ../$(RASA_RESULTS) --no-plot --quiet
	$(PY310) scripts/rasa_test_report.py $(RASA_RESULTS) --stories bot/tests/test_stories.yml
	$(RASA_ENV) $(RASA_VENV)/bin/pytest -q --confcutdir=tests/actions tests/actions
	$(RASA_ENV) $(RASA_VENV)/bin/pytest -q tests/nlu
