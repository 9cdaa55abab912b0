"""FastAPI edge: the knowledge API, the web pages and the chat proxy. Pydantic lives only here."""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import importlib.util
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from knowledge import begrippen, review
from knowledge.answer import section_url
from knowledge.conversations import ConversationStore, open_conversations
from knowledge.feedback import FeedbackSource, FeedbackStore, FeedbackStoreError, open_store
from knowledge.handoff_codes import normalise_code, spoken
from knowledge.limits import RateLimiter, parse_rate, retry_after
from knowledge.reload import IndexReloader
from knowledge.serialize import QUOTE_LIMIT, answer_json
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
    earlier: int | None = Field(None, ge=1900, le=2200)
    quote: str | None = Field(None, max_length=QUOTE_LIMIT)
    listing: str | None = Field(None, max_length=QUOTE_LIMIT)


class AnswerRequest(BaseModel):
    """A question, optionally with conversation context."""

    question: str
    context: Context | None = None
    # The Rasa sender id: the turn is then logged (masked) for a phone handoff and the evaluators.
    conversation_id: str | None = Field(None, min_length=1, max_length=100)


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


class HandoffRequest(BaseModel):
    """Ask for a phone handoff code for a conversation (the action server does, when the bot hands over)."""

    conversation_id: str = Field(..., min_length=1, max_length=100)
    reason: str = Field("request", pattern=r"^[a-z_]{1,40}$")
    # A message the bot refused without asking this service (out of scope): logged as an unanswered turn.
    question: str | None = Field(None, max_length=4000)


class ReviewRequest(BaseModel):
    """An evaluator's verdict on a logged turn and, optionally, the section that holds the right answer."""

    correct: bool
    section_id: str | None = Field(None, max_length=300)


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


class ErrorBody(BaseModel):
    """Every error answers this shape, with a Dutch message."""

    detail: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Documented on every route (FastAPI(responses=...)); routes add their own (staff 401/403, store 503).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("De aanvraag is geen geldige JSON, geen geldige UTF-8-tekst of bevat ongeldige Unicode-tekens."),
    404: _error("Dit adres of dit onderdeel van de begroting bestaat niet."),
    405: _error("Deze methode (bijvoorbeeld GET of POST) is op dit adres niet toegestaan."),
    413: _error("De aanvraag of de vraag is te groot."),
    422: _error("Een veld van de aanvraag ontbreekt of klopt niet."),
    429: _error("Te veel aanvragen achter elkaar; de header Retry-After zegt na hoeveel seconden het weer kan."),
    500: _error("Er ging iets mis aan de kant van de service."),
    503: _error("De kennisbank (index of taalmodel) is niet geladen; er kan nu niet geantwoord worden."),
}
DUTCH_STATUS = {
    400: "De aanvraag klopt niet.",
    401: "U moet inloggen om dit te zien.",
    403: "U heeft geen toegang tot dit adres.",
    404: "Dit adres bestaat niet.",
    405: "Deze methode is op dit adres niet toegestaan.",
    406: "Dit antwoordformaat wordt niet ondersteund.",
    413: "De aanvraag is te groot.",
    415: "Dit soort inhoud wordt niet ondersteund; stuur JSON.",
    429: "Te veel aanvragen achter elkaar. Probeer het straks opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
    503: "De service is nu niet beschikbaar. Probeer het later opnieuw.",
}
ENGLISH_DETAILS = {"There was an error parsing the body"}
INTERNAL_ERROR = DUTCH_STATUS[500]
# A JSON escape of a UTF-16 surrogate: only then can a body hold a lone surrogate (strict UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def dutch_detail(status: int, detail: Any) -> str:
    """Our own details are Dutch already; framework defaults ("Not Found") get a Dutch text."""
    if isinstance(detail, str) and detail and detail not in ENGLISH_DETAILS:
        try:
            english = HTTPStatus(status).phrase
        except ValueError:
            english = ""
        if detail != english:
            return detail
    return DUTCH_STATUS.get(status, "De aanvraag kon niet verwerkt worden.")


def content_security_policy(settings: Settings, docs: bool = False, embed: bool = False) -> str:
    """Only our own origin; no inline scripts or styles; frame-ancestors from the settings.

    The API documentation page (Swagger UI, served from local files) also needs inline styles; the embedded chat
    (/embed, opened by web/static/widget.js) may also be framed by the sites in BW_EMBED_ORIGINS."""
    style = "'self' 'unsafe-inline'" if docs else "'self'"
    ancestors = settings.frame_ancestors
    if embed and settings.embed_origins:  # "'none'" beside a source would be ignored by the browser anyway
        own = [] if ancestors.strip() == "'none'" else [ancestors]
        ancestors = " ".join([*own, *settings.embed_origins])
    return "; ".join([
        "default-src 'self'", "script-src 'self'", f"style-src {style}", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


def _has_lone_surrogate(text: str) -> bool:
    """True when a JSON text decodes to a string holding a UTF-16 surrogate without its pair."""
    if not _SURROGATE_ESCAPE.search(text):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False  # not JSON: the JSON parser answers that
    return _SURROGATE.search(json.dumps(data, ensure_ascii=False)) is not None


class EdgeMiddleware:
    """The edge of every HTTP request, before anything is parsed (pure ASGI, inside Starlette's error middleware).

    Adds the security headers to every response; refuses bodies above the cap (413, before reading them when the
    length is announced), invalid UTF-8 and lone surrogates in JSON (400), and clients over the rate limit on
    /api/* (429 with Retry-After); turns any unhandled exception into a Dutch 500 without re-raising it, so the
    server keeps the kept-alive connection open."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        rate = parse_rate(settings.rate_limit)
        self.limiter = RateLimiter(rate, settings.rate_limit_exempt) if rate else None
        common = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")]
        self.headers = [("Content-Security-Policy", content_security_policy(settings)), *common]
        self.docs_headers = [("Content-Security-Policy", content_security_policy(settings, docs=True)), *common]
        self.embed_headers = [("Content-Security-Policy", content_security_policy(settings, embed=True)), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        path = str(scope.get("path", ""))
        extra = self.docs_headers if path == "/docs" or path.startswith("/docs/") else self.headers
        extra = self.embed_headers if path == "/embed" else extra

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            refusal, receive = await self._admit(scope, receive, path)
            await (refusal or self.app)(scope, receive, send_secured)
        except Exception as exc:
            if started:
                raise
            log.error("internal error on %s: %s", path, mask_pii(repr(exc)))
            await JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)(scope, receive, send_secured)

    async def _admit(self, scope: Scope, receive: Receive, path: str) -> tuple[ASGIApp | None, Receive]:
        """A response that refuses the request (or None), and the receive channel the app should read."""
        if self.limiter is not None and path.startswith("/api/"):
            client = scope.get("client")
            wait = self.limiter.take(str(client[0]) if client else "")
            if wait > 0:
                seconds = retry_after(wait)
                return JSONResponse(
                    {"detail": f"Te veel vragen achter elkaar. Probeer het over {seconds} seconden opnieuw."},
                    status_code=429, headers={"Retry-After": str(seconds)}), receive
        too_big = JSONResponse(
            {"detail": f"De aanvraag is te groot. Stuur maximaal {self.max_body // 1024} kB."},
            status_code=413, headers={"Connection": "close"})
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length", b"").strip()
        if length.isdigit() and int(length) > self.max_body:
            return too_big, receive
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return Response(status_code=400), receive
            body += message.get("body", b"")
            if len(body) > self.max_body:
                return too_big, receive
            if not message.get("more_body", False):
                break
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if body and path.startswith("/api/") and (not content_type or "json" in content_type):
            try:
                text = bytes(body).decode("utf-8")
            except UnicodeDecodeError:
                return JSONResponse({"detail": "De aanvraag is geen geldige UTF-8-tekst."}, status_code=400), receive
            if _has_lone_surrogate(text):
                return JSONResponse({"detail": "De aanvraag bevat ongeldige Unicode-tekens (een losse surrogaat "
                                               "zoals \\ud800). Stuur gewone tekst."}, status_code=400), receive
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        return None, replay


def _swagger_assets() -> Path | None:
    """Swagger UI's own files from the fastapi-offline package (no CDN); None when it is not installed."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


DOCS_HTML = """<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>Begrotingswijzer kennis-API — documentatie</title>
  <link rel="stylesheet" href="docs/assets/swagger-ui.css">
  <link rel="icon" href="docs/assets/favicon.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/assets/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
"""
DOCS_JS = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("openapi.json", document.baseURI).href,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout"
  });
});
"""


def create_app(settings: Settings, service: Service | None = None, store: FeedbackStore | None = None,
               conversations: ConversationStore | None = None) -> FastAPI:
    """Build the app; the model and index load once at start-up (or use the service passed in)."""
    state: dict[str, Any] = {"service": service, "store": store, "index_fault": None, "model_fault": None,
                             "conversations": conversations}
    install_log_masking()  # every log line of this process (ours, uvicorn's access log) is masked
    staff_only = [Depends(staff_guard(settings))]
    reloader = IndexReloader(settings, state, settings.index_watch_seconds)  # a new index on disk: swapped in

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state["service"] is None:
            _load_service(settings, state)
        reloader.mark_loaded()
        if state["store"] is None:
            state["store"] = open_store(settings.feedback_db, settings.feedback_url)
        if state["conversations"] is None:
            state["conversations"] = open_conversations(settings.feedback_db, settings.feedback_url)
        yield

    app = FastAPI(title="Begrotingswijzer kennis-API", version="0.1.0", lifespan=lifespan,
                  description="Antwoorden met bronnen uit de programmabegroting. Elke fout is JSON met een "
                              "Nederlandse tekst in `detail`.",
                  responses=ERROR_RESPONSES, docs_url=None, redoc_url=None)
    app.add_middleware(EdgeMiddleware, settings=settings)

    def svc() -> Service:
        reloader.poll()  # at most one stat per second; a reload runs in the background
        if state["service"] is None:  # the index or the model could not be loaded: /health says which
            raise HTTPException(503, "De begroting kan nu niet doorzocht worden: de kennisbank is niet geladen. "
                                     f"Probeer het later opnieuw of bel het KCC via {settings.kcc_phone}.",
                                headers={"Retry-After": "30"})
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return JSONResponse({"detail": dutch_detail(exc.status_code, exc.detail)}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(FeedbackStoreError)
    async def store_down(request: Request, exc: FeedbackStoreError) -> JSONResponse:
        log.warning("feedback store unavailable on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": "De feedbackopslag is nu niet beschikbaar. Probeer het later opnieuw."},
                            status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s: %s", request.url.path, mask_pii(repr(exc)))
        return JSONResponse({"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}, status_code=500)

    @app.get("/health", responses={503: {"description": "Er kan niet geantwoord worden: de index of het taalmodel "
                                                       "ontbreekt of is beschadigd (zie index en model)."}})
    async def health() -> JSONResponse:
        """Index, model, feedback store and Rasa, each with its own status. 503 ("down") when no question can be
        answered (index or model missing or damaged); 200 "degraded" when only the feedback store or Rasa is down."""
        parts = {"index": _index_health(settings, state), "model": _model_health(settings, state),
                 "feedback_store": await _store_health(state), "rasa": await _rasa_health(settings)}
        if parts["index"]["status"] != "ok" or parts["model"]["status"] not in ("ok", "unused"):
            status = "down"
        elif any(parts[p]["status"] == "down" for p in ("feedback_store", "rasa")):
            status = "degraded"
        else:
            status = "ok"
        return JSONResponse({"status": status, **parts}, status_code=503 if status == "down" else 200)

    if settings.docs and (assets := _swagger_assets()) is not None:
        app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def docs_page() -> HTMLResponse:
            return HTMLResponse(DOCS_HTML)

        @app.get("/docs/init.js", include_in_schema=False)
        def docs_script() -> Response:
            return Response(DOCS_JS, media_type="text/javascript; charset=utf-8")

    @app.post("/api/answer")
    def answer(body: AnswerRequest) -> dict[str, Any]:
        question = mask_pii(_check_question(body.question, settings))  # personal data never reaches a stage
        slots = body.context.model_dump() if body.context else {}
        context = Resolved(**slots) if any(v is not None for v in slots.values()) else None
        result = svc().answer(question, context)
        if not result.answered:
            feedback_store().add_unanswered(question, "abstain")
        if body.conversation_id:
            citations = [{**asdict(c), "url": section_url(settings, c.section_id)} for c in result.citations]
            state["conversations"].add_turn(body.conversation_id, question, result.text, result.answered,
                                            "" if result.answered else result.method or "abstain", citations,
                                            settings.turn_retention_hours * 3600)
        return answer_json(result)

    @app.get("/api/search")
    def search(q: str = Query("", max_length=2000), k: int = Query(5, ge=1, le=50),
               document: str | None = Query(None, max_length=300)) -> dict[str, Any]:
        query = _check_question(q, settings)
        service = svc()
        only: tuple[str, ...] | None = None
        if document:
            if not any(d.id == document for d in service.index.corpus.documents):
                raise HTTPException(404, "Dit document staat niet in de zoekdienst. Zie /api/documents.")
            only = (document,)
        results = service.search(query, k, only)
        titles = {d.id: d.label for d in service.index.corpus.documents}
        return {
            "query": query,
            "answer": answer_json(service.answer(query, None, only)),
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
        return [{**asdict(d), "label": d.label, "sections": sum(1 for s in corpus.sections if s.document_id == d.id)}
                for d in corpus.documents]

    @app.get("/api/begrippen")
    def begrippenlijst() -> dict[str, Any]:
        """General budget terms in plain Dutch; cite them as the Begrippenlijst, never as the budget."""
        return {"source": begrippen.SOURCE,
                "terms": [{"term": t.term, "synonyms": list(t.synonyms), "explanation": t.explanation}
                          for t in begrippen.terms()]}

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

    @app.post("/api/reload", dependencies=staff_only, responses={
        **{k: v for k, v in STAFF_RESPONSES.items() if k != 503},
        503: {"description": "De index op schijf kon niet geladen worden; de vorige blijft in gebruik."}})
    def reload_index() -> dict[str, Any]:
        """Load the index now on disk (after `python -m knowledge build|add|remove`) without a restart; requests
        keep being answered from the previous index until the new one is ready."""
        try:
            service = reloader.reload()
        except Exception as exc:
            log.error("reload failed: %s", exc)
            raise HTTPException(503, f"De nieuwe index kon niet geladen worden; de vorige blijft in gebruik. "
                                     f"{exc}") from exc
        index = service.index
        return {"status": "herladen", "documents": [d.id for d in index.corpus.documents],
                "chunks": len(index.chunks)}

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

    _mount_conversations(app, settings, svc, state, staff_only)
    _mount_pages(app, settings, lambda: state.get("service"))
    return app


def _load_service(settings: Settings, state: dict[str, Any]) -> None:
    """Load the model and index into state; a damaged index or a missing model is recorded (and logged) instead,
    so /health can say which and every answering endpoint answers 503. The index is never rebuilt over damage."""
    from knowledge.factory import ModelUnavailable, build_service, load_embedder_for
    from knowledge.index import IndexDamaged, verify_index
    from knowledge.ingest import IngestError

    try:
        embedder = load_embedder_for(settings) if settings.retrieval != "bm25" else None
        state["model_loaded"] = embedder is not None
    except ModelUnavailable as exc:
        state["model_fault"] = exc
        try:
            verify_index(settings.index_dir)
        except IndexDamaged as damaged:
            state["index_fault"] = damaged
    else:
        try:
            state["service"] = build_service(settings, embedder)
        except (IndexDamaged, IngestError) as exc:  # IngestError: no index yet and the data cannot be read
            state["index_fault"] = exc
    for fault in (state["index_fault"], state["model_fault"]):
        if fault is not None:
            log.error("de kennisservice kan niet antwoorden: %s", fault)


def _index_health(settings: Settings, state: dict[str, Any]) -> dict[str, Any]:
    service, fault = state["service"], state["index_fault"]
    if fault is not None:
        from knowledge.index import IndexDamaged

        return {"status": "damaged" if isinstance(fault, IndexDamaged) else "missing", "detail": str(fault)}
    if service is None:
        return {"status": "not_loaded", "detail": "De index is niet geladen omdat het taalmodel ontbreekt."}
    index = service.index
    return {"status": "ok", "documents": len(index.corpus.documents), "chunks": len(index.chunks)}


def _model_health(settings: Settings, state: dict[str, Any]) -> dict[str, Any]:
    service, fault = state["service"], state["model_fault"]
    base = {"name": settings.model, "retrieval": settings.retrieval}
    if fault is not None:
        return {"status": "unavailable", **base, "detail": str(fault)}
    if service is None:
        return {"status": "ok" if state.get("model_loaded") else "unused", **base}
    return {"status": "ok" if service.embedder is not None else "unused", **base}


async def _store_health(state: dict[str, Any]) -> dict[str, Any]:
    store = state["store"]
    if store is None:
        return {"status": "down", "detail": "De feedbackopslag is niet gestart."}
    if await run_in_threadpool(store.available):
        return {"status": "ok"}
    return {"status": "down", "detail": "De feedbackopslag is nu niet beschikbaar; antwoorden werken wel."}


async def _rasa_health(settings: Settings) -> dict[str, Any]:
    if not settings.rasa_url:
        return {"status": "not_configured"}
    try:
        async with httpx.AsyncClient(timeout=1.0) as client:
            reply = await client.get(f"{settings.rasa_url.rstrip('/')}/")
        if reply.status_code < 500:
            return {"status": "ok"}
    except httpx.HTTPError:
        pass
    return {"status": "down", "detail": "De assistent (Rasa) is niet bereikbaar; /api/answer werkt wel."}


def site_values(settings: Settings, service: Any) -> dict[str, str]:
    """What the pages say about the deployment: the municipality and the documents, from settings and metadata."""
    documents = list(service.index.corpus.documents) if service is not None else []
    places = sorted({d.municipality for d in documents if d.municipality})
    municipality = settings.municipality or (places[0] if len(places) == 1 else "")
    if municipality:
        documents = [d for d in documents if not d.municipality or d.municipality == municipality] or documents
    return {
        "gemeente": f"gemeente {municipality}" if municipality else "de gemeente",
        "Gemeente": f"Gemeente {municipality}" if municipality else "Gemeenten",
        "bronnen": "; ".join(d.label for d in documents) or "de begroting",
        "telefoon": settings.kcc_phone,
    }


def _mount_conversations(app: FastAPI, settings: Settings, svc: Callable[[], Service], state: dict[str, Any],
                         staff_only: list[Any]) -> None:
    """Phone handoff codes (created by the action server, read by staff) and the evaluators' staff-only views."""
    hours = settings.handoff_code_hours

    def conversations() -> ConversationStore:
        return state["conversations"]  # type: ignore[no-any-return]

    @app.post("/api/handoff", status_code=201, responses={503: STAFF_RESPONSES[503]})
    def handoff_code(body: HandoffRequest) -> dict[str, Any]:
        """A speakable code for the resident to name on the phone; staff open the conversation with it."""
        if body.question and body.question.strip():
            conversations().add_turn(body.conversation_id.strip(), body.question.strip(), "", False, body.reason, [],
                                     settings.turn_retention_hours * 3600)
        made = conversations().create_code(body.conversation_id.strip(), body.reason, hours * 3600,
                                           settings.turn_retention_hours * 3600)
        return {"code": made.code, "spoken": spoken(made.code), "hours": hours,
                "expires": review.when_text(made.expires)}

    @app.get("/api/handoff/{code}", dependencies=staff_only, responses=STAFF_RESPONSES)
    def handoff_conversation(code: str) -> dict[str, Any]:
        """The conversation behind a code, masked: questions, answers, citations and what could not be answered."""
        normal = normalise_code(code)
        found = conversations().code(normal) if normal else None
        if found is None:
            raise HTTPException(404, "Deze code bestaat niet of is verlopen. Vraag de inwoner de code nog eens "
                                     f"te noemen (een code ziet eruit als K7Q-42 en geldt {hours:g} uur).")
        return review.handoff_json(found, conversations().conversation(found.conversation_id))

    @app.get("/api/review/report", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_report() -> dict[str, Any]:
        """The newest report of `make eval` (name and time); its HTML is at /api/review/report.html."""
        path = review.latest_report(settings.reports_dir)
        if path is None:
            return {"name": None, "modified": None, "url": None}
        modified = path.stat().st_mtime
        return {"name": path.name, "modified": review.when_text(modified), "url": "/api/review/report.html"}

    @app.get("/api/review/report.html", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_report_file() -> HTMLResponse:
        """The newest report's HTML (text/html), for the evaluators' page to offer as a download."""
        path = review.latest_report(settings.reports_dir)
        if path is None:
            raise HTTPException(404, "Er is nog geen evaluatierapport. Maak er een met `make eval`.")
        return HTMLResponse(path.read_text(encoding="utf-8"))

    @app.get("/api/review/unanswered", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_unanswered(limit: int = Query(500, ge=1, le=5000)) -> list[dict[str, Any]]:
        """Unanswered questions grouped by the topic understanding resolves, the most asked first."""
        return review.unanswered_by_topic(svc(), state["store"].unanswered(limit))

    @app.get("/api/review/feedback-weeks", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_feedback_weeks() -> list[dict[str, Any]]:
        """Helped / did not help per ISO week, newest first."""
        return review.feedback_per_week(state["store"].feedback(100_000))

    @app.get("/api/review/turns", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_turns(limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
        """Logged turns, newest first, with their review when there is one."""
        return [review.turn_json(t) for t in conversations().turns(limit, settings.turn_retention_hours * 3600)]

    @app.put("/api/review/turns/{turn_id}", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_turn(turn_id: int, body: ReviewRequest) -> dict[str, Any]:
        """Mark a turn right or wrong and name the section that holds the right answer (checked against the index)."""
        turn = conversations().turn(turn_id) if 0 < turn_id < 2**62 else None  # ids fit a 64-bit integer
        if turn is None:
            raise HTTPException(404, "Deze beurt bestaat niet (meer). Beurten worden na "
                                     f"{settings.turn_retention_hours:g} uur verwijderd.")
        section_id = (body.section_id or "").strip()
        service = svc()
        if section_id and service.section(section_id) is None:
            raise HTTPException(422, f"Onderdeel '{section_id}' staat niet in de index. Kies een onderdeel uit de "
                                     "lijst (zoals in /api/review/sections).")
        made = conversations().review(turn, body.correct, section_id, review.kind_of(service, turn.question))
        return {"id": made.id, "turn_id": turn.id, "correct": made.correct, "section_id": made.section_id}

    @app.get("/api/review/sections", dependencies=staff_only, responses=STAFF_RESPONSES)
    def review_sections() -> list[dict[str, str]]:
        """Every section of the index (id and label), for the evaluators' section picker."""
        corpus = svc().index.corpus
        return [{"id": s.id, "label": f"{s.code} {s.title}".strip()} for s in corpus.sections]


def _mount_pages(app: FastAPI, settings: Settings, current: Callable[[], Any]) -> None:
    web = settings.web_dir

    def page(name: str) -> HTMLResponse:
        path = web / name
        if not path.is_file():
            raise HTTPException(404, "Deze pagina is niet gevonden.")
        text = path.read_text(encoding="utf-8")
        for key_, value in site_values(settings, current()).items():  # {{gemeente}} and friends, escaped
            text = text.replace("{{" + key_ + "}}", html.escape(value))
        return HTMLResponse(text)

    @app.get("/", include_in_schema=False)
    def chat_page() -> HTMLResponse:
        return page("chat.html")

    @app.get("/kcc", include_in_schema=False)
    def kcc_page() -> HTMLResponse:
        return page("kcc.html")

    @app.get("/embed", include_in_schema=False)
    def embed_page() -> HTMLResponse:
        return page("embed.html")

    @app.get("/evaluatie", include_in_schema=False)
    def review_page() -> HTMLResponse:
        return page("evaluatie.html")

    @app.get("/sections/{section_id:path}", include_in_schema=False)
    def section_page(section_id: str) -> HTMLResponse:
        return page("section.html")

    if (web / "static").is_dir():
        app.mount("/static", StaticFiles(directory=web / "static"), name="static")
