"""`quizzes export qti|moodle --set SET [--seed N] -o FILE`: a problem set's auto-checkable parts for an LMS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = {
    "qti": "a QTI 2.1 content package (zip) for Canvas, Blackboard, D2L and other QTI importers",
    "moodle": "Moodle XML for Moodle's question bank",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="Export a problem set's choice and numeric parts for an LMS.")
    formats = export.add_subparsers(dest="format", required=True, metavar="{qti,moodle}")
    for name, description in FORMATS.items():
        command = formats.add_parser(name, help=f"Write {description}.")
        command.add_argument(
            "--set", dest="set_id", metavar="SET", required=True, help="Problem set id, e.g. dl-practice."
        )
        command.add_argument("--seed", type=_seed, default=0, help="Variant to export (default 0: the exam).")
        command.add_argument("-o", "--output", type=Path, required=True, help="File to write.")
        command.add_argument("--problems", type=Path, help="Problem folder (default: QUIZ_PROBLEMS_DIR, problems).")
        command.add_argument("--static", type=Path, help="Static figures folder (default: QUIZ_STATIC_DIR, static).")
        command.set_defaults(handler=_export)


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if seed < 0:
        raise argparse.ArgumentTypeError("a seed is 0 or more")
    return seed


def _export(args: argparse.Namespace) -> int:
    from app.export import moodle_xml, qti_package
    from app.export.collect import ExportError, collect, load_set, report
    from app.settings import get_settings

    settings = get_settings()
    problems_dir = args.problems or settings.problems_dir
    static_dir = args.static or settings.static_dir
    try:
        problems = load_set(problems_dir, args.set_id)
    except ExportError as error:
        print(f"quizzes export: {error}", file=sys.stderr)
        return 2
    export = collect(problems, seed=args.seed, set_id=args.set_id, static_dir=static_dir)
    data, lines = qti_package(export) if args.format == "qti" else moodle_xml(export)
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
    except OSError as error:
        print(f"quizzes export: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return 2
    lines = report(export, lines)
    for line in lines:
        print(line)
    exported = sum(line.exported for line in lines)
    skipped = sum(not line.exported for line in lines)
    print(f"{args.output}: {exported} exported, {skipped} skipped ({args.set_id}, seed {args.seed}, {args.format})")
    return 0
