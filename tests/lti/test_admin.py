"""/instructor/lti and the statistics: an LTI instructor sees only their own course of their own registration."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from app.lti import claims as c
from app.storage.instructor_sessions import session_scope
from app.storage.lti import LtiGradePost
from app.storage.models import utcnow
from app.storage.repository import Repository
from tests.forms import post_form
from tests.lti.conftest import NOW, drain, launch
from tests.lti.platform import INSTRUCTOR, FakePlatform

PROBLEM = "c147-w23-1"
LINEITEM = "https://canvas.test/api/lti/courses/1/line_items/9"


@pytest.fixture(autouse=True)
def empty_outbox(lti_app: FastAPI, clock: list[datetime]) -> Iterator[None]:
    yield
    with lti_app.state.session_factory() as session:
        session.execute(delete(LtiGradePost))
        session.commit()


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def teacher_of(app: FastAPI, platform: FakePlatform) -> TestClient:
    teacher = browser(app)
    response = launch(teacher, platform, keep_cookie=True, sub=uuid.uuid4().hex, **{c.ROLES: [INSTRUCTOR]})
    assert response.status_code == 303
    return teacher


def statistics_seen_by(app: FastAPI, teacher: TestClient) -> dict:  # type: ignore[type-arg]
    with app.state.session_factory() as session:
        scope = session_scope(session, teacher.cookies["quiz_instructor"], utcnow())
        assert scope is not None
        return Repository(session).part_statistics(PROBLEM, scope.learners())


def test_an_instructor_of_one_tenant_sees_none_of_anothers_data(
    lti_app: FastAPI, canvas: FakePlatform, canvas_b: FakePlatform
) -> None:
    student, sub = browser(lti_app), uuid.uuid4().hex
    link = {c.CUSTOM: {c.CUSTOM_PROBLEM: PROBLEM}, c.RESOURCE_LINK: {"id": uuid.uuid4().hex}}
    assert launch(student, canvas, keep_cookie=True, sub=sub, **link, **canvas.ags(LINEITEM)).status_code == 303
    answer = {"part": "sign_activation", "a.sign_activation": "yes"}  # wrong
    assert post_form(student, f"/problems/{PROBLEM}", answer).status_code == 200
    canvas.responses[:] = [422]
    drain(lti_app, NOW)  # tenant A's grade post fails

    other = teacher_of(lti_app, canvas_b)
    page = other.get("/instructor/lti").text
    assert sub not in page and "failed: 1" not in page and canvas.client_id not in page
    assert canvas_b.client_id in page  # its own registration
    post_form(other, "/instructor/lti/retry", {}, page="/instructor/lti")
    with lti_app.state.session_factory() as session:
        assert session.scalars(select(LtiGradePost.status)).all() == ["failed"]  # not theirs to send again
    assert statistics_seen_by(lti_app, other) == {}

    own = teacher_of(lti_app, canvas)
    assert sub in own.get("/instructor/lti").text
    assert statistics_seen_by(lti_app, own)["sign_activation"].attempts >= 1


def test_an_instructor_session_ends_on_the_server_at_sign_out(lti_app: FastAPI, canvas: FakePlatform) -> None:
    teacher = teacher_of(lti_app, canvas)
    copied = browser(lti_app)
    copied.cookies.set("quiz_instructor", teacher.cookies["quiz_instructor"], domain="testserver.local")
    assert copied.get("/instructor/lti").status_code == 200
    assert post_form(teacher, "/instructor/logout", {}, page="/instructor/lti").status_code == 200
    assert copied.get("/instructor/lti").status_code == 401
