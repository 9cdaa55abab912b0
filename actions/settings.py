"""All configurable values of the action server in one place (environment variables with defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_float(name: str, default: float) -> float:
    """Read a float environment variable, falling back to ``default`` when unset or invalid."""
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "ja", "yes", "on" are true)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "ja", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Action server settings: knowledge service location and the KCC contact details."""

    knowledge_url: str = "http://localhost:8000"
    knowledge_timeout: float = 5.0
    knowledge_public_url: str = "http://localhost:8000"
    kcc_phone: str = "14 071"
    kcc_website: str = "https://www.leiden.nl/contact"
    kcc_chat_url: str = "https://www.leiden.nl/contact"
    ask_feedback: bool = True


def load_settings() -> Settings:
    """Build the settings from the environment (read on every call, so tests can change it)."""
    knowledge_url = os.environ.get("KNOWLEDGE_URL", Settings.knowledge_url).rstrip("/")
    # KCC_* first; the knowledge service's BW_KCC_* names work too, so one setting serves both.
    website = os.environ.get("KCC_WEBSITE") or os.environ.get("BW_KCC_URL") or Settings.kcc_website
    return Settings(
        knowledge_url=knowledge_url,
        knowledge_timeout=_env_float("KNOWLEDGE_TIMEOUT", Settings.knowledge_timeout),
        knowledge_public_url=os.environ.get("KNOWLEDGE_PUBLIC_URL", knowledge_url).rstrip("/"),
        kcc_phone=os.environ.get("KCC_PHONE") or os.environ.get("BW_KCC_PHONE") or Settings.kcc_phone,
        kcc_website=website,
        kcc_chat_url=os.environ.get("KCC_CHAT_URL") or website,
        ask_feedback=_env_bool("BOT_ASK_FEEDBACK", Settings.ask_feedback),
    )
