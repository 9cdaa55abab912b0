"""Does the cost stay flat as documents grow? Indexes of 1, 10 and 50 synthetic documents, in one run.

Prints per size: in-process Service.answer p50/p95 over a fixed question list, the cold build (texts indexed,
distinct texts embedded, texts/s) and memory per 1,000 chunks (tracemalloc over loading the index and the
Service); then the incremental rebuild after one changed document out of the largest size against building that
one document alone. Targets (issue 10): p50 at 50 documents <= 1.3x and p95 <= 1.5x those at 1 document; the
rebuild <= 1.5x the one-document build.

    .venv/bin/python scripts/bench_scale.py                      # real e5 model (var/models/multilingual-e5-small)
    .venv/bin/python scripts/bench_scale.py --model hashing      # fake embedder: a quick run
    .venv/bin/python scripts/bench_scale.py --profile prof.out   # also cProfile the queries at the largest size
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from knowledge.embedding import Embedder, load_embedder  # noqa: E402
from knowledge.factory import build_with_report  # noqa: E402
from knowledge.index import load_index  # noqa: E402
from knowledge.service import Service  # noqa: E402
from knowledge.settings import Settings  # noqa: E402

REAL_MODEL = ROOT / "var" / "models" / "multilingual-e5-small"
# Questions a resident asks of any programme; some name a line of one template only, some are out of scope.
QUESTIONS = (
    "Wat kost dienstverlening in 2027?",
    "Wat zijn de lasten van Jeugd in 2027?",
    "Wat zijn de baten van bestuur in 2026?",
    "Hoeveel geeft de gemeente uit aan wonen?",
    "Wat is het saldo van het programma in 2028?",
    "Welke reserves zijn er?",
    "Hoeveel zit er in de reserve rekenkamer?",
    "Wanneer zijn de gemeenteraadsverkiezingen?",
    "Welke verbonden partijen zijn er?",
    "Wat doet de gemeente aan armoede?",
    "Hoe tevreden zijn inwoners over de dienstverlening?",
    "Wat is de opbrengst van de onroerendezaakbelasting?",
    "what does the municipality spend on youth care?",
    "Wanneer wordt het grofvuil opgehaald?",
    "Wat kost een paspoort?",
    "Welke subsidies zijn er voor sport?",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class SizeResult:
    documents: int
    chunks: int
    indexed: int
    embedded: int
    build_s: float
    p50_ms: float
    p95_ms: float
    mb_per_1000_chunks: float


def synthetic(count: int, out: Path, seed: int) -> list[Path]:
    """count synthetic documents (4 programmes per municipality, see make_synthetic.py), in generation order."""
    from make_synthetic import DEFAULT_TEMPLATES, generate

    municipalities = -(-count // len(DEFAULT_TEMPLATES))
    with contextlib.redirect_stdout(io.StringIO()):
        return generate(municipalities, out, seed, list(DEFAULT_TEMPLATES))[:count]


def fill(folder: Path, files: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, folder / path.name)
        sidecar = path.with_name(f"{path.stem}.meta.json")
        if sidecar.is_file():
            shutil.copy(sidecar, folder / sidecar.name)
    return folder


def measure_queries(service: Service, rounds: int, profile: Path | None) -> tuple[float, float]:
    for q in QUESTIONS:  # warm-up: caches, first embedding
        service.answer(q)
    profiler = cProfile.Profile() if profile else None
    times: list[float] = []
    for _ in range(rounds):
        for q in QUESTIONS:
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            service.answer(q)
            times.append((time.perf_counter() - started) * 1000)
            if profiler:
                profiler.disable()
    if profiler and profile:
        profiler.dump_stats(str(profile))
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue(), file=sys.stderr)
    return percentile(times, 50), percentile(times, 95)


def run_size(size: int, docs: list[Path], work: Path, model: str, embedder: Embedder, rounds: int,
             profile: Path | None) -> tuple[SizeResult, Settings]:
    data = fill(work / f"data-{size}", docs[:size])
    settings = Settings(data_dir=data, index_dir=work / f"index-{size}", model=model,
                        feedback_db=work / "feedback.sqlite", rasa_url="")
    report = build_with_report(settings, embedder=embedder, show_progress=False)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    service = Service(settings, load_index(settings.index_dir), embedder)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    p50, p95 = measure_queries(service, rounds, profile)
    chunks = len(service.index.chunks)
    indexed = chunks + len(service.index.sentences)
    return SizeResult(size, chunks, indexed, report.embedded, report.seconds, p50, p95,
                      used / 1e6 / (chunks / 1000)), settings


def incremental(settings: Settings, docs: list[Path], work: Path, model: str, embedder: Embedder,
                seed: int) -> dict[str, float]:
    """Change one document of the largest index (a new version: other amounts and names), rebuild; then build that
    one document alone, from nothing."""
    import random

    from make_synthetic import NameSource, Synthesizer

    changed = docs[len(docs) // 2]
    rng = random.Random(seed + 1000)
    municipality = str(json.loads(changed.with_name(f"{changed.stem}.meta.json").read_text())["municipality"])
    new_version = work / "v2" / changed.name  # the same document, next version: other amounts, reserves, partijen
    new_version.parent.mkdir(parents=True, exist_ok=True)
    new_version.write_text(Synthesizer(changed, rng).render(municipality, NameSource(rng, set())), encoding="utf-8")
    shutil.copy(changed.with_name(f"{changed.stem}.meta.json"), new_version.with_name(f"{changed.stem}.meta.json"))
    fill(settings.data_dir, [new_version])
    rebuild = build_with_report(settings, embedder=embedder, show_progress=False)
    alone = Settings(data_dir=fill(work / "data-alone", [new_version]), index_dir=work / "index-alone", model=model)
    single = build_with_report(alone, embedder=embedder, show_progress=False)
    return {"rebuild_s": rebuild.seconds, "rebuild_embedded": rebuild.embedded, "rebuild_changed": len(rebuild.changed),
            "alone_s": single.seconds, "alone_embedded": single.embedded,
            "ratio": rebuild.seconds / single.seconds if single.seconds else float("inf")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default=str(REAL_MODEL), help="model folder, or 'hashing' for the fake")
    parser.add_argument("--sizes", default="1,10,50", help="document counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the question list per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--profile", type=Path, help="cProfile the queries at the largest size into this file")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    work = args.work or Path(tempfile.mkdtemp(prefix="bw-bench-scale-"))
    try:
        started = time.perf_counter()
        docs = synthetic(max(sizes), work / "synthetic", args.seed)
        embedder = load_embedder(args.model)
        print(f"model {args.model}; {len(QUESTIONS)} questions x {args.rounds} rounds per size; "
              f"{os.cpu_count()} cores", flush=True)
        results: list[SizeResult] = []
        settings = None
        for size in sizes:
            result, settings = run_size(size, docs, work, args.model, embedder, args.rounds,
                                        args.profile if size == max(sizes) else None)
            results.append(result)
            print(f"  {size:>3} docs: {result.chunks} chunks, build {result.build_s:.1f} s "
                  f"({result.embedded} of {result.indexed} texts embedded), p50 {result.p50_ms:.1f} ms, "
                  f"p95 {result.p95_ms:.1f} ms", flush=True)
        assert settings is not None
        inc = incremental(settings, docs[: max(sizes)], work, args.model, embedder, args.seed)
        base, top = results[0], results[-1]
        print()
        print(f"{'docs':>5} {'chunks':>7} {'p50 ms':>8} {'p95 ms':>8} {'build s':>8} {'embedded':>9} "
              f"{'indexed':>8} {'emb/s':>7} {'idx/s':>7} {'MB/1k chunks':>13}")
        for r in results:
            print(f"{r.documents:>5} {r.chunks:>7} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.build_s:>8.1f} "
                  f"{r.embedded:>9} {r.indexed:>8} {r.embedded / r.build_s:>7.1f} {r.indexed / r.build_s:>7.1f} "
                  f"{r.mb_per_1000_chunks:>13.1f}")
        p50_ratio, p95_ratio = top.p50_ms / base.p50_ms, top.p95_ms / base.p95_ms
        print(f"\np50 {top.documents}/{base.documents} docs: {p50_ratio:.2f}x (target <= 1.3)  "
              f"{'OK' if p50_ratio <= 1.3 else 'MISSED'}")
        print(f"p95 {top.documents}/{base.documents} docs: {p95_ratio:.2f}x (target <= 1.5)  "
              f"{'OK' if p95_ratio <= 1.5 else 'MISSED'}")
        print(f"rebuild after 1 changed of {top.documents}: {inc['rebuild_s']:.2f} s "
              f"({inc['rebuild_embedded']:.0f} texts embedded); that document alone: {inc['alone_s']:.2f} s "
              f"({inc['alone_embedded']:.0f} texts embedded); ratio {inc['ratio']:.2f}x (target <= 1.5)  "
              f"{'OK' if inc['ratio'] <= 1.5 else 'MISSED'}")
        print(f"total {time.perf_counter() - started:.0f} s")
        if args.json:
            args.json.write_text(json.dumps({"model": args.model, "sizes": [r.__dict__ for r in results],
                                             "incremental": inc, "p50_ratio": p50_ratio, "p95_ratio": p95_ratio},
                                            indent=2), encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
