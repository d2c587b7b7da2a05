"""`quizzes keys create|list|revoke`: the REST API's keys, in the database of the settings (migrated first).

`create` prints the token alone on standard output (so `TOKEN=$(quizzes keys create …)` works) and what it made
on standard error; the token is shown this once and only its salted hash is stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from app.storage.api_keys import SCOPES

    keys = sub.add_parser("keys", help="Create, list and revoke the REST API's keys.")
    commands = keys.add_subparsers(dest="keys_command", required=True, metavar="{create,list,revoke}")
    create = commands.add_parser("create", help="Create a key and print its token (shown once).")
    create.add_argument("--name", required=True, help="Who or what uses the key, e.g. 'Canvas sync'.")
    create.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        required=True,
        choices=sorted(SCOPES),
        help="A scope the key grants (repeat for several): "
        + "; ".join(f"{name}: {text}" for name, text in SCOPES.items()),
    )
    create.set_defaults(handler=_create)
    listing = commands.add_parser("list", help="List every key: prefix, name, scopes, created, last used, revoked.")
    listing.set_defaults(handler=_list)
    revoke = commands.add_parser("revoke", help="Revoke a key by its prefix (qz_… as `keys list` shows it).")
    revoke.add_argument("prefix")
    revoke.set_defaults(handler=_revoke)


@contextmanager
def _session() -> Iterator[Session]:
    from app.settings import get_settings
    from app.storage import make_engine, migrate, session_factory

    url = get_settings().database_url
    assert url is not None  # filled in by the settings' validator
    engine = make_engine(url)
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _create(args: argparse.Namespace) -> int:
    from app.storage.api_keys import create_key

    with _session() as session:
        try:
            made = create_key(session, args.name, args.scopes)
        except ValueError as error:
            print(f"quizzes keys create: {error}", file=sys.stderr)
            return 2
        print(f"Created {made.key.public_id} {made.key.name!r} with scopes {made.key.scopes}.", file=sys.stderr)
        print("Its token follows; it is shown this once, so store it now:", file=sys.stderr)
        print(made.token)
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _list(args: argparse.Namespace) -> int:
    from app.storage.api_keys import list_keys

    with _session() as session:
        keys = list_keys(session)
        if not keys:
            print("No API keys yet: quizzes keys create --name NAME --scope SCOPE", file=sys.stderr)
            return 0
        rows = [("PREFIX", "NAME", "SCOPES", "CREATED (UTC)", "LAST USED", "REVOKED")]
        rows += [
            (k.public_id, k.name, k.scopes, _when(k.created_at), _when(k.last_used_at), _when(k.revoked_at))
            for k in keys
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from app.storage.api_keys import key_by_prefix, revoke_key

    with _session() as session:
        key = key_by_prefix(session, args.prefix)
        if key is None:
            print(f"quizzes keys revoke: no key with the prefix {args.prefix!r}", file=sys.stderr)
            return 1
        if revoke_key(session, key):
            print(f"Revoked {key.public_id} {key.name!r}: requests with it now get 401.")
        else:
            print(f"{key.public_id} {key.name!r} was already revoked on {_when(key.revoked_at)} UTC.")
    return 0
