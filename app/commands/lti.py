"""`quizzes lti add-platform|list|remove|rotate-key|keys|outbox|drain`: LTI 1.3 registrations, the tool's keys and
the grade outbox, in the database of the settings (migrated first). See docs/lti.md."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

COMMANDS = "{add-platform,list,remove,rotate-key,keys,outbox,drain}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lti = sub.add_parser("lti", help="LTI 1.3: platforms, the tool's keys, the grade outbox.")
    commands = lti.add_subparsers(dest="lti_command", required=True, metavar=COMMANDS)
    add = commands.add_parser("add-platform", help="Register an LMS (or add deployments to a registration).")
    add.add_argument("--issuer", required=True, help="The platform's `iss`, e.g. https://canvas.instructure.com.")
    add.add_argument("--client-id", required=True, help="The client id the LMS gave this tool.")
    add.add_argument("--deployment-id", dest="deployments", action="append", required=True, help="Repeatable.")
    add.add_argument("--auth-login-url", required=True, help="The platform's OIDC authorization endpoint.")
    add.add_argument("--auth-token-url", required=True, help="The platform's OAuth 2 token endpoint.")
    add.add_argument("--jwks-url", required=True, help="The platform's public keys (JWKS).")
    add.add_argument("--name", default="", help="A name to show, e.g. 'Canvas (Example University)'.")
    add.add_argument("--token-audience", help="`aud` of token requests when not the token URL (D2L's).")
    add.add_argument("--grade-policy", choices=["best", "latest"], help="For these deployments (default: settings).")
    add.set_defaults(handler=_add)
    commands.add_parser("list", help="List registrations and their deployments.").set_defaults(handler=_list)
    remove = commands.add_parser("remove", help="Remove a registration, or one of its deployments.")
    remove.add_argument("--issuer", required=True)
    remove.add_argument("--client-id", required=True)
    remove.add_argument("--deployment-id", help="Only this deployment (default: the whole registration).")
    remove.set_defaults(handler=_remove)
    rotate = commands.add_parser("rotate-key", help="Sign with a new key; keep the old one public for a grace.")
    rotate.add_argument("--grace-hours", type=float, help="Default: QUIZ_LTI_KEY_GRACE_HOURS (72).")
    rotate.set_defaults(handler=_rotate)
    commands.add_parser("keys", help="List the tool's published keys.").set_defaults(handler=_keys)
    outbox = commands.add_parser("outbox", help="List pending and failed grade posts.")
    outbox.add_argument("--all", action="store_true", help="Also the sent and superseded ones (latest 200).")
    outbox.add_argument("--retry-failed", action="store_true", help="Queue the failed posts again.")
    outbox.set_defaults(handler=_outbox)
    commands.add_parser("drain", help="Send the due grade posts now, once.").set_defaults(handler=_drain)


@contextmanager
def _sessions() -> Iterator[sessionmaker[Session]]:
    from app.settings import get_settings
    from app.storage import make_engine, migrate, session_factory

    url = get_settings().database_url
    assert url is not None  # filled in by the settings' validator
    engine = make_engine(url)
    try:
        migrate(engine)
        yield session_factory(engine)
    finally:
        engine.dispose()


def _now() -> datetime:
    from app.storage.models import utcnow

    return utcnow()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.lti import store
    from app.lti.config import DeploymentConfig, PlatformConfig

    fields = {k: getattr(args, k) for k in ("issuer", "client_id", "auth_login_url", "auth_token_url", "jwks_url")}
    try:
        deployments = [DeploymentConfig(id=d, grade_policy=args.grade_policy) for d in args.deployments]
        config = PlatformConfig(name=args.name, token_audience=args.token_audience, deployments=deployments, **fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"quizzes lti add-platform: {problems}", file=sys.stderr)
        return 2
    with _sessions() as sessions, sessions() as session:
        platform = store.register(session, config, "cli", _now())
        print(f"Registered {platform.issuer} client {platform.client_id}: deployments {', '.join(args.deployments)}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.lti import store

    with _sessions() as sessions, sessions() as session:
        registrations = store.all_platforms(session)
        for platform, deployments in registrations:
            print(f"{platform.name}  issuer={platform.issuer}  client_id={platform.client_id}  ({platform.source})")
            print(f"  login={platform.auth_login_url}\n  token={platform.auth_token_url}\n  jwks={platform.jwks_url}")
            for d in deployments:
                policies = ", ".join(f"{s}: {p}" for s, p in (d.set_grade_policies or {}).items())
                print(f"  deployment {d.deployment_id}  policy={d.grade_policy or 'default'}  {policies}".rstrip())
        if not registrations:
            print("No LTI platform is registered.")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from app.lti import store

    with _sessions() as sessions, sessions() as session:
        if not store.remove(session, args.issuer, args.client_id, args.deployment_id):
            print("quizzes lti remove: no such registration or deployment", file=sys.stderr)
            return 1
    what = f"deployment {args.deployment_id} of " if args.deployment_id else ""
    print(f"Removed {what}{args.issuer} client {args.client_id}.")
    return 0


def _grace(args: argparse.Namespace) -> timedelta:
    from app.settings import get_settings

    hours = getattr(args, "grace_hours", None)
    return timedelta(hours=get_settings().lti_key_grace_hours if hours is None else hours)


def _rotate(args: argparse.Namespace) -> int:
    from app.lti import keys

    with _sessions() as sessions, sessions() as session:
        fresh = keys.rotate(session, _now(), _grace(args))
        print(f"New signing key {fresh.kid}; the previous ones stay in /lti/jwks for {_grace(args)}.")
    return _keys(args)


def _keys(args: argparse.Namespace) -> int:
    from app.lti import keys

    with _sessions() as sessions, sessions() as session:
        for key in keys.statuses(session, _now(), _grace(args)):
            role = "signing" if key.signing else f"retired {_when(key.retired_at)}"
            print(f"{key.kid}  created {_when(key.created_at)}  {role}")
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from app.lti import outbox_store

    with _sessions() as sessions, sessions() as session:
        if args.retry_failed:
            print(f"Queued {outbox_store.requeue_failed(session, _now())} failed post(s) again.")
        statuses = ("pending", "failed", "sent", "superseded") if args.all else ("pending", "failed")
        for row in outbox_store.rows(session, statuses):
            score = f"{row.score_given:g}/{row.score_maximum:g}"
            when = {"pending": f"next {_when(row.next_try_at)}", "sent": f"sent {_when(row.sent_at)}"}
            where = f"{row.platform} {row.deployment_id} sub={row.subject} {row.target}"
            parts = [
                f"#{row.id} {row.status:10} {where} {score} tries={row.tries}",
                when.get(row.status),
                row.last_error,
            ]
            print(" ".join(part for part in parts if part))
        counts = outbox_store.counts(session)
        print(", ".join(f"{status}: {counts.get(status, 0)}" for status in ("pending", "failed", "sent")))
    return 0


def _drain(args: argparse.Namespace) -> int:
    from app.bank.store import BankStore
    from app.lti.outbox import Drainer
    from app.lti.service import LtiService
    from app.settings import get_settings

    settings = get_settings()

    async def drain(sessions: sessionmaker[Session]) -> str:
        service = LtiService(settings, sessions, BankStore(settings.problems_dir, watch=False))
        try:
            report = await Drainer(service).drain_once()
        finally:
            await service.http.aclose()
        return f"sent {report.sent}, to retry {report.retry}, failed {report.failed}, deferred {report.deferred}"

    with _sessions() as sessions:
        print(asyncio.run(drain(sessions)))
    return 0
