"""`quizzes instructors sign-out-all`: end every instructor session on the server (after a token leaked, or when
an instructor leaves); their cookies open nothing any more."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    instructors = sub.add_parser("instructors", help="Manage instructor sessions.")
    commands = instructors.add_subparsers(dest="instructors_command", required=True, metavar="{sign-out-all}")
    sign_out = commands.add_parser("sign-out-all", help="End every instructor session (token and LTI).")
    sign_out.set_defaults(handler=_sign_out_all)


def _sign_out_all(args: argparse.Namespace) -> int:
    from app.commands.keys import _session  # the database of the settings, migrated first
    from app.storage.instructor_sessions import revoke_all
    from app.storage.models import utcnow

    with _session() as session:
        count = revoke_all(session, utcnow())
    print(f"Ended {count} instructor session(s).", file=sys.stderr)
    return 0
