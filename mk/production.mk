# Production topology for real (scripts/production.py): PostgreSQL, Redis and HAProxy from Debian, two Rasa
# replicas behind HAProxy, the action server, the knowledge service with two workers and its feedback store on
# PostgreSQL, all on loopback in var/production/. `make test-production` runs tests/production/ against it;
# `make production` starts it until Ctrl-C. When apt-get cannot install the servers the target fails (no skip).
PRODUCTION_STAMP := var/production-setup/.installed
PRODUCTION_PACKAGES := postgresql redis-server haproxy

TEST_TARGETS += test-production

.PHONY: production-setup production test-production load

$(PRODUCTION_STAMP): mk/production.mk
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v redis-server >/dev/null 2>&1 \
	    || ! command -v haproxy >/dev/null 2>&1; then \
	  echo "Installing Debian $(PRODUCTION_PACKAGES)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(PRODUCTION_PACKAGES) \
	    || { echo "ERROR: apt-get could not install $(PRODUCTION_PACKAGES); make test-production needs them" >&2; exit 1; }; \
	fi
	@# The Debian packages start their own system services where an init system runs; ours run in var/production.
	mkdir -p $(dir $@) && touch $@

# .venv-rasa/.installed spelled out: mk/rasa.mk (RASA_VENV) is read after this file.
production-setup: $(PRODUCTION_STAMP) $(VENV)/.installed .venv-rasa/.installed bot/models/.trained

production: production-setup $(MODEL_DIR)/.built
	$(PY) scripts/production.py up

test-production: production-setup $(MODEL_DIR)/.built
	$(VENV)/bin/pytest -q -rs tests/production

# 60 concurrent conversations x 4 turns through HAProxy and through one replica; writes reports/load_rasa.json.
load: production-setup $(MODEL_DIR)/.built
	$(PY) scripts/load_rasa.py
