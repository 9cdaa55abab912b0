"""Small HTTP client for the knowledge service (answer, feedback, handoff code, health); stdlib only."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from actions.settings import Settings, load_settings
from knowledge.serialize import OPTION_KEYS, RESOLVED_KEYS, YEAR_KEYS
from nlu.privacy import mask_pii

logger = logging.getLogger(__name__)

CONTEXT_KEYS = RESOLVED_KEYS


class KnowledgeUnavailable(Exception):
    """The knowledge service is down, too slow or answered with an error."""


@dataclass(frozen=True)
class KnowledgeAnswer:
    """The parsed answer of POST /api/answer."""

    question: str
    answered: bool
    answer: str
    confidence: float = 0.0
    citations: list[dict[str, Any]] = field(default_factory=list)
    resolved: dict[str, Any] = field(default_factory=dict)
    clarify: dict[str, Any] | None = None
    series: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any], question: str) -> KnowledgeAnswer:
        """Build an answer from the service's JSON, tolerating missing optional fields."""
        citations = data.get("citations") or []
        resolved = data.get("resolved") or {}
        return cls(
            question=str(data.get("question") or question),
            answered=bool(data.get("answered")),
            answer=str(data.get("answer") or ""),
            confidence=float(data.get("confidence") or 0.0),
            citations=[c for c in citations if isinstance(c, dict)],
            resolved={k: resolved.get(k) for k in CONTEXT_KEYS} if isinstance(resolved, dict) else {},
            clarify=_clarify(data.get("clarify")),
            series=data.get("series") if isinstance(data.get("series"), dict) else None,
        )


def _clarify(data: Any) -> dict[str, Any] | None:
    """A clarifying question with its options, or None."""
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        return None
    options = [{k: str(o.get(k) or "") for k in OPTION_KEYS} for o in data.get("options") or [] if isinstance(o, dict)]
    return {"question": data["question"], "options": [o for o in options if o["label"] and o["question"]]}


def clean_context(context: dict[str, Any] | None) -> dict[str, Any] | None:
    """Keep only the contract's context keys; the year becomes an int (or None)."""
    if not context:
        return None
    cleaned: dict[str, Any] = {key: context.get(key) or None for key in CONTEXT_KEYS}
    for key in YEAR_KEYS:
        try:
            cleaned[key] = int(float(cleaned[key])) if cleaned[key] is not None else None
        except (TypeError, ValueError):
            cleaned[key] = None
    if all(value is None for value in cleaned.values()):
        return None
    return cleaned


class KnowledgeClient:
    """Blocking JSON client with a hard timeout; use the ``*_async`` methods from actions."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        """Remember where the service is and how long to wait for it."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> KnowledgeClient:
        """Create a client from actions.settings."""
        settings = settings or load_settings()
        return cls(settings.knowledge_url, settings.knowledge_timeout)

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        """Send one request and return (status, decoded JSON or None); raise KnowledgeUnavailable on failure."""
        body = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raise KnowledgeUnavailable(f"{method} {path}: HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise KnowledgeUnavailable(f"{method} {path}: {error}") from error
        if not raw:
            return status, None
        try:
            return status, json.loads(raw.decode("utf-8"))
        except ValueError as error:
            raise KnowledgeUnavailable(f"{method} {path}: invalid JSON") from error

    def answer(self, question: str, context: dict[str, Any] | None = None,
               conversation_id: str | None = None) -> KnowledgeAnswer:
        """Ask a (masked) question with optional context; raise KnowledgeUnavailable when that fails."""
        masked = mask_pii(question)
        payload: dict[str, Any] = {"question": masked}
        cleaned = clean_context(context)
        if cleaned:
            payload["context"] = cleaned
        if conversation_id:
            payload["conversation_id"] = conversation_id[:100]  # the service logs the turn, masked
        logger.info("Asking knowledge: %r context=%s", masked, cleaned)
        _, data = self._request("POST", "/api/answer", payload)
        if not isinstance(data, dict):
            raise KnowledgeUnavailable("POST /api/answer: unexpected response")
        return KnowledgeAnswer.from_json(data, masked)

    def feedback(self, question: str, answer: str, helped: bool, conversation_id: str | None) -> bool:
        """Store feedback with the knowledge service; return False (and log) when that fails."""
        payload = {
            "question": mask_pii(question),
            "answer": mask_pii(answer),
            "helped": helped,
            "source": "rasa",
            "conversation_id": conversation_id,
        }
        try:
            status, _ = self._request("POST", "/api/feedback", payload)
        except KnowledgeUnavailable as error:
            logger.warning("Feedback not stored: %s", error)
            return False
        return 200 <= status < 300

    def handoff_code(self, conversation_id: str, reason: str, question: str | None = None) -> str | None:
        """A phone handoff code for the conversation, or None (and a log line) when the service cannot make one."""
        payload: dict[str, Any] = {"conversation_id": conversation_id[:100], "reason": reason}
        if question:
            payload["question"] = mask_pii(question)
        try:
            _, data = self._request("POST", "/api/handoff", payload)
        except KnowledgeUnavailable as error:
            logger.warning("No handoff code: %s", error)
            return None
        code = data.get("code") if isinstance(data, dict) else None
        return code if isinstance(code, str) and code else None

    def health(self) -> bool:
        """Return True when GET /health answers 200."""
        try:
            status, _ = self._request("GET", "/health")
        except KnowledgeUnavailable:
            return False
        return status == 200

    async def answer_async(self, question: str, context: dict[str, Any] | None = None,
                           conversation_id: str | None = None) -> KnowledgeAnswer:
        """Run :meth:`answer` in a worker thread so the action server's event loop never blocks."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.answer, question, context, conversation_id), timeout=self.timeout + 1.0
            )
        except asyncio.TimeoutError as error:
            raise KnowledgeUnavailable("POST /api/answer: timed out") from error

    async def feedback_async(self, question: str, answer: str, helped: bool, conversation_id: str | None) -> bool:
        """Run :meth:`feedback` in a worker thread."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.feedback, question, answer, helped, conversation_id),
                timeout=self.timeout + 1.0,
            )
        except asyncio.TimeoutError:
            logger.warning("Feedback not stored: timed out")
            return False

    async def handoff_code_async(self, conversation_id: str, reason: str, question: str | None = None) -> str | None:
        """Run :meth:`handoff_code` in a worker thread; None when it fails or takes too long."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.handoff_code, conversation_id, reason, question), timeout=self.timeout + 1.0
            )
        except asyncio.TimeoutError:
            logger.warning("No handoff code: timed out")
            return None
