"""One serial Rasa turn against the same question straight to /api/answer, with a breakdown of the difference.

Starts knowledge, the action server and Rasa on free loopback ports (scripts/run_all.py, a scratch tracker
database) unless --rasa-url/--actions-url/--knowledge-url point at running ones. Then, one request at a time:

- ``rasa``: a budget turn through Rasa's REST channel (NLU, policies, tracker store, action hop, knowledge);
- ``api_answer``: the same question (and the same context for follow-ups) straight to POST /api/answer;
- ``api_answer_logged``: the same with a conversation id, as the action sends it (the service logs the turn);
- ``plain``: a turn Rasa answers with a domain response only ("hallo": NLU, policies, tracker store);
- ``parse``: NLU alone (POST /model/parse, only when Rasa runs with --enable-api);
- ``action``: the action server's webhook alone for action_answer_budget (action + knowledge call).

Prints p50/p95 per figure and the ratio rasa/api_answer (target <= 2).

    .venv/bin/python scripts/bench_rasa_turn.py [--turns 60] [--json reports/bench_rasa_turn.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_all  # noqa: E402
import train_bot  # noqa: E402

# A conversation of four turns as residents ask them: a question, two follow-ups on it and a change of year.
CONVERSATION = (
    "Wat zijn de lasten van dienstverlening in 2026?",
    "En in 2027?",
    "en de baten?",
    "En in 2026?",
)


class Client:
    """A kept-alive JSON client for one base URL (the same for every target, so the client costs the same)."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        """Remember the host; connect on first use."""
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, payload: Any) -> tuple[float, Any]:
        """POST JSON; return (seconds, decoded body)."""
        body = json.dumps(payload).encode("utf-8")
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                raw = response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            if response.status >= 400:
                raise RuntimeError(f"POST {path}: HTTP {response.status}: {raw[:200]!r}")
            return seconds, json.loads(raw) if raw else None
        raise RuntimeError("unreachable")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(seconds: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    return {"p50_ms": round(1000 * statistics.median(seconds), 1), "p95_ms": round(1000 * percentile(seconds, 95), 1)}


def action_request(sender: str, question: str, frame: dict[str, Any] | None) -> dict[str, Any]:
    """The body Rasa sends to the action server for action_answer_budget after ``question``."""
    return {
        "next_action": "action_answer_budget",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {"frame": frame, "last_question": None, "last_answer": None, "awaiting_feedback": False},
            "latest_message": {"text": question, "intent": {"name": "ask_budget", "confidence": 0.9}, "entities": []},
            "latest_event_time": time.time(),
            "followup_action": None,
            "paused": False,
            "events": [],
            "latest_input_channel": "rest",
            "active_loop": {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


def run(rasa_url: str, actions_url: str, knowledge_url: str, turns: int, warmup: int) -> dict[str, Any]:
    """Measure every figure over ``turns`` serial turns (whole conversations of CONVERSATION)."""
    rasa, knowledge, actions = Client(rasa_url), Client(knowledge_url), Client(actions_url)
    times: dict[str, list[float]] = {"rasa": [], "api_answer": [], "api_answer_logged": [], "plain": [], "parse": [],
                                     "action": []}
    wrong: list[str] = []

    def record(name: str, keep: bool, client: Client, path: str, payload: Any) -> Any:
        seconds, body = client.post(path, payload)
        if keep:
            times[name].append(seconds)
        return body

    done, parse_api = 0, True
    while done < turns + warmup:
        rasa_sender, action_sender = f"bench-{uuid.uuid4().hex[:10]}", f"bench-{uuid.uuid4().hex[:10]}"
        frame: dict[str, Any] | None = None
        action_frame: dict[str, Any] | None = None
        for question in CONVERSATION:
            keep = done >= warmup
            turn = {"sender": rasa_sender, "message": question}
            messages = record("rasa", keep, rasa, "/webhooks/rest/webhook", turn)
            payload: dict[str, Any] = {"question": question}
            if frame:
                payload["context"] = frame
            direct = record("api_answer", keep, knowledge, "/api/answer", payload)
            record("api_answer_logged", keep, knowledge, "/api/answer", {**payload, "conversation_id": rasa_sender})
            frame = direct.get("resolved") if direct.get("answered") else frame
            via_rasa = "\n".join(m.get("text", "") for m in messages if isinstance(m, dict))
            if direct.get("answered") and direct["answer"].split("\n")[0] not in via_rasa:
                wrong.append(question)
            record("plain", keep, rasa, "/webhooks/rest/webhook", {"sender": f"plain-{uuid.uuid4().hex[:10]}",
                                                                   "message": "hallo"})
            if parse_api:
                try:
                    record("parse", keep, rasa, "/model/parse", {"text": question})
                except RuntimeError:  # Rasa runs without --enable-api
                    parse_api = False
            reply = record("action", keep, actions, "/webhook", action_request(action_sender, question, action_frame))
            for event in reply.get("events", []):
                if event.get("event") == "slot" and event.get("name") == "frame":
                    action_frame = event.get("value")
            done += 1
    report: dict[str, Any] = {name: summary(values) for name, values in times.items() if values}
    report["turns"] = turns
    report["ratio_p50"] = round(report["rasa"]["p50_ms"] / report["api_answer"]["p50_ms"], 2)
    report["ratio_p95"] = round(report["rasa"]["p95_ms"] / report["api_answer"]["p95_ms"], 2)
    report["ratio_p50_logged"] = round(report["rasa"]["p50_ms"] / report["api_answer_logged"]["p50_ms"], 2)
    report["answers_differing_from_api"] = wrong
    return report


def main(argv: list[str] | None = None) -> int:
    """Start the services when needed, measure, print and (optionally) write the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--rasa-url", default="")
    parser.add_argument("--actions-url", default="")
    parser.add_argument("--knowledge-url", default="")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)

    services: list[run_all.Service] = []
    scratch = tempfile.TemporaryDirectory(prefix="bench-rasa-")
    if not (args.rasa_url and args.actions_url and args.knowledge_url):
        if train_bot.train() != 0:
            return 1
        tmp = Path(scratch.name)
        ports = [_free_port() for _ in range(3)]
        services = run_all.assistant_services(
            knowledge_port=ports[0], actions_port=ports[1], rasa_port=ports[2], tracker_db=str(tmp / "tracker.db"),
            log_dir=tmp / "log", run_dir=tmp, knowledge_env={"BW_FEEDBACK_DB": str(tmp / "feedback.sqlite")},
        )
        args.knowledge_url, args.actions_url, args.rasa_url = (f"http://127.0.0.1:{p}" for p in ports)
    try:
        run_all.start_all(services, log=lambda text: print(text, file=sys.stderr))
        report = run(args.rasa_url, args.actions_url, args.knowledge_url, args.turns, args.warmup)
    finally:
        run_all.stop_all(services)
        scratch.cleanup()
    for name, label in (("rasa", "Rasa REST turn"), ("api_answer", "POST /api/answer"),
                        ("api_answer_logged", "/api/answer, turn logged"),
                        ("plain", "Rasa plain-response turn"), ("parse", "Rasa NLU (/model/parse)"),
                        ("action", "action server webhook")):
        if name in report:
            print(f"{label:26s} p50 {report[name]['p50_ms']:7.1f} ms   p95 {report[name]['p95_ms']:7.1f} ms")
    print(f"ratio Rasa turn / api_answer: p50 {report['ratio_p50']}x, p95 {report['ratio_p95']}x; "
          f"against the logged answer (as the action asks it) p50 {report['ratio_p50_logged']}x "
          f"({report['turns']} serial turns; target <= 2)")
    if report["answers_differing_from_api"]:
        print(f"answers through Rasa that differ from /api/answer: {report['answers_differing_from_api']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def _free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
