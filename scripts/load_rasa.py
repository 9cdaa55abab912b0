"""Load on the production topology: 60 concurrent conversations x 4 turns through HAProxy and through one replica.

Starts scripts/production.py's topology (PostgreSQL, Redis, HAProxy, two Rasa replicas, actions, knowledge with
two workers) unless --lb-url/--replica-url/--knowledge-url point at a running one. Reports errors, p50/p95 per
turn and turns/s for both targets, and a serial comparison: one budget turn through Rasa vs the same question
straight to /api/answer (target ratio <= 2), plus a turn that needs neither the action server nor the knowledge
service (a greeting) to split a turn's cost into Rasa itself and the action hop + knowledge.

    .venv/bin/python scripts/load_rasa.py [--conversations 60] [--out reports/load_rasa.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import production  # noqa: E402

TURNS = (
    ("Wat zijn de lasten van dienstverlening in 2026?", "14.909.000"),
    ("En in 2027?", "14.984.000"),
    ("en de baten?", "4.124.000"),
    ("En in 2026?", "3.926.000"),
)
QUESTION = TURNS[0][0]
# Answered by a domain response alone (utter_greet): no action server, no knowledge service. (A handoff is no longer
# one: action_handoff_contact follows it with the configured contact details and a phone code.)
PLAIN_MESSAGE = "hallo"


def post(url: str, payload: dict[str, Any], timeout: float = 120) -> tuple[float, Any]:
    """POST JSON; return (seconds, decoded body). Raises OSError on failure."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read())
    return time.perf_counter() - started, body


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def conversation(base_url: str, sender: str) -> list[tuple[float, str]]:
    """Four turns of one conversation; each turn's (seconds, error or "")."""
    results: list[tuple[float, str]] = []
    for message, expected in TURNS:
        started = time.perf_counter()
        try:
            seconds, body = post(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
            text = "\n".join(m.get("text", "") for m in body if isinstance(m, dict))
            results.append((seconds, "" if f"€ {expected}" in text else f"wrong answer: {text[:80]!r}"))
        except (OSError, ValueError) as error:
            results.append((time.perf_counter() - started, repr(error)))
    return results


def concurrent_load(base_url: str, conversations: int) -> dict[str, Any]:
    """``conversations`` conversations at once; statistics per turn and overall."""
    senders = [f"load-{uuid.uuid4().hex[:10]}" for _ in range(conversations)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        outcomes = list(pool.map(lambda s: conversation(base_url, s), senders))
    elapsed = time.perf_counter() - started
    per_turn = []
    for index in range(len(TURNS)):
        seconds = [o[index][0] for o in outcomes]
        per_turn.append({"turn": index + 1, "p50_ms": round(1000 * statistics.median(seconds)),
                         "p95_ms": round(1000 * percentile(seconds, 95))})
    errors = [error for o in outcomes for _, error in o if error]
    total = conversations * len(TURNS)
    return {"target": base_url, "conversations": conversations, "turns": total, "errors": len(errors),
            "error_examples": errors[:3], "seconds": round(elapsed, 1), "turns_per_s": round(total / elapsed, 1),
            "per_turn": per_turn}


def serial(rasa_url: str, knowledge_url: str, repeats: int) -> dict[str, Any]:
    """One budget turn through Rasa vs /api/answer, and a greeting (no action hop), one at a time."""
    rasa, direct, plain = [], [], []
    for _ in range(3):  # warm up
        post(f"{rasa_url}/webhooks/rest/webhook", {"sender": f"warm-{uuid.uuid4().hex[:8]}", "message": QUESTION})
        post(f"{knowledge_url}/api/answer", {"question": QUESTION})
    for _ in range(repeats):
        rasa.append(post(f"{rasa_url}/webhooks/rest/webhook",
                         {"sender": f"serial-{uuid.uuid4().hex[:8]}", "message": QUESTION})[0])
        direct.append(post(f"{knowledge_url}/api/answer", {"question": QUESTION})[0])
        plain.append(post(f"{rasa_url}/webhooks/rest/webhook",
                          {"sender": f"serial-{uuid.uuid4().hex[:8]}", "message": PLAIN_MESSAGE})[0])
    rasa_p50, direct_p50 = statistics.median(rasa), statistics.median(direct)
    plain_p50 = statistics.median(plain)
    return {"repeats": repeats, "rasa_turn_p50_ms": round(1000 * rasa_p50, 1),
            "api_answer_p50_ms": round(1000 * direct_p50, 1), "ratio": round(rasa_p50 / direct_p50, 2),
            "rasa_plain_response_turn_p50_ms": round(1000 * plain_p50, 1),
            "action_hop_and_knowledge_ms": round(1000 * (rasa_p50 - plain_p50), 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print/write the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--serial", type=int, default=30, help="serial repeats for the ratio")
    parser.add_argument("--lb-url", default="")
    parser.add_argument("--replica-url", default="")
    parser.add_argument("--knowledge-url", default="")
    parser.add_argument("--out", type=Path, default=Path("reports/load_rasa.json"))
    args = parser.parse_args(argv)

    topology = None
    if not (args.lb_url and args.replica_url and args.knowledge_url):
        missing = production.missing_programs()
        if missing:
            print(f"Missing: {', '.join(missing)}; run `make production-setup`.", file=sys.stderr)
            return 1
        topology = production.Topology()
        topology.start()
        args.lb_url, args.replica_url = topology.lb_url, topology.replica_url("rasa1")
        args.knowledge_url = topology.knowledge_url
    try:
        report = {
            "serial": serial(args.replica_url, args.knowledge_url, args.serial),
            "load_balancer": concurrent_load(args.lb_url, args.conversations),
            "single_replica": concurrent_load(args.replica_url, args.conversations),
        }
    finally:
        if topology is not None:
            topology.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    s = report["serial"]
    print(f"\nserial: Rasa turn p50 {s['rasa_turn_p50_ms']} ms, /api/answer p50 {s['api_answer_p50_ms']} ms, "
          f"ratio {s['ratio']}x; plain-response turn {s['rasa_plain_response_turn_p50_ms']} ms "
          f"(action hop + knowledge ~{s['action_hop_and_knowledge_ms']} ms)")
    for name in ("load_balancer", "single_replica"):
        r = report[name]
        turns = ", ".join(f"t{t['turn']} p50 {t['p50_ms']} / p95 {t['p95_ms']} ms" for t in r["per_turn"])
        print(f"{name}: {r['conversations']} conversations x {len(TURNS)} turns, errors {r['errors']}, "
              f"{r['turns_per_s']} turns/s ({r['seconds']} s); {turns}")
    print(f"written: {args.out}")
    errors = report["load_balancer"]["errors"] + report["single_replica"]["errors"]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
