# Embedding and the socket.io channel: socket.io-client from npm (a client nobody here wrote) for
# tests/e2e/test_socketio.py, in its own prefix (an `npm install --no-save` into var/node would prune axe-core).
# Node and npm come from Debian when missing. `make setup` installs it once (stamp file).
SOCKETIO_CLIENT_VERSION := 4.8.1
SOCKETIO_DIR := var/node-socketio
SOCKETIO_STAMP := $(SOCKETIO_DIR)/.installed

SETUP_TARGETS += $(SOCKETIO_STAMP)

$(SOCKETIO_STAMP): mk/widget.mk
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "Installing Debian nodejs and npm"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q nodejs npm; \
	fi
	@if ! grep -qs '"version": "$(SOCKETIO_CLIENT_VERSION)"' $(SOCKETIO_DIR)/node_modules/socket.io-client/package.json; then \
	  mkdir -p $(SOCKETIO_DIR) && npm install --no-save --no-package-lock --no-audit --no-fund \
	    --prefix $(SOCKETIO_DIR) socket.io-client@$(SOCKETIO_CLIENT_VERSION); \
	fi
	touch $@
