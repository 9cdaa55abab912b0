# Web pages (web/) and their browser tests (tests/web): Debian chromium + chromedriver driven by Selenium,
# axe-core from npm for the accessibility checks. `make setup` installs what is missing, once (stamp file).
WEB_STAMP := var/web/.installed
AXE_CORE_VERSION := 4.14.1
NODE_DIR := var/node
AXE_JS := $(NODE_DIR)/node_modules/axe-core/axe.min.js
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

SETUP_TARGETS += $(WEB_STAMP)

.PHONY: web-test

$(WEB_STAMP): requirements-web.txt mk/web.mk $(VENV)/.installed
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  echo "Installing Debian chromium and chromium-driver"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi
	$(PY) -m pip install -q -r requirements-web.txt
	@if [ ! -f $(AXE_JS) ] || ! grep -q '"version": "$(AXE_CORE_VERSION)"' $(NODE_DIR)/node_modules/axe-core/package.json; then \
	  mkdir -p $(NODE_DIR) && npm install --no-save --no-package-lock --no-audit --no-fund --prefix $(NODE_DIR) axe-core@$(AXE_CORE_VERSION); \
	fi
	mkdir -p $(dir $@) && touch $@

# Only the browser tests; screenshots and axe results land in test-artifacts/.
web-test: $(WEB_STAMP)
	$(VENV)/bin/pytest -q tests/web
