"""`quizzes validate`, `quizzes schema`, `quizzes serve`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser("validate", help="Check problem files: schema, reference answers, mistakes.")
    validate.add_argument("path", nargs="?", default="problems", type=Path)
    validate.add_argument("--seeds", type=int, default=20, help="Variants to check per problem (default 20).")
    validate.set_defaults(handler=lambda args: _validate(args.path, args.seeds))
    schema = sub.add_parser("schema", help="Print the JSON Schema of a problem file (or of a set file: --set).")
    schema.add_argument("--set", action="store_true", help="The schema of a `_set.yaml` instead.")
    schema.set_defaults(handler=_schema)
    serve = sub.add_parser("serve", help="Run the web app with uvicorn.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)


def _schema(args: argparse.Namespace) -> int:
    from app.bank.models import ProblemSpec, SetSpec

    print(json.dumps((SetSpec if args.set else ProblemSpec).model_json_schema(), indent=2))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run("app.main:app", host=args.host, port=args.port)
    return 0


def _validate(path: Path, seeds: int) -> int:
    from app.bank.validate import validate_path

    if not path.exists():
        print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    report = validate_path(path, seeds)
    for failure in report.failures:
        print(failure, file=sys.stderr)
    verdict = "OK" if report.ok else f"{len(report.failures)} problem(s)"
    print(f"{path}: {report.checks} checks over {seeds} seeds: {verdict}")
    return 0 if report.ok else 1
