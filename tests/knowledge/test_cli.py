"""The command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.serialize import ANSWER_KEYS
from tests.conftest import BUDGET, ROOT


def _run(args: list[str], env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)


def _env(tmp_path: Path, data: Path, model: str = "hashing") -> dict[str, str]:
    return {"BW_DATA_DIR": str(data), "BW_INDEX_DIR": str(tmp_path / "index"), "BW_EMBED_MODEL": model}


def test_build_then_sections_shows_the_tree(tmp_path: Path, data_dir: Path) -> None:
    env = _env(tmp_path, data_dir)
    built = _run(["build", str(data_dir)], env)
    assert built.returncode == 0, built.stderr
    assert "Indexeren" in built.stderr  # the progress bar
    tree = _run(["sections"], env)
    assert tree.returncode == 0
    out = tree.stdout
    for line in ("3.1.1 Bestuur en dienstverlening", "1A Bestuur", "1A2.3 Organiseren van verkiezingen",
                 "Belastingsamenwerking Gouwe-Rijnland", "Reserve rekenkamer", "1B1.b Tevredenheidscore",
                 "tabel 'Bestuur en dienstverlening' (78 cellen)"):
        assert line in out
    assert out.index("1A1 Volksvertegenwoordiging") < out.index("1A1.1 De gemeenteraad") < out.index("1A2 Dagelijks")


def test_failed_build_names_file_and_keeps_index(tmp_path: Path, data_dir: Path) -> None:
    env = _env(tmp_path, data_dir)
    assert _run(["build", str(data_dir)], env).returncode == 0
    (data_dir / "kapot.txt").write_bytes("caf\xe9".encode("latin-1"))
    failed = _run(["build", str(data_dir)], env)
    assert failed.returncode == 1
    assert "kapot.txt" in failed.stderr and "UTF-8" in failed.stderr
    assert "niet veranderd" in failed.stderr
    assert (tmp_path / "index" / "manifest.json").exists()


def test_ask_json_batch_keeps_order(tmp_path: Path, data_dir: Path) -> None:
    questions = tmp_path / "vragen.txt"
    questions.write_text("Wat kost dienstverlening in 2027?\n\nWat zijn de baten van bestuur in 2024?\n",
                         encoding="utf-8")
    result = _run(["ask", "--json", "--batch", str(questions)], _env(tmp_path, data_dir))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["Wat kost dienstverlening in 2027?",
                                            "Wat zijn de baten van bestuur in 2024?"]
    assert "€ 14.984.000" in rows[0]["answer"] and "€ 199.000" in rows[1]["answer"]
    assert set(rows[0]) == set(ANSWER_KEYS)
    assert set(rows[0]["citations"][0]) == {"n", "document", "section_id", "code", "title", "path", "url", "quote",
                                              "document_title"}


def test_ask_refuses_empty_and_overlong(tmp_path: Path, data_dir: Path) -> None:
    env = _env(tmp_path, data_dir)
    assert _run(["ask", "  "], env).returncode == 2
    long = _run(["ask", "x" * 1001], env)
    assert long.returncode == 2 and "maximaal 1000" in long.stderr


@pytest.mark.slow
def test_ask_with_the_real_model_prints_sources(tmp_path: Path) -> None:
    env = {"BW_DATA_DIR": str(BUDGET.parent), "BW_INDEX_DIR": str(ROOT / "var" / "index")}
    result = _run(["ask", "Wanneer zijn de gemeenteraadsverkiezingen?"], env)
    assert result.returncode == 0, result.stderr
    assert "maart 2026" in result.stdout
    assert "Bronnen:" in result.stdout and "1A2.3" in result.stdout


def test_ask_explain_prints_the_frame_and_the_route(tmp_path: Path, data_dir: Path) -> None:
    result = _run(["ask", "--explain", "Hoeveel kost de reserve rekenkamer in 2027 aan onttrekkingen?"],
                  _env(tmp_path, data_dir))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bedoeling: amount" in out and "Reserve rekenkamer [reserve]" in out
    assert "maat:         onttrekking" in out and "jaren: 2027" in out  # the measure named, not the verb 'kost'
    assert "antwoord uit: Reserve rekenkamer · onttrekking · 2027" in out
    assert "route:        table" in out and "€ 15.000" in out
