"""A tiny fake knowledge service on loopback: the /api/answer, /api/feedback, /api/handoff and /health contract."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from knowledge.serialize import answer_json
from knowledge.types import Answer, Cell, Citation, Clarify, ClarifyOption, Resolved

# (line, measure) -> {year: amount x 1000}, from the Programmakosten table.
TABLE: dict[tuple[str, str], dict[int, str]] = {
    ("Dienstverlening", "Lasten"): {2026: "14.909", 2027: "14.984", 2028: "14.523"},
    ("Dienstverlening", "Baten"): {2026: "-3.926", 2027: "-4.124", 2028: "-4.127"},
    ("Bestuur", "Lasten"): {2026: "12.399", 2027: "14.116", 2028: "11.552"},
}


FAKE_CODE = "K7Q-42"


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _find(text: str, options: list[str]) -> str | None:
    """Return the first option mentioned in text (case-insensitive)."""
    lowered = text.lower()
    return next((option for option in options if option.lower() in lowered), None)


def fake_answer(question: str, context: dict[str, Any] | None) -> dict[str, Any]:
    """Answer like the knowledge service would, for the few facts the tests need, in its one JSON contract."""
    context = context or {}
    year_word = next((w for w in question.replace("?", " ").split() if w.isdigit() and len(w) == 4), None)
    year = int(year_word) if year_word else (context.get("year") or 2026)
    line = _find(question, ["Dienstverlening", "Bestuur"]) or context.get("line")
    measure = _find(question, ["Lasten", "Baten"]) or context.get("measure")
    amount = TABLE.get((str(line), str(measure)), {}).get(int(year))
    if "welk bedrag" in question.lower():
        options = (ClarifyOption("Lasten Bestuur", "Wat zijn de lasten van Bestuur?"),
                   ClarifyOption("Baten Bestuur", "Wat zijn de baten van Bestuur?"))
        clarify = Clarify("Welk bedrag van Bestuur bedoelt u?", options)
        return answer_json(Answer(question, False, clarify.question, 0.5, method="clarify", clarify=clarify))
    if "zwembad" in question.lower() or amount is None:
        return answer_json(Answer(question, False, "", 0.1, method="abstain"))
    resolved = Resolved(year=year, line=line, measure=measure, topic="doc:programmakosten",
                        subject=f"doc#{str(line).lower()}", intent="amount", document="doc")
    citation = Citation(1, "leiden-2026-programma-1", "3.1.1-programmakosten", "3.1.1", "Programmakosten",
                        ("Bestuur en dienstverlening", "Programmakosten"), "/sections/3.1.1-programmakosten",
                        f"{measure} {amount}", "Programmabegroting 2026")
    text = f"De {str(measure).lower()} van {str(line).lower()} in {year} zijn € {amount}.000 [1]."
    series = tuple(Cell(str(line), str(measure), y, "begroting", float(v.replace(".", "")), v, "× €1.000")
                   for y, v in TABLE.get((str(line), str(measure)), {}).items())
    return answer_json(Answer(question, True, text, 0.9, (citation,), resolved, "table", series=series,
                              asked_years=(int(year),)))


class FakeKnowledge:
    """Runs the fake service in a thread; records requests; can be made slow or failing."""

    def __init__(self) -> None:
        """Start listening on a free loopback port."""
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def do_GET(self) -> None:
                if self.path == "/health":
                    self._send(200, {"status": "ok"})
                else:
                    self._send(404, {"detail": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"path": self.path, "json": payload})
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.status != 200:
                    self._send(fake.status, {"detail": "error"})
                elif self.path == "/api/answer":
                    self._send(200, fake_answer(payload["question"], payload.get("context")))
                elif self.path == "/api/feedback":
                    self._send(201, {"stored": True})
                elif self.path == "/api/handoff":
                    self._send(201, {"code": FAKE_CODE, "spoken": " ".join(FAKE_CODE), "hours": 24})
                else:
                    self._send(404, {"detail": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def posted(self, path: str) -> list[dict[str, Any]]:
        """Return the JSON bodies posted to ``path``."""
        return [r["json"] for r in self.requests if r["path"] == path]

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()

