"""The `quizzes` command; each command group lives in its own module under `app.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

from app.commands import COMMAND_MODULES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quizzes", description="Practice-quiz platform tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
