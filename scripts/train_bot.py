"""Train the Rasa model only when its inputs changed (content hash in bot/models/.trained); stdlib only."""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MODELS = BOT / "models"
STAMP = MODELS / ".trained"
MODEL_NAME = "begrotingswijzer"
MODEL_FILE = MODELS / f"{MODEL_NAME}.tar.gz"
RASA_VENV = ROOT / ".venv-rasa"
# Everything that changes the trained model.
INPUTS = ("bot/config.yml", "bot/domain.yml", "bot/data", "nlu/components.py", "requirements-rasa.txt")


def rasa_env() -> dict[str, str]:
    """Environment for Rasa processes: repo root and bot/ importable, quiet library warnings."""
    env = dict(os.environ)
    paths = [str(ROOT), str(BOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


def input_files() -> list[Path]:
    """List the training inputs in a stable order."""
    files: list[Path] = []
    for name in INPUTS:
        path = ROOT / name
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
        elif path.is_file():
            files.append(path)
    return files


def inputs_hash() -> str:
    """Hash the relative paths and contents of all training inputs."""
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def is_up_to_date() -> bool:
    """Return True when the model exists and was trained from the current inputs."""
    return MODEL_FILE.is_file() and STAMP.is_file() and STAMP.read_text().strip() == inputs_hash()


def train(force: bool = False) -> int:
    """Train when needed; return the process exit code."""
    if not force and is_up_to_date():
        print(f"Rasa model is up to date: {MODEL_FILE.relative_to(ROOT)}")
        return 0
    rasa = RASA_VENV / "bin" / "rasa"
    if not rasa.exists():
        print(f"{rasa} not found: run 'make setup' first", file=sys.stderr)
        return 1
    digest = inputs_hash()
    MODELS.mkdir(parents=True, exist_ok=True)
    command = [
        str(rasa), "train", "--fixed-model-name", MODEL_NAME, "--out", "models", "--force",
        "--num-threads", str(os.cpu_count() or 1),
    ]
    print("Training Rasa model ...", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=BOT, env=rasa_env())
    seconds = time.monotonic() - started
    if result.returncode != 0 or not MODEL_FILE.is_file():
        print(f"Rasa training failed after {seconds:.0f} s", file=sys.stderr)
        return result.returncode or 1
    STAMP.write_text(digest + "\n")
    print(f"Rasa model trained in {seconds:.0f} s: {MODEL_FILE.relative_to(ROOT)}")
    return 0


def main() -> int:
    """Command line: train [--force] [--check]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="train even when nothing changed")
    parser.add_argument("--check", action="store_true", help="exit 1 when the model is out of date")
    args = parser.parse_args()
    if args.check:
        up_to_date = is_up_to_date()
        print("up to date" if up_to_date else "out of date")
        return 0 if up_to_date else 1
    return train(force=args.force)


if __name__ == "__main__":
    sys.exit(main())
