"""FastAPI edge: the knowledge API, the web pages and the chat proxy. Pydantic lives only here."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, field_validator

from knowledge.answer import section_url
from knowledge.feedback import FeedbackSource, FeedbackStore, FeedbackStoreError
from knowledge.serialize import answer_json
from knowledge.service import Service
from knowledge.settings import Settings
from knowledge.types import Resolved
from nlu.privacy import install_log_masking, mask_pii

log = logging.getLogger("knowledge.api")


class Context(BaseModel):
    """Slots of a conversation, for follow-up questions."""

    year: int | None = Field(None, ge=1900, le=2200)
    line: str | None = Field(None, max_length=100)
    measure: str | None = Field(None, max_length=100)
    topic: str | None = Field(None, max_length=300)
    subject: str | None = Field(None, max_length=300)
    intent: str | None = Field(None, max_length=40)
    document: str | None = Field(None, max_length=300)


class AnswerRequest(BaseModel):
    """A question, optionally with conversation context."""

    question: str
    context: Context | None = None


class FeedbackRequest(BaseModel):
    """Helped or didn't help, with the question and answer it is about."""

    question: str = Field(..., max_length=4000)
    answer: str = Field("", max_length=8000)
    helped: bool
    source: FeedbackSource = FeedbackSource.WEB
    conversation_id: str | None = Field(None, max_length=100)

    @field_validator("source", mode="before")
    @classmethod
    def _legacy_source(cls, value: object) -> object:
        """The action server used to send "bot" for the Rasa assistant."""
        return FeedbackSource.RASA.value if value == "bot" else value


class ChatRequest(BaseModel):
    """A message for the Rasa assistant."""

    sender: str = Field(..., min_length=1, max_length=100)
    message: str


def _check_question(text: str, settings: Settings) -> str:
    question = text.strip()
    if not question:
        raise HTTPException(400, "De vraag is leeg. Typ een vraag over de begroting.")
    if len(question) > settings.max_question_chars:
        raise HTTPException(413, f"De vraag is te lang. Gebruik maximaal {settings.max_question_chars} tekens.")
    return question


STAFF_REALM = "Begrotingswijzer medewerkers"
STAFF_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Inloggegevens van een medewerker ontbreken of kloppen niet (Bearer-token of Basic)."},
    403: {"description": "Er zijn geen inloggegevens voor medewerkers ingesteld: het overzicht is gesloten."},
    503: {"description": "De feedbackopslag is nu niet beschikbaar."},
}


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def staff_guard(settings: Settings) -> Any:
    """A dependency that admits only staff: ``Authorization: Bearer BW_STAFF_TOKEN`` or HTTP basic
    ``BW_STAFF_USER``/``BW_STAFF_PASSWORD``. Without configured credentials every request is refused (403)."""
    token, user, password = settings.staff_token, settings.staff_user, settings.staff_password
    basic = bool(user and password)
    challenges = ([f'Bearer realm="{STAFF_REALM}"'] if token else []) + (
        [f'Basic realm="{STAFF_REALM}", charset="UTF-8"'] if basic else [])

    def require_staff(request: Request) -> None:
        if not token and not basic:
            raise HTTPException(403, "Dit overzicht is alleen voor medewerkers en is gesloten: er zijn geen "
                                     "inloggegevens ingesteld (BW_STAFF_TOKEN of BW_STAFF_USER en "
                                     "BW_STAFF_PASSWORD).")
        scheme, _, credentials = request.headers.get("authorization", "").strip().partition(" ")
        credentials = credentials.strip()
        if token and scheme.lower() == "bearer" and _same(credentials, token):
            return
        if basic and scheme.lower() == "basic":
            try:
                given_user, sep, given_password = base64.b64decode(credentials, validate=True).decode(
                    "utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                given_user, sep, given_password = "", "", ""
            if sep and _same(given_user, user) & _same(given_password, password):
                return
        raise HTTPException(401, "Log in als medewerker om dit overzicht te zien: de inloggegevens ontbreken "
                                 "of kloppen niet.", headers={"WWW-Authenticate": ", ".join(challenges)})

    return require_staff


def create_app(settings: Settings, service: Service | None = None, store: FeedbackStore | None = None) -> FastAPI:
    """Build the app; the model and index load once at start-up (or use the service passed in)."""
    state: dict[str, Any] = {"service": service, "store": store}
    install_log_masking()  # every log line of this process (ours, uvicorn's access log) is masked
    staff_only = [Depends(staff_guard(settings))]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state["service"] is None:
            from knowledge.factory import build_service

            state["service"] = build_service(settings)
        if state["store"] is None:
            state["store"] = FeedbackStore(settings.feedback_db)
        yield

    app = FastAPI(title="Begrotingswijzer kennis-API", version="0.1.0", lifespan=lifespan,
                  description="Antwoorden met bronnen uit de programmabegroting.")

    def svc() -> Service:
        return state["service"]  # type: ignore[no-any-return]

    def feedback_store() -> FeedbackStore:
        return state["store"]  # type: ignore[no-any-return]

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        kinds = {e.get("type") for e in exc.errors()}
        if "json_invalid" in kinds:
            return JSONResponse({"detail": "De aanvraag is geen geldige JSON."}, status_code=400)
        fields = ", ".join(sorted({str(e.get("loc", ["?"])[-1]) for e in exc.errors()}))
        return JSONResponse({"detail": f"De aanvraag klopt niet: controleer het veld {fields}."}, status_code=422)

    @app.exception_handler(FeedbackStoreError)
    async def store_down(request: Request, exc: FeedbackStoreError) -> JSONResponse:
        log.warning("feedback store unavailable on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": "De feedbackopslag is nu niet beschikbaar. Probeer het later opnieuw."},
                            status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s: %s", request.url.path, mask_pii(repr(exc)))
        return JSONResponse({"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}, status_code=500)

    @app.get("/health")
    def health() -> dict[str, Any]:
        index = svc().index
        return {"status": "ok", "documents": len(index.corpus.documents), "chunks": len(index.chunks),
                "model": index.model, "retrieval": settings.retrieval}

    @app.post("/api/answer")
    def answer(body: AnswerRequest) -> dict[str, Any]:
        question = _check_question(body.question, settings)
        slots = body.context.model_dump() if body.context else {}
        context = Resolved(**slots) if any(v is not None for v in slots.values()) else None
        result = svc().answer(question, context)
        if not result.answered:
            feedback_store().add_unanswered(question, "abstain")
        return answer_json(result)

    @app.get("/api/search")
    def search(q: str = Query("", max_length=2000), k: int = Query(5, ge=1, le=50)) -> dict[str, Any]:
        query = _check_question(q, settings)
        service = svc()
        results = service.search(query, k)
        titles = {d.id: d.title for d in service.index.corpus.documents}
        return {
            "query": query,
            "answer": answer_json(service.answer(query)),
            "results": [
                {"section_id": r.section.id, "document": r.section.document_id,
                 "document_title": titles.get(r.section.document_id, ""), "code": r.section.code,
                 "title": r.section.title,
                 "path": list(r.section.path), "url": section_url(settings, r.section.id),
                 "snippet": r.snippet, "score": r.score}
                for r in results
            ],
        }

    @app.get("/api/sections/{section_id:path}")
    def section(section_id: str) -> dict[str, Any]:
        index = svc().index
        found = index.corpus.section(section_id)
        if found is None:
            raise HTTPException(404, "Dit onderdeel van de begroting bestaat niet.")
        children = [{"id": s.id, "code": s.code, "title": s.title}
                    for s in index.corpus.sections if s.parent_id == found.id]
        tables = [
            {"id": t.id, "title": t.title, "unit": t.unit, "columns": list(t.columns),
             "rows": [[c.line, c.measure, c.year, c.kind, c.raw] for c in t.cells]}
            for t in index.corpus.tables if t.section_id == found.id
        ]
        title = next((d.title for d in index.corpus.documents if d.id == found.document_id), found.document_id)
        return {**{k: v for k, v in asdict(found).items() if k != "document_id"}, "document": found.document_id,
                "document_title": title, "path": list(found.path), "children": children, "tables": tables}

    @app.get("/api/documents")
    def documents() -> list[dict[str, Any]]:
        corpus = svc().index.corpus
        return [{**asdict(d), "sections": sum(1 for s in corpus.sections if s.document_id == d.id)}
                for d in corpus.documents]

    @app.post("/api/feedback", status_code=201, responses={503: STAFF_RESPONSES[503]})
    def feedback(body: FeedbackRequest) -> dict[str, int]:
        if not body.question.strip():
            raise HTTPException(400, "De vraag ontbreekt in de feedback.")
        new_id = feedback_store().add_feedback(body.question, body.answer, body.helped, body.source,
                                               body.conversation_id)
        return {"id": new_id}

    @app.get("/api/feedback", dependencies=staff_only, responses=STAFF_RESPONSES)
    def feedback_list(limit: int = Query(50, ge=1, le=1000)) -> list[dict[str, Any]]:
        return [asdict(r) for r in feedback_store().feedback(limit)]

    @app.get("/api/unanswered", dependencies=staff_only, responses=STAFF_RESPONSES)
    def unanswered(limit: int = Query(50, ge=1, le=1000)) -> list[dict[str, Any]]:
        return [{"question": q, "count": n} for q, n in feedback_store().unanswered(limit)]

    @app.post("/api/chat")
    async def chat(body: ChatRequest) -> Any:
        _check_question(body.message, settings)
        url = f"{settings.rasa_url.rstrip('/')}/webhooks/rest/webhook"
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                # Only the message text is masked; the sender id is an id and goes as it is.
                reply = await client.post(url, json={"sender": body.sender, "message": mask_pii(body.message)})
                reply.raise_for_status()
                return reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("assistant unreachable: %s", type(exc).__name__)
            raise HTTPException(503, "De assistent is nu niet bereikbaar. Probeer het later opnieuw of bel "
                                     f"het KCC via {settings.kcc_phone}.") from exc

    _mount_pages(app, settings)
    return app


def _mount_pages(app: FastAPI, settings: Settings) -> None:
    web = settings.web_dir

    def page(name: str) -> FileResponse:
        path = web / name
        if not path.is_file():
            raise HTTPException(404, "Deze pagina is niet gevonden.")
        return FileResponse(path, media_type="text/html; charset=utf-8")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return page("chat.html")

    @app.get("/kcc", include_in_schema=False)
    def kcc_page() -> FileResponse:
        return page("kcc.html")

    @app.get("/sections/{section_id:path}", include_in_schema=False)
    def section_page(section_id: str) -> FileResponse:
        return page("section.html")

    if (web / "static").is_dir():
        app.mount("/static", StaticFiles(directory=web / "static"), name="static")
