"""`quizzes migrate`: bring the database of the settings up to date, as one explicit deployment step.

App processes also migrate at start (unless `QUIZ_MIGRATE_ON_START=0`); both take the same lock, so a migration
running here and N processes starting at once never collide (see docs/deployment.md).
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = sub.add_parser("migrate", help="Create or upgrade the database schema (safe to run at any time).")
    migrate.set_defaults(handler=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from app.settings import get_settings
    from app.storage import migrate

    url = get_settings().database_url
    assert url is not None  # filled in by the settings' validator
    try:
        migrate(url)
    except OperationalError as error:
        print(f"quizzes migrate: cannot reach the database: {error.orig}", file=sys.stderr)
        return 1
    print("The database schema is up to date.", file=sys.stderr)
    return 0
