"""The knowledge service's settings: read once (from the environment) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

RETRIEVERS = ("bm25", "dense", "hybrid")


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
    rasa_url: str = "http://127.0.0.1:5005"
    web_dir: Path = Path("web")
    max_question_chars: int = 1000
    min_confidence: float = 0.5
    # Staff-only endpoints (feedback, unanswered questions): a bearer token and/or HTTP basic credentials.
    # With none configured those endpoints stay closed.
    staff_token: str = field(default="", repr=False)
    staff_user: str = field(default="", repr=False)
    staff_password: str = field(default="", repr=False)

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
            rasa_url=e.get("BW_RASA_URL", base.rasa_url),
            web_dir=Path(e.get("BW_WEB_DIR", str(base.web_dir))),
            staff_token=e.get("BW_STAFF_TOKEN", "").strip(),
            staff_user=e.get("BW_STAFF_USER", "").strip(),
            staff_password=e.get("BW_STAFF_PASSWORD", ""),
        )
