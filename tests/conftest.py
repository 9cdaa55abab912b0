"""Shared fixtures: the real budget text, a fake-embedder index for unit tests, the real service."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the Rasa venv (Python 3.10) also loads this file for tests/nlu: import lazily
    from knowledge.settings import Settings
    from knowledge.types import Section, Table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUDGET = DATA / "leiden-2026-programma-1-bestuur-en-dienstverlening.txt"
DOC = BUDGET.stem
REAL_MODEL = ROOT / "var" / "models" / "multilingual-e5-small"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def budget_text() -> str:
    """The real budget text as received."""
    return BUDGET.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed(budget_text: str) -> tuple[str, list[Section], list[Table]]:
    """The real budget, parsed."""
    from knowledge.parse import parse_budget

    return parse_budget(DOC, budget_text)


@pytest.fixture(scope="session")
def sections(parsed: tuple[str, list[Section], list[Table]]) -> dict[str, Section]:
    """Sections of the real budget by slug."""
    return {s.slug: s for s in parsed[1]}


@pytest.fixture(scope="session")
def tables(parsed: tuple[str, list[Section], list[Table]]) -> dict[str, Table]:
    """Tables of the real budget by the slug of their section."""
    return {t.section_id.split(":", 1)[1]: t for t in parsed[2]}


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding a copy of the real budget."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(BUDGET, folder / BUDGET.name)
    return folder


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for an index built from the real budget with the deterministic fake embedder."""
    from knowledge.settings import Settings

    tmp = tmp_path_factory.mktemp("fake")
    return Settings(data_dir=DATA, index_dir=tmp / "index", model="hashing", feedback_db=tmp / "feedback.sqlite",
                    web_dir=ROOT / "web")


@pytest.fixture(scope="session")
def fake_service(fake_settings: Settings) -> Any:
    """A service over the real budget with the fake embedder: fast, for unit tests."""
    from knowledge.embedding import HashingEmbedder
    from knowledge.factory import build_service

    return build_service(fake_settings, embedder=HashingEmbedder())


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the real model; the index is the project's own (built once if missing)."""
    from knowledge.settings import Settings

    tmp = tmp_path_factory.mktemp("real")
    return Settings(data_dir=DATA, index_dir=ROOT / "var" / "index", model=str(REAL_MODEL),
                    feedback_db=tmp / "feedback.sqlite", web_dir=ROOT / "web")


@pytest.fixture(scope="session")
def real_service(real_settings: Settings) -> Any:
    """The real service: real budget, real e5 model, hybrid retrieval."""
    from knowledge.factory import build_service

    if not REAL_MODEL.exists():
        pytest.fail(f"model missing at {REAL_MODEL}: run `make setup`")
    return build_service(real_settings)
