"""Layering rules: knowledge never imports rasa; FastAPI only in knowledge/api.py; no work at import time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_knowledge_never_imports_rasa() -> None:
    for path in (ROOT / "knowledge").rglob("*.py"):
        assert not {"rasa", "rasa_sdk"} & _imports(path), path


def test_fastapi_only_in_api_module() -> None:
    for path in (ROOT / "knowledge").rglob("*.py"):
        if path.name != "api.py":
            assert not {"fastapi", "starlette", "pydantic"} & _imports(path), path


def test_nlu_core_is_dependency_free() -> None:
    for name in ("entities.py", "privacy.py", "glossary.py"):
        assert _imports(ROOT / "nlu" / name) <= {"__future__", "re", "difflib", "unicodedata", "dataclasses",
                                                 "typing", "collections", "logging", "urllib"}, name


def test_no_constant_names_a_line_year_programme_or_municipality() -> None:
    """Vocabulary comes from the parsed corpus: the understanding and answering code names none of it."""
    budget = (ROOT / "data").glob("*.txt")
    names = {"Leiden", "Leidse", "Bestuur en dienstverlening", "Dienstverlening", "Holland Rijnland",
             "Gouwe-Rijnland", "Egalisatiereserve", "Reserve raad", "2026", "BUDGET_YEAR", "LINES ="}
    assert list(budget), "the corpus is where these names live"
    packages = sorted(f"{pkg}/{p.name}" for pkg in ("service", "vocabulary")
                      for p in (ROOT / "knowledge" / pkg).glob("*.py"))  # stages that outgrew one file
    assert len(packages) >= 6, "the service and vocabulary packages hold routing and subjects"
    modules = ["understand.py", "intent.py", "wording.py", "money_verbs.py", "cues.py", "context.py", "table_answer.py",
               "row_cells.py", "description.py", "answer.py", "quote.py", *packages, "retrieve.py", "lexical.py",
               "serialize.py", "checks.py", "coverage.py", "abbreviation.py", "purpose.py", "comparison.py",
               "outline.py"]
    for name in modules:
        code = "\n".join(line for line in (ROOT / "knowledge" / name).read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        found = {n for n in names if n in code}
        assert not found, (name, found)
    for name in ("entities.py", "glossary.py"):
        code = (ROOT / "nlu" / name).read_text(encoding="utf-8")
        assert not {n for n in ("Leiden", "Holland Rijnland", "Gouwe", "Reserve raad", "Dienstverlening\"")
                    if n in code}, name


def test_importing_the_service_loads_no_model() -> None:
    code = ("import sys, knowledge.api, knowledge.factory, knowledge.service; "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
