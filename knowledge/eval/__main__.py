"""CLI: python -m knowledge.eval [--questions F ...] [--configs ...] [--target ...] [--out DIR] | export-reviewed."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_QUESTIONS = (Path("tests/data/singles.jsonl"), Path("tests/data/conversations.jsonl"),
                     Path("tests/data/singles_v2.jsonl"), Path("tests/data/conversations_v2.jsonl"),
                     Path("tests/data/singles_v3.jsonl"), Path("tests/data/conversations_v3.jsonl"),
                     Path("tests/data/singles_v4.jsonl"), Path("tests/data/conversations_v4.jsonl"),
                     Path("tests/data/singles_v5.jsonl"), Path("tests/data/conversations_v5.jsonl"),
                     Path("tests/data/singles_v6.jsonl"), Path("tests/data/conversations_v6.jsonl"),
                     Path("tests/data/singles_v7.jsonl"), Path("tests/data/conversations_v7.jsonl"),
                     Path("tests/data/singles_v8.jsonl"), Path("tests/data/conversations_v8.jsonl"),
                     Path("tests/data/singles_v9.jsonl"), Path("tests/data/conversations_v9.jsonl"),
                     Path("tests/data/singles_v10.jsonl"), Path("tests/data/conversations_v10.jsonl"),
                     Path("tests/data/questions.jsonl"), Path("tests/data/questions_heldout.jsonl"))
DEFAULT_CONFIGS = "bm25,dense,hybrid,hybrid-notables"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m knowledge.eval", description="Evalueer de Begrotingswijzer.")
    p.add_argument("--questions", nargs="+", type=Path, default=list(DEFAULT_QUESTIONS), help="JSONL-bestanden")
    p.add_argument("--configs", default=DEFAULT_CONFIGS, help="in-process configs, komma-gescheiden")
    p.add_argument("--target", choices=("inprocess", "api", "rasa"), default="inprocess")
    p.add_argument("--api-url", default="http://127.0.0.1:8000")
    p.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    p.add_argument("--out", type=Path, default=Path("reports"))
    p.add_argument("--feedback-db", type=Path, default=None, help="standaard: Settings.feedback_db")
    p.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    p.add_argument("--half", choices=("tune", "report", "both"), default="both",
                   help="welke helft van sets met een 'split'-veld (tune: om mee af te stemmen; report: alleen melden)")
    return p.parse_args(argv)


def _progress(label: str, quiet: bool) -> Callable[[int, int], None]:
    """A progress callback: a live counter on a terminal, one line per finished set otherwise."""
    live = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if quiet:
            return
        if live:
            print(f"\r{label}: {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)
        elif done == total:
            print(f"{label}: {total} vragen", file=sys.stderr, flush=True)

    return show


def export_reviewed(argv: Sequence[str]) -> int:
    """Write the evaluators' reviewed turns as question-set lines (JSONL) to --out or standard output."""
    from knowledge.conversations import open_conversations
    from knowledge.feedback import FeedbackStoreError
    from knowledge.review import export_lines
    from knowledge.settings import Settings

    p = argparse.ArgumentParser(prog="python -m knowledge.eval export-reviewed",
                                description="Beoordeelde beurten als nieuwe regels voor de vragensets (JSONL).")
    p.add_argument("--out", type=Path, default=None, help="JSONL-bestand (standaard: naar het scherm)")
    p.add_argument("--feedback-db", type=Path, default=None, help="standaard: Settings.feedback_db")
    args = p.parse_args(list(argv))
    settings = Settings.from_env()
    store = open_conversations(args.feedback_db or settings.feedback_db,
                               "" if args.feedback_db else settings.feedback_url)
    try:
        text = export_lines(store.reviews())
    except FeedbackStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"{text.count(chr(10))} regels geschreven naar {args.out}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation, write the report, print the summary table and the report path."""
    if argv is None:
        argv = sys.argv[1:]
    if list(argv[:1]) == ["export-reviewed"]:
        return export_reviewed(argv[1:])
    from knowledge.eval.asked import unanswered_questions
    from knowledge.eval.questions import QuestionFileError, load_sets, split_sets
    from knowledge.eval.report import Context, Run, live_config, write_report
    from knowledge.eval.runners import ApiRunner, RasaRunner, Runner, inprocess_runners, run_all
    from knowledge.eval.terminal import summary_table, text_table
    from knowledge.eval.usage import read_usage
    from knowledge.settings import Settings

    args = parse_args(argv)
    try:
        sets = split_sets(load_sets(args.questions), None if args.half == "both" else args.half)
    except QuestionFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    runners: list[Runner]
    if args.target == "api":
        runners = [ApiRunner(args.api_url)]
    elif args.target == "rasa":
        runners = [RasaRunner(args.rasa_url)]
    else:
        try:
            names = [c.strip() for c in args.configs.split(",") if c.strip()]
            started = time.perf_counter()
            runners = list(inprocess_runners(names, settings))
            print(f"services gebouwd in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    runs = [
        Run(
            r.name,
            args.target,
            {name: run_all(r, qs, _progress(f"{r.name}/{name}", args.quiet)) for name, qs in sets.items()},
        )
        for r in runners
    ]
    db = args.feedback_db or settings.feedback_db
    own = [q.question for qs in sets.values() for q in qs] + [
        t.question for qs in sets.values() for q in qs for t in q.turns
    ]
    url = "" if args.feedback_db else settings.feedback_url
    context = Context(live_config(settings), tuple(str(p) for p in args.questions),
                      read_usage(str(db), url, exclude=own), tuple(unanswered_questions(db, exclude=own)))
    md, html, summary = write_report(runs, context, args.out)
    print(text_table(*summary_table(runs)))
    print(f"\nrapport: {html}\n         {md}\nsamenvatting: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
