"""Benchmark POST /api/answer (warm p50/p95 latency, throughput) against one in-process query embedding.

Usage: .venv/bin/python scripts/bench_api.py [--url http://127.0.0.1:8000] [--requests 200] [--concurrency 1] [--spawn]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTION_FILES = (ROOT / "tests/data/questions.jsonl", ROOT / "tests/data/questions_heldout.jsonl")


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (0-100) of a non-empty list."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def load_questions(files: Sequence[Path]) -> list[str]:
    """Every question text (first turns and follow-ups) of the evaluation sets."""
    from knowledge.eval.questions import load_sets

    sets = load_sets(list(files))
    return [text for qs in sets.values() for q in qs for text in (q.question, *(t.question for t in q.turns))]


def free_port() -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Poll GET /health until it answers 200; fail early if the spawned server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before it was healthy")
        try:
            if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url}/health did not answer within {timeout:.0f}s")


@contextmanager
def spawned_server(timeout: float) -> Iterator[str]:
    """Start `python -m knowledge serve` on a free port, yield its URL and stop it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as log:
        # The benchmark's abstentions must not end up in the real log of unanswered questions.
        env = {**os.environ, "BW_FEEDBACK_DB": str(Path(scratch) / "feedback.sqlite"), "BW_RATE_LIMIT": "0"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "knowledge", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        print(f"server gestart: pid {proc.pid}, {url}", file=sys.stderr)
        try:
            wait_healthy(url, proc, timeout)
            yield url
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-3000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def bench_api(url: str, questions: list[str], n: int, warmup: int, concurrency: int) -> tuple[list[float], float, int]:
    """Latencies (ms) of n warm POST /api/answer requests, the wall time (s) and the number of errors."""
    with httpx.Client(base_url=url, timeout=60.0) as client:
        for q in questions[:warmup]:
            client.post("/api/answer", json={"question": q})
        plan = [questions[i % len(questions)] for i in range(n)]

        def one(question: str) -> float | None:
            start = time.perf_counter()
            resp = client.post("/api/answer", json={"question": question})
            elapsed = (time.perf_counter() - start) * 1000
            return elapsed if resp.status_code == 200 else None

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(one, plan))
        wall = time.perf_counter() - start
    latencies = [r for r in results if r is not None]
    return latencies, wall, len(results) - len(latencies)


def bench_embedding(questions: list[str], repeats: int) -> list[float]:
    """Latencies (ms) of embedding one query alone, in-process, with the configured model (warm)."""
    from knowledge.factory import load_embedder_for
    from knowledge.settings import Settings

    embedder = load_embedder_for(Settings.from_env())
    for q in questions[:5]:
        embedder.embed_queries([q])
    timings = []
    for i in range(repeats):
        start = time.perf_counter()
        embedder.embed_queries([questions[i % len(questions)]])
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument("--spawn", action="store_true", help="start `python -m knowledge serve` on a free port")
    p.add_argument("--requests", type=int, default=200, help="number of measured requests (default 200)")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--embed-repeats", type=int, default=100)
    p.add_argument("--startup-timeout", type=float, default=180.0)
    p.add_argument("--questions", nargs="+", type=Path, default=list(QUESTION_FILES))
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    questions = load_questions(args.questions)
    random.Random(args.seed).shuffle(questions)
    with spawned_server(args.startup_timeout) if args.spawn else _existing(args.url, args.startup_timeout) as url:
        latencies, wall, errors = bench_api(url, questions, args.requests, args.warmup, args.concurrency)
    if not latencies:
        print(f"geen geslaagde requests ({errors} fouten)", file=sys.stderr)
        return 1
    embed = bench_embedding(questions, args.embed_repeats)
    a50, a95, e50, e95 = (
        percentile(latencies, 50),
        percentile(latencies, 95),
        percentile(embed, 50),
        percentile(embed, 95),
    )
    print(
        f"POST /api/answer: {len(latencies)} requests (+{args.warmup} warm-up), {errors} fouten, "
        f"concurrency {args.concurrency}"
    )
    print(f"  latency p50 {a50:.1f} ms  p95 {a95:.1f} ms  mean {statistics.fmean(latencies):.1f} ms")
    print(f"  throughput {len(latencies) / wall:.1f} requests/s ({wall:.1f} s)")
    print(f"embed_queries([q]) in-process: p50 {e50:.1f} ms  p95 {e95:.1f} ms ({len(embed)}×)")
    print(f"ratio answer/embedding: p50 {a50 / e50:.1f}×  p95 {a95 / e95:.1f}×")
    return 0 if errors == 0 else 1


@contextmanager
def _existing(url: str, timeout: float) -> Iterator[str]:
    """Use an already running server (after checking it is healthy)."""
    wait_healthy(url.rstrip("/"), None, min(timeout, 10.0))
    yield url.rstrip("/")


if __name__ == "__main__":
    sys.exit(main())
