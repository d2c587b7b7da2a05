"""Grade passback end to end: launch → answer → the outbox posts the score (exact JSON, Moodle's query-string line
item, content type, bearer token); best vs latest; never the same score twice; D2L's missing line item found or
created once; access tokens cached; retries with backoff, permanent failures shown to instructors."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from app.lti import claims as c
from app.lti.outbox import DrainReport
from app.storage.lti import LtiGradePost
from tests.forms import post_form
from tests.lti.conftest import MOODLE_LINEITEM, NOW, drain, launch
from tests.lti.platform import FakePlatform

PROBLEM = "c147-w23-1"  # 20 points; sign_activation (choice, 3 points) is "no"
SET = "c147-w23-midterm"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


@pytest.fixture(autouse=True)
def empty_outbox(lti_app: FastAPI, clock: list[datetime]) -> Iterator[None]:
    """Each test starts with an empty outbox and token cache, and the service's clock at NOW."""
    lti_app.state.lti.tokens.tokens.clear()
    yield
    with lti_app.state.session_factory() as session:
        session.execute(delete(LtiGradePost))
        session.commit()


def start(browser: TestClient, platform: FakePlatform, link: dict[str, str], sub: str = "", **claims: object) -> str:
    """An LTI learner (a new `sub` unless given) launches a link and lands on it; their sub."""
    sub = sub or uuid.uuid4().hex
    claims.setdefault(c.RESOURCE_LINK, {"id": uuid.uuid4().hex})
    response = launch(browser, platform, keep_cookie=True, sub=sub, **{c.CUSTOM: link}, **claims)  # type: ignore[arg-type]
    assert response.status_code == 303, response.text
    return sub


def answer(browser: TestClient, part: str, text: str | list[str], problem: str = PROBLEM) -> None:
    assert post_form(browser, f"/problems/{problem}", {"part": part, f"a.{part}": text}).status_code == 200


def posts(app: FastAPI) -> list[LtiGradePost]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(LtiGradePost).order_by(LtiGradePost.id)))


def test_launch_answer_and_the_score_is_posted_to_moodle(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    sub = start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    answer(browser, "sign_activation", "no")
    before = len(moodle.accepted)
    report = drain(lti_app, NOW)
    assert (report.sent, report.retry, report.failed) == (1, 0, 0)
    (call,) = moodle.accepted[before:]
    assert call.url == "https://lms.test/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1"
    assert call.headers["content-type"] == SCORE_TYPE
    assert call.headers["authorization"] == f"Bearer {moodle.issued[-1]}"
    assert call.json() == {
        "userId": sub, "scoreGiven": 3.0, "scoreMaximum": 20.0, "activityProgress": "InProgress",
        "gradingProgress": "FullyGraded", "timestamp": "2026-11-28T12:00:00.000+00:00",
    }  # fmt: skip
    # The token request: client credentials with a JWT assertion signed by a key of the tool's public JWKS.
    form = moodle.token_calls()[-1].form()
    assert (form["grant_type"], form["scope"]) == ("client_credentials", c.SCOPE_SCORE)
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    kid = jwt.get_unverified_header(form["client_assertion"])["kid"]
    public = jwt.PyJWKSet.from_dict(browser.get("/lti/jwks").json())[kid]
    times = {"verify_exp": False, "verify_iat": False}  # signed at the frozen NOW
    token = form["client_assertion"]
    assertion = jwt.decode(token, public.key, algorithms=["RS256"], audience="https://lms.test/token", options=times)
    assert (assertion["iat"], assertion["exp"]) == (int(NOW.timestamp()), int(NOW.timestamp()) + 300)
    assert assertion["iss"] == assertion["sub"] == moodle.client_id and assertion["jti"]
    assert drain(lti_app, NOW + timedelta(hours=1)).sent == 0  # sent once
    assert [p.status for p in posts(lti_app)] == ["sent"]


def test_the_best_or_the_latest_attempt_counts_as_the_deployment_says(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, bank
) -> None:  # type: ignore[no-untyped-def]
    total = float(sum(part.points for problem in bank if problem.set == SET for part in problem.parts))
    best_item, latest_item = "https://lms.test/lineitems/best/lineitem", "https://lms.test/lineitems/latest/lineitem"
    sub = start(browser, moodle, {c.CUSTOM_SET: SET}, **moodle.ags(best_item))
    answer(browser, "sign_activation", "no")  # right: 3 points
    answer(browser, "sign_activation", "yes")  # wrong, but the best attempt counts: still 3
    # The same person launched from the other deployment is another learner there (learners are per deployment).
    other = TestClient(lti_app, base_url="https://testserver")
    start(other, moodle, {c.CUSTOM_SET: SET}, sub, **{c.DEPLOYMENT_ID: "dep-latest"}, **moodle.ags(latest_item))
    answer(other, "sign_activation", "no")  # right: 3 points
    answer(other, "sign_activation", "yes")  # wrong: the latest attempt scores 0
    answer(other, "sign_activation", "")  # blank: not an attempt, nothing queued
    before = len(moodle.accepted)
    assert drain(lti_app, NOW).sent == 2  # the first latest-post was superseded before it was sent
    sent = {call.url.split("/")[4]: call.json() for call in moodle.accepted[before:]}  # …/lineitems/<name>/…
    assert {k: (v["scoreGiven"], v["scoreMaximum"], v["userId"]) for k, v in sent.items()} == {
        "best": (3.0, total, sub), "latest": (0.0, total, sub),
    }  # fmt: skip
    assert sorted(p.status for p in posts(lti_app)) == ["sent", "sent", "superseded"]
    answer(other, "sign_activation", "yes")  # the same scores again: nothing new to send
    assert len(posts(lti_app)) == 3 and drain(lti_app, NOW).sent == 0


def test_an_access_token_is_reused_until_shortly_before_it_expires(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, clock: list[datetime]
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    tokens = len(moodle.token_calls())
    for minutes, part, text in [
        (0, "sign_activation", "no"),
        (50, "conv_parameters", "140"),
        (58, "generalization_gap", ["B", "C"]),
    ]:
        clock[0] = NOW + timedelta(minutes=minutes)
        answer(browser, part, text)
        assert drain(lti_app, clock[0]).sent == 1
    assert len(moodle.token_calls()) == tokens + 1  # one token for the first hour…
    clock[0] = NOW + timedelta(minutes=59, seconds=30)  # …used up to 60 s before its expires_in (3600 s)
    answer(browser, "initialization", ["A", "B"])
    assert drain(lti_app, clock[0]).sent == 1 and len(moodle.token_calls()) == tokens + 2
    assert [p.score_given for p in posts(lti_app)] == [3.0, 8.0, 13.0, 18.0]


def test_429_and_5xx_are_retried_with_backoff_and_422_fails_at_once(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    answer(browser, "sign_activation", "no")
    moodle.responses[:] = [503, 429]
    assert drain(lti_app, NOW).retry == 1
    (post,) = posts(lti_app)
    assert (post.status, post.tries, post.next_try_at) == ("pending", 1, NOW + timedelta(seconds=30))
    assert "score post: HTTP 503" in (post.last_error or "")
    assert drain(lti_app, NOW + timedelta(seconds=20)).retry == 0  # not due yet
    assert drain(lti_app, NOW + timedelta(seconds=30)).retry == 1  # 429 with Retry-After: 120 s beats 60 s
    (post,) = posts(lti_app)
    assert (post.tries, post.next_try_at) == (2, NOW + timedelta(seconds=150))
    assert drain(lti_app, NOW + timedelta(seconds=150)).sent == 1

    answer(browser, "conv_parameters", "140")
    moodle.responses[:] = [422]
    assert drain(lti_app, NOW + timedelta(seconds=200)).failed == 1
    failed = posts(lti_app)[-1]
    assert (failed.status, failed.tries) == ("failed", 1) and "HTTP 422" in (failed.last_error or "")
    assert drain(lti_app, NOW + timedelta(days=1)).failed == 0  # a permanent failure is not retried…


def test_failed_posts_are_shown_to_instructors_and_can_be_sent_again(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    answer(browser, "sign_activation", "no")
    moodle.responses[:] = [422]
    drain(lti_app, NOW)
    teacher = TestClient(lti_app, base_url="https://testserver")
    assert launch(teacher, moodle, keep_cookie=True, **{c.ROLES: ["Instructor"]}).status_code == 303
    page = teacher.get("/instructor/lti")
    assert page.status_code == 200 and "score post: HTTP 422" in page.text and "failed: 1" in page.text
    assert teacher.post("/instructor/lti/retry", data={"csrf": "forged"}).status_code == 403
    assert post_form(teacher, "/instructor/lti/retry", {}, page="/instructor/lti").status_code == 200
    assert drain(lti_app, NOW + timedelta(minutes=1)).sent == 1 and [p.status for p in posts(lti_app)] == ["sent"]


def test_network_errors_are_retried_until_the_outbox_gives_up(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lti_app.state.lti.settings, "lti_outbox_max_tries", 3)
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags("https://unreachable.test/lineitems/1"))
    answer(browser, "sign_activation", "no")
    for minutes, status in [(0, "pending"), (1, "pending"), (2, "failed"), (60, "failed")]:
        drain(lti_app, NOW + timedelta(minutes=minutes))
        (post,) = posts(lti_app)
        assert post.status == status and "ConnectError" in (post.last_error or "")
    assert post.tries == 3 and (post.last_error or "").startswith("gave up after 3 tries")


def test_a_401_drops_the_cached_token_and_is_retried(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    answer(browser, "sign_activation", "no")
    moodle.responses[:] = [401]
    tokens = len(moodle.token_calls())
    assert drain(lti_app, NOW).retry == 1
    assert drain(lti_app, NOW + timedelta(seconds=30)).sent == 1
    assert len(moodle.token_calls()) == tokens + 2


def test_d2l_without_a_line_item_finds_or_creates_one_and_never_twice(lti_app: FastAPI, d2l: FakePlatform) -> None:
    lineitems = "https://d2l.test/d2l/api/lti/ags/2.0/deployment/d2l-dep/orgunit/6606/lineitems"
    ags = d2l.ags(None, lineitems)
    link = {"id": uuid.uuid4().hex}
    for text in ("no", "yes"):  # two learners of the same link
        student = TestClient(lti_app, base_url="https://testserver")
        start(student, d2l, {c.CUSTOM_PROBLEM: PROBLEM}, **{c.RESOURCE_LINK: link}, **ags)
        answer(student, "sign_activation", text)
    calls = len(d2l.calls)
    assert drain(lti_app, NOW).sent == 2
    new = d2l.calls[calls:]
    created = [k for k in new if k.method == "POST" and k.url == lineitems]
    assert len(created) == 1 and len([k for k in new if k.method == "GET" and "/lineitems?" in k.url]) == 1
    assert created[0].json() == {
        "scoreMaximum": 20.0, "label": "Multiple choice and short answer", "resourceId": f"problem:{PROBLEM}",
        "resourceLinkId": link["id"], "tag": "quizzes",
    }  # fmt: skip
    item = created[0].headers["content-type"], d2l.line_items[-1]["id"]
    assert item[0] == "application/vnd.ims.lis.v2.lineitem+json"
    assert [k.url for k in new if k.url.endswith("/scores")] == [item[1] + "/scores"] * 2
    assertion = jwt.decode(d2l.token_calls()[-1].form()["client_assertion"], options={"verify_signature": False})
    assert assertion["aud"] == "https://api.d2l.test/auth/token"  # the registration's token audience

    # A link whose line item the platform already has (made by an instructor): found, not created.
    d2l.line_items.append({"id": "https://d2l.test/lineitems/99", "resourceLinkId": "made-by-hand", "scoreMaximum": 20})
    student = TestClient(lti_app, base_url="https://testserver")
    start(student, d2l, {c.CUSTOM_PROBLEM: PROBLEM}, **{c.RESOURCE_LINK: {"id": "made-by-hand"}}, **ags)
    answer(student, "sign_activation", "no")
    calls = len(d2l.calls)
    assert drain(lti_app, NOW).sent == 1
    assert [k.method for k in d2l.calls[calls:] if "lineitems" in k.url and "scores" not in k.url] == ["GET"]
    assert d2l.calls[-1].url == "https://d2l.test/lineitems/99/scores"


def test_a_launch_without_grade_service_queues_nothing(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM})
    answer(browser, "sign_activation", "no")
    assert posts(lti_app) == []


def test_the_background_drainer_sends_when_woken(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(browser, moodle, {c.CUSTOM_PROBLEM: PROBLEM}, **moodle.ags(MOODLE_LINEITEM))
    answer(browser, "sign_activation", "no")
    service, drainer = lti_app.state.lti, lti_app.state.lti_outbox
    monkeypatch.setattr(service.settings, "lti_outbox_poll_seconds", 3600)

    async def scenario() -> None:
        sent = asyncio.Event()
        drain_once = drainer.drain_once

        async def observed(now: datetime | None = None) -> DrainReport:
            report = await drain_once(now)
            if report.sent:
                sent.set()
            return report

        monkeypatch.setattr(drainer, "drain_once", observed)
        monkeypatch.setattr(service, "wakeup", asyncio.Event())  # of this loop (the app's is the test client's)
        task = asyncio.create_task(drainer.run())
        try:
            service.wake()  # what the grade hook does after an attempt
            await asyncio.wait_for(sent.wait(), timeout=10)
        finally:
            task.cancel()

    asyncio.run(scenario())
    assert [p.status for p in posts(lti_app)] == ["sent"]
