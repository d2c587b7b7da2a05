"""The LTI queries on both backends (SQLite and PostgreSQL, as the storage tests run): single-use states and
tickets, upserted launches, leases on posts and line items, dedup of scores, best and latest part scores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.engine.verdict import Verdict
from app.lti import outbox_store, store
from app.lti.claims import AgsEndpoint, LaunchClaims
from app.lti.config import PlatformConfig
from app.lti.grades import Score, enqueue, part_scores
from app.storage import Repository, session_factory
from app.storage.lti import LtiDeployment, LtiGradePost, LtiLaunch
from tests.lti.conftest import NOW
from tests.storage.conftest import database_url, engine  # noqa: F401  (both backends, as the storage tests)

REGISTRATION = PlatformConfig(
    issuer="https://lms.test", client_id="c1", auth_login_url="https://lms.test/auth",
    auth_token_url="https://lms.test/token", jwks_url="https://lms.test/jwks", deployments=["d1"],  # type: ignore[list-item]
)  # fmt: skip


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:  # noqa: F811
    with session_factory(engine)() as session:
        yield session


def deployment(db: Session) -> LtiDeployment:
    platform = store.register(db, REGISTRATION, "file", NOW)
    found = store.deployment(db, platform.id, "d1")
    assert found is not None
    return found


def a_launch(
    db: Session, sub: str = "s1", link: str = "l1", lineitem: str | None = "https://lms.test/li/1"
) -> LtiLaunch:
    learner = Repository(db).learner_by_lti("https://lms.test", sub)
    assert learner is not None
    ags = AgsEndpoint(lineitem, "https://lms.test/li", ("https://purl.imsglobal.org/spec/lti-ags/scope/score",))
    claims = LaunchClaims("https://lms.test", "c1", sub, "d1", "LtiResourceLinkRequest", [], "", link, ags=ags)
    return store.record_launch(db, learner.id, deployment(db).id, claims, ("problem", "p"), NOW)


def test_states_and_tickets_are_used_once(db: Session) -> None:
    state = store.create_state(db, deployment(db).platform_id, "https://tool/lti/launch", NOW, 600)
    assert store.consume_state(db, state.state, NOW) and not store.consume_state(db, state.state, NOW)
    late = store.create_state(db, deployment(db).platform_id, "", NOW, 600)
    assert not store.consume_state(db, late.state, NOW + timedelta(seconds=601))  # expired
    ticket = store.issue_ticket(db, "open", {"x": 1}, NOW, 120)
    assert store.redeem_ticket(db, ticket, "deep_link", NOW) is None  # another kind
    assert store.redeem_ticket(db, ticket, "open", NOW) == {"x": 1}
    assert store.redeem_ticket(db, ticket, "open", NOW) is None


def test_a_relaunch_updates_the_launch_context(db: Session) -> None:
    first = a_launch(db)
    again = a_launch(db, lineitem="https://lms.test/li/2")
    assert again.id == first.id and again.lineitem == "https://lms.test/li/2"


def test_scores_are_deduplicated_and_superseded(db: Session) -> None:
    launch = a_launch(db)
    assert enqueue(db, launch, Score(3, 20, "InProgress"), NOW) is not None
    assert enqueue(db, launch, Score(3, 20, "InProgress"), NOW) is None  # the same score: not again
    assert enqueue(db, launch, Score(5, 20, "InProgress"), NOW) is not None
    assert [(p.score_given, p.status) for p in db.query(LtiGradePost).order_by(LtiGradePost.id)] == [
        (3, "superseded"), (5, "pending"),
    ]  # fmt: skip


def test_a_due_post_is_leased_to_one_drainer(db: Session) -> None:
    enqueue(db, a_launch(db), Score(3, 20, "InProgress"), NOW)
    (post_id,) = outbox_store.claim_due(db, NOW, 10)
    assert outbox_store.claim_due(db, NOW, 10) == []  # leased
    assert outbox_store.claim_due(db, NOW + outbox_store.LEASE + timedelta(seconds=1), 10) == [post_id]


def test_a_line_item_is_looked_up_by_one_worker_and_stored(db: Session) -> None:
    pk = deployment(db).id
    assert outbox_store.claim_line_item(db, pk, "l9", NOW) == (None, True)
    assert outbox_store.claim_line_item(db, pk, "l9", NOW) == (None, False)  # another worker is at it
    outbox_store.settle_line_item(db, pk, "l9", None)  # it failed: the next one may look again
    assert outbox_store.claim_line_item(db, pk, "l9", NOW) == (None, True)
    outbox_store.settle_line_item(db, pk, "l9", "https://lms.test/li/9")
    assert outbox_store.claim_line_item(db, pk, "l9", NOW) == ("https://lms.test/li/9", False)


def test_best_and_latest_part_scores(db: Session) -> None:
    repo = Repository(db)
    learner = repo.get_or_create_learner().id
    for score in (0.5, 1.0, 0.25):
        verdict = Verdict.correct() if score == 1.0 else Verdict.incorrect("No.", score=score)
        repo.record_attempt(learner, "p", "a", 0, "x", verdict, True)
    repo.record_attempt(learner, "p", "a", 0, "?", Verdict.invalid("?", "syntax"), False)  # not counted
    assert part_scores(db, learner, ["p"], "best") == {("p", "a"): 1.0}
    assert part_scores(db, learner, ["p"], "latest") == {("p", "a"): 0.25}
