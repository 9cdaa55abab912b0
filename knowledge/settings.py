"""The knowledge service's settings: read once (from the environment) and passed down."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from knowledge.limits import parse_networks, parse_rate

RETRIEVERS = ("bm25", "dense", "hybrid")
_ORIGIN = re.compile(r"https?://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                     r"|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?")


@dataclass(frozen=True)
class Settings:
    """Where data lives, which model and retrieval to use, and how to refer residents to the KCC."""

    data_dir: Path = Path("data")
    index_dir: Path = Path("var/index")
    model: str = "var/models/multilingual-e5-small"
    retrieval: str = "hybrid"
    table_answers: bool = True
    kcc_phone: str = "14 071"
    kcc_url: str = "https://www.leiden.nl/contact"
    kcc_chat: str = "de chat op www.leiden.nl"
    base_url: str = ""
    feedback_db: Path = Path("var/feedback.sqlite")
    # A postgresql:// URL puts the feedback store on PostgreSQL (several workers or hosts); empty = SQLite above.
    feedback_url: str = field(default="", repr=False)
    rasa_url: str = "http://127.0.0.1:5005"
    web_dir: Path = Path("web")
    max_question_chars: int = 1000
    min_confidence: float = 0.5
    municipality: str = ""
    # Staff-only endpoints (feedback, unanswered questions): a bearer token and/or HTTP basic credentials.
    # With none configured those endpoints stay closed.
    staff_token: str = field(default="", repr=False)
    staff_user: str = field(default="", repr=False)
    staff_password: str = field(default="", repr=False)
    # Edge limits: request bodies are refused above max_body_bytes before they are parsed; rate_limit is a token
    # bucket per client address on /api/* ("60/minute", "0" = off), except for the exempt addresses/networks
    # (e.g. the action server: every resident's turn reaches the API from its address).
    max_body_bytes: int = 64 * 1024
    rate_limit: str = "60/minute"
    rate_limit_exempt: tuple[str, ...] = ()
    # Content-Security-Policy frame-ancestors: who may embed the pages ("'self' https://www.leiden.nl").
    frame_ancestors: str = "'self'"
    # Sites that show the chat widget (web/static/widget.js): their origins may also frame /embed, the chat page
    # the widget opens ("https://www.leiden.nl,https://wonen.leiden.nl"). Empty: only this service itself.
    embed_origins: tuple[str, ...] = ()
    # The OpenAPI page at /docs (served from local files); the JSON at /openapi.json stays available.
    docs: bool = True
    # How often (seconds) a running service looks whether the index on disk changed, and then loads it
    # (BW_INDEX_WATCH; 0 = only on POST /api/reload).
    index_watch_seconds: float = 1.0
    # Phone handoff codes live this many hours (BW_HANDOFF_CODE_HOURS); logged conversation turns are deleted
    # after BW_TURN_RETENTION_HOURS unless a live code still points at their conversation.
    handoff_code_hours: float = 24.0
    turn_retention_hours: float = 24.0
    # Where `make eval` writes its reports (BW_REPORTS_DIR); the evaluators' page links the newest one.
    reports_dir: Path = Path("reports")

    def with_(self, **changes: object) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from BW_* environment variables, defaults otherwise."""
        e = dict(os.environ if env is None else env)
        base = cls()
        retrieval = e.get("BW_RETRIEVAL", base.retrieval)
        if retrieval not in RETRIEVERS:
            raise ValueError(f"BW_RETRIEVAL must be one of {RETRIEVERS}, not {retrieval!r}")
        return cls(
            data_dir=Path(e.get("BW_DATA_DIR", str(base.data_dir))),
            index_dir=Path(e.get("BW_INDEX_DIR", str(base.index_dir))),
            model=e.get("BW_EMBED_MODEL", base.model),
            retrieval=retrieval,
            table_answers=e.get("BW_TABLE_ANSWERS", "1") not in ("0", "false", "no"),
            kcc_phone=e.get("BW_KCC_PHONE", base.kcc_phone),
            kcc_url=e.get("BW_KCC_URL", base.kcc_url),
            kcc_chat=e.get("BW_KCC_CHAT", base.kcc_chat),
            base_url=e.get("BW_BASE_URL", base.base_url),
            feedback_db=Path(e.get("BW_FEEDBACK_DB", str(base.feedback_db))),
            feedback_url=e.get("BW_FEEDBACK_URL", "").strip(),
            rasa_url=e.get("BW_RASA_URL", base.rasa_url),
            web_dir=Path(e.get("BW_WEB_DIR", str(base.web_dir))),
            municipality=e.get("BW_MUNICIPALITY", base.municipality),
            staff_token=e.get("BW_STAFF_TOKEN", "").strip(),
            staff_user=e.get("BW_STAFF_USER", "").strip(),
            staff_password=e.get("BW_STAFF_PASSWORD", ""),
            max_body_bytes=_positive_int(e, "BW_MAX_BODY_BYTES", base.max_body_bytes),
            rate_limit=_checked_rate(e.get("BW_RATE_LIMIT", base.rate_limit)),
            rate_limit_exempt=_checked_networks(e.get("BW_RATE_LIMIT_EXEMPT", "")),
            frame_ancestors=e.get("BW_FRAME_ANCESTORS", base.frame_ancestors).strip() or base.frame_ancestors,
            embed_origins=checked_origins(e.get("BW_EMBED_ORIGINS", "")),
            docs=e.get("BW_DOCS", "1") not in ("0", "false", "no"),
            index_watch_seconds=_seconds(e, "BW_INDEX_WATCH", base.index_watch_seconds),
            handoff_code_hours=_hours(e, "BW_HANDOFF_CODE_HOURS", base.handoff_code_hours),
            turn_retention_hours=_hours(e, "BW_TURN_RETENTION_HOURS", base.turn_retention_hours),
            reports_dir=Path(e.get("BW_REPORTS_DIR", str(base.reports_dir))),
        )


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ValueError(f"{name} must be a number of seconds (0 = off), not {text!r}")
    return value


def _hours(env: dict[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{name} must be a positive number of hours, not {text!r}")
    return value


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {text!r}")
    return int(text)


def _checked_rate(text: str) -> str:
    parse_rate(text)  # raises ValueError with the expected form
    return text.strip()


def checked_origins(text: str) -> tuple[str, ...]:
    """Comma-separated web origins (scheme, host and optional port; no path) in lower case, or ValueError."""
    origins = []
    for item in (part.strip().rstrip("/").lower() for part in text.split(",")):
        if not item:
            continue
        if not _ORIGIN.fullmatch(item):
            raise ValueError(f"BW_EMBED_ORIGINS must list origins such as https://www.example.nl "
                             f"(scheme, host, optional port; no path or wildcard), not {item!r}")
        origins.append(item)
    return tuple(dict.fromkeys(origins))


def _checked_networks(text: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    parse_networks(items)  # raises ValueError on a bad address
    return items
