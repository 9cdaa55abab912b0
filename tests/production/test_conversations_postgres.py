"""The conversation store (turns, handoff codes, reviews) on a real PostgreSQL from Debian, started on loopback
by scripts/production.py's own definitions: the same contract as the SQLite store."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import production  # noqa: E402  (scripts/ is not a package)
import run_all  # noqa: E402

from knowledge.conversations import PostgresConversationStore, open_conversations  # noqa: E402
from tests.knowledge.test_conversations import check_store_contract  # noqa: E402


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """PostgreSQL alone (no Redis, Rasa or load balancer), with the feedback database; yields its URL."""
    missing = [p for p in production.missing_programs() if "postgres" in p or "initdb" in p]
    assert not missing, f"not installed: {missing}; `make test-production` installs them (apt-get)"
    topo = production.Topology(base=ROOT / "var" / "conversations-postgres")
    topo.prepare()
    postgres = topo.services[:1]
    try:
        run_all.start_all(postgres, log=lambda _line: None)
        topo.create_databases()
        yield topo.database_url("feedback")
    finally:
        run_all.stop_all(postgres)


def test_postgres_store_contract(database: str) -> None:
    store = open_conversations(Path("unused.sqlite"), database)
    assert isinstance(store, PostgresConversationStore)
    check_store_contract(store, f"pg-{uuid.uuid4().hex[:8]}")
    assert "***" in store.label and database.split(":")[2].split("@")[0] not in store.label
