"""The `quizzes` command: validate problems, print the authors' JSON Schema, serve the app."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quizzes", description="Practice-quiz platform tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="Check problem files: schema, reference answers, mistakes.")
    validate.add_argument("path", nargs="?", default="problems", type=Path)
    validate.add_argument("--seeds", type=int, default=20, help="Variants to check per problem (default 20).")
    sub.add_parser("schema", help="Print the JSON Schema of a problem file.")
    serve = sub.add_parser("serve", help="Run the web app with uvicorn.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.path, args.seeds)
    if args.command == "schema":
        from app.bank.models import ProblemSpec

        print(json.dumps(ProblemSpec.model_json_schema(), indent=2))
        return 0
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


if __name__ == "__main__":
    sys.exit(main())
