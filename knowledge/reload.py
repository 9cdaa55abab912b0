"""Hot reload: the running service picks up a new index without a restart, built off the request path.

The service is one reference in the app's state; a reload builds a complete new Service (knowledge.factory, the
model already loaded is reused) in a background thread or in the staff's reload request, then swaps that one
reference. Requests in flight keep the Service they started with, so none fails during the swap."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from knowledge.index import MANIFEST
from knowledge.settings import Settings

if TYPE_CHECKING:
    from knowledge.service import Service

log = logging.getLogger("knowledge.reload")
Signature = tuple[int, int, int]


class IndexReloader:
    """Watches the manifest of the index (one stat, at most once per interval) and swaps in a new Service."""

    def __init__(self, settings: Settings, state: dict[str, Any], interval: float = 1.0) -> None:
        self.settings = settings
        self.state = state
        self.interval = interval
        self.reloads = 0
        self.last_error: str | None = None
        self._seen: Signature | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()  # one reload at a time

    def signature(self) -> Signature | None:
        """Inode, modification time and size of the manifest; None while there is none (e.g. mid-swap)."""
        try:
            st = os.stat(self.settings.index_dir / MANIFEST)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def mark_loaded(self) -> None:
        """The index now on disk is the one in use."""
        self._seen = self.signature()

    def poll(self) -> None:
        """Called on every request: when the manifest changed, start a reload in the background and return."""
        if self.interval <= 0:
            return
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + self.interval
        seen = self.signature()
        if seen is None or seen == self._seen or self._lock.locked():
            return
        threading.Thread(target=self._reload_in_background, name="bw-index-reload", daemon=True).start()

    def _reload_in_background(self) -> None:
        if not self._lock.acquire(blocking=False):
            return
        try:
            seen = self.signature()
            if seen is None or seen == self._seen:
                return
            try:
                self._swap(seen)
            except Exception as exc:  # keep answering from the index in use; retry only when it changes again
                self._seen = seen
                self.last_error = str(exc)
                log.error("de nieuwe index kon niet geladen worden; de vorige blijft in gebruik: %s", exc)
        finally:
            self._lock.release()

    def reload(self) -> Service:
        """Load the index on disk now (rebuilt first when it is stale) and swap it in; raises when it cannot be
        loaded, and the service in use stays."""
        with self._lock:
            return self._swap(self.signature())

    def _swap(self, seen: Signature | None) -> Service:
        from knowledge.factory import build_service, load_embedder_for

        started = time.perf_counter()
        current = self.state.get("service")
        embedder = current.embedder if current is not None else None
        if embedder is None and self.settings.retrieval != "bm25":
            embedder = load_embedder_for(self.settings)
        service = build_service(self.settings, embedder)
        self.state["service"] = service  # the one reference requests read: a single atomic assignment
        self.state["index_fault"] = None
        self.state["model_fault"] = None
        self._seen = seen
        self.reloads += 1
        self.last_error = None
        index = service.index
        log.warning("nieuwe index in gebruik: %d documenten, %d stukken (geladen in %.1f s)",
                    len(index.corpus.documents), len(index.chunks), time.perf_counter() - started)
        return service
