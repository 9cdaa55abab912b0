"""ASGI app factory for running the knowledge service under uvicorn with several workers.

`python -m knowledge serve` runs one process; scripts/production.py runs
``uvicorn --factory knowledge_app:create --app-dir scripts --workers 2`` so that every worker builds its own app
from the BW_* environment (e.g. BW_FEEDBACK_URL=postgresql://… for a store the workers share).
"""

from __future__ import annotations

from fastapi import FastAPI

from knowledge.api import create_app
from knowledge.settings import Settings


def create() -> FastAPI:
    """The knowledge API with settings from the environment."""
    return create_app(Settings.from_env())
