"""Command line: python -m knowledge build|add|remove|sections|ask|serve."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from knowledge.ingest import IngestError, budget_files, load_corpus
from knowledge.serialize import answer_json
from knowledge.settings import Settings
from knowledge.types import Answer, Corpus


def print_answer(answer: Answer) -> None:
    """Print an answer with its numbered sources."""
    print(answer.text)
    if answer.citations:
        print("\nBronnen:")
        for c in answer.citations:
            label = f"{c.code} {c.title}" if c.code else c.title
            print(f"  [{c.n}] {c.document} — {label} ({' > '.join(c.path)}) {c.url}")
            print(f"      «{c.quote}»")


def print_tree(corpus: Corpus) -> None:
    """Print the section tree of every document, with line ranges and tables."""
    tables_by_section: dict[str, list[str]] = {}
    for t in corpus.tables:
        tables_by_section.setdefault(t.section_id, []).append(f"tabel '{t.title}' ({len(t.cells)} cellen)")
    for doc in corpus.documents:
        print(f"{doc.id} — {doc.title} ({doc.source}, {doc.line_count} regels)")
        for s in corpus.sections:
            if s.document_id != doc.id:
                continue
            indent = "  " * len(s.path)
            label = f"{s.code} {s.title}" if s.code else s.title
            extra = "; ".join(tables_by_section.get(s.id, []))
            where = f"[{s.kind}, r. {s.line_start}-{s.line_end}, id {s.slug}]"
            print(f"{indent}{label}  {where}{'  ' + extra if extra else ''}")


def _service(settings: Settings):  # type: ignore[no-untyped-def]
    from knowledge.factory import build_service

    return build_service(settings)


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Begrotingswijzer kennisbank")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="lees alle documenten in een map en bouw de index")
    b.add_argument("dir", nargs="?", type=Path)
    ad = sub.add_parser("add", help="voeg een document (en zijn .meta.json) toe aan de datamap en werk de index bij")
    ad.add_argument("file", type=Path)
    rm = sub.add_parser("remove", help="haal een document uit de datamap en werk de index bij")
    rm.add_argument("document", help="de naam van het document (bestandsnaam zonder .txt)")
    sub.add_parser("sections", help="toon de boom van secties")
    a = sub.add_parser("ask", help="stel een vraag")
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true")
    a.add_argument("--explain", action="store_true", help="toon het begrepen vraagframe en de gekozen route")
    a.add_argument("--batch", type=Path, help="bestand met één vraag per regel")
    s = sub.add_parser("serve", help="start de API en de webpagina's")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        return _run(args, settings)
    except IngestError as exc:
        print(f"Fout bij het inlezen: {exc}", file=sys.stderr)
        print("De bestaande index is niet veranderd.", file=sys.stderr)
        return 1
    except Exception as exc:  # a damaged index or a missing model: their messages say what to do
        from knowledge.factory import DocumentError, ModelUnavailable
        from knowledge.index import IndexDamaged

        if not isinstance(exc, (IndexDamaged, ModelUnavailable, DocumentError)):
            raise
        print(f"Fout: {exc}", file=sys.stderr)
        if isinstance(exc, DocumentError):
            print("De datamap en de index zijn niet veranderd.", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "build":
        from knowledge.factory import build_with_report

        report = build_with_report(settings, args.dir)
        print(report.summary())
        print(f"Index geschreven naar {report.index_dir}")
        return 0
    if args.command == "add":
        from knowledge.factory import add_document

        report = add_document(settings, args.file)
        verb = "bijgewerkt" if args.file.stem in report.changed else "toegevoegd"
        if args.file.stem in report.unchanged:
            verb = "was al aanwezig en is niet veranderd"
        print(f"Document {args.file.stem} {verb} in {settings.data_dir}.")
        print(report.summary())
        print(f"Index geschreven naar {report.index_dir}; een draaiende kennisservice neemt hem vanzelf over.")
        return 0
    if args.command == "remove":
        from knowledge.factory import remove_document

        report = remove_document(settings, args.document)
        print(f"Document {', '.join(report.removed) or args.document} verwijderd uit {settings.data_dir}.")
        print(report.summary())
        print(f"Index geschreven naar {report.index_dir}; een draaiende kennisservice neemt hem vanzelf over.")
        return 0
    if args.command == "sections":
        from knowledge.index import index_exists
        from knowledge.store import corpus_from_json, read_json

        if index_exists(settings.index_dir):
            corpus = corpus_from_json(read_json(settings.index_dir / "corpus.json"))
        else:
            corpus = load_corpus(budget_files(settings.data_dir))
        print_tree(corpus)
        return 0
    if args.command == "ask":
        return _ask(args, settings)
    if args.command == "serve":
        import uvicorn

        from knowledge.api import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
        return 0
    return 2


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None:
        try:
            questions = [q.strip() for q in args.batch.read_text(encoding="utf-8").splitlines() if q.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            print(f"Fout: kan {args.batch} niet lezen als UTF-8-tekst ({exc})", file=sys.stderr)
            return 1
    elif args.question and args.question.strip():
        questions = [args.question.strip()]
    else:
        print("Fout: geef een vraag, of --batch BESTAND", file=sys.stderr)
        return 2
    too_long = [q for q in questions if len(q) > settings.max_question_chars]
    if too_long:
        print(f"Fout: een vraag mag maximaal {settings.max_question_chars} tekens zijn", file=sys.stderr)
        return 2
    service = _service(settings)
    for q in questions:
        answer = service.answer(q)
        if args.explain and answer.frame is not None:
            print(explain_frame(answer))
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print_answer(answer)
            print()
    return 0


def explain_frame(answer: Answer) -> str:
    """The frame and the decisions taken, in a few readable lines (for staff and evaluators)."""
    f = answer.frame
    assert f is not None
    mentions = ", ".join(f"{m.label} [{m.kind}] via '{m.text}'" for m in f.mentions) or "geen"
    lines = [
        f"vraag:        {f.text}",
        f"zoektekst:    {f.search_text}",
        f"taal:         {f.language}    bedoeling: {f.intent}    vervolgvraag: {'ja' if f.follow_up else 'nee'}",
        f"onderwerpen:  {mentions}",
        f"gekozen:      {f.subject or '-'}",
        f"maat:         {f.measure or '-'}    jaren: {', '.join(map(str, f.years)) or '-'}    totaal: {f.total}",
        f"documenten:   {', '.join(f.scope) or 'geen'}",
        f"onderwerpwoorden: {', '.join(f.topic_words) or '-'}    namen: {', '.join(f.names) or '-'}",
        f"overgenomen uit vorige vraag: {', '.join(f.inherited) or '-'}",
        f"notities:     {'; '.join(f.notes) or '-'}",
        f"route:        {answer.method}    beantwoord: {answer.answered}    zekerheid: {answer.confidence}",
        f"antwoord uit: {answer.resolved.line or '-'} · {answer.resolved.measure or '-'} · "
        f"{answer.resolved.year or '-'} · {answer.resolved.topic or '-'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
