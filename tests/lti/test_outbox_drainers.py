"""Two drainers at once never leave the LMS on an older score: a post is sent only while its drainer holds the
learner's line-item lease and only if it is still the newest score (checked under that lease)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from app.lti import claims as c
from app.lti.outbox import DEFER
from app.storage.lti import LtiGradePost
from tests.forms import post_form
from tests.lti.conftest import NOW, Network, drain, launch
from tests.lti.platform import FakePlatform

PROBLEM = "c147-w23-1"  # sign_activation (3 points) is "no"; the deployment `dep-latest` grades the latest attempt


@pytest.fixture(autouse=True)
def empty_outbox(lti_app: FastAPI, clock: list[datetime]) -> Iterator[None]:
    yield
    with lti_app.state.session_factory() as session:
        session.execute(delete(LtiGradePost))
        session.commit()


class SecondDrainerMidSend:
    """The LMS, seen while the first drainer's score post is in flight: the learner answers again (a lower latest
    score) and a second drainer, on a thread of its own, drains the outbox; then the first post arrives."""

    def __init__(self, lms: FakePlatform, app: FastAPI, browser: TestClient) -> None:
        self.lms, self.app, self.browser = lms, app, browser
        self.second_report = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/scores") and self.second_report is None:
            answered = post_form(
                self.browser, f"/problems/{PROBLEM}", {"part": "sign_activation", "a.sign_activation": "yes"}
            )
            assert answered.status_code == 200
            second = threading.Thread(target=self._drain)
            second.start()
            second.join()
        return self.lms.handle(request)

    def _drain(self) -> None:
        self.second_report = drain(self.app, NOW)


def test_a_second_drainer_never_sends_a_newer_score_before_an_older_one_in_flight(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub, line_item = uuid.uuid4().hex, "https://lms.test/lineitems/race/lineitem"
    claims = {c.CUSTOM: {c.CUSTOM_PROBLEM: PROBLEM}, c.DEPLOYMENT_ID: "dep-latest", c.RESOURCE_LINK: {"id": sub}}
    assert launch(browser, moodle, keep_cookie=True, sub=sub, **claims, **moodle.ags(line_item)).status_code == 303
    assert (
        post_form(browser, f"/problems/{PROBLEM}", {"part": "sign_activation", "a.sign_activation": "no"}).status_code
        == 200
    )
    interfering = SecondDrainerMidSend(moodle, lti_app, browser)
    monkeypatch.setitem(network.hosts, moodle.host, interfering)

    first = drain(lti_app, NOW)  # sends 3.0; meanwhile 0.0 is queued and the second drainer runs
    assert (first.sent, interfering.second_report.deferred, interfering.second_report.sent) == (1, 1, 0)  # type: ignore[union-attr]
    assert drain(lti_app, NOW + DEFER).sent == 1  # the newer score, once the first drainer let go

    received = [call.json()["scoreGiven"] for call in moodle.accepted if call.json()["userId"] == sub]
    assert received == [3.0, 0.0]  # the LMS ends on the newest score
    with lti_app.state.session_factory() as session:
        statuses = session.scalars(select(LtiGradePost.status).order_by(LtiGradePost.id)).all()
    assert statuses == ["superseded", "sent"]
