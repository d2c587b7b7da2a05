"""Cross-site request forgery: another site's page can change nothing (no cookie, no variant, no attempt), and
every form must carry its page's token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.storage.repository import Repository
from tests.forms import form_tokens, post_form
from tests.web.test_pages import app, app_settings  # noqa: F401  (the same app as the page tests)

PROBLEM = "c147-w23-1"
CROSS_SITE = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}


@pytest.fixture
def student(app) -> TestClient:  # type: ignore[no-untyped-def]  # noqa: F811
    """A student who has opened the problem (and so has a cookie)."""
    client = TestClient(app)
    client.get(f"/problems/{PROBLEM}")
    return client


def record(client: TestClient) -> tuple[int, dict]:  # type: ignore[type-arg]
    """The student's current variant and attempts, straight from the database."""
    learner = client.app.state.signer.learner(client.cookies["quiz_learner"])  # type: ignore[attr-defined]
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        repo = Repository(session)
        return repo.seed_for(learner, PROBLEM), repo.part_summaries(learner, PROBLEM)


def test_a_cross_site_post_without_the_cookie_issues_no_cookie_and_changes_nothing(student: TestClient) -> None:
    before = record(student)
    attacker_page = TestClient(student.app)  # a SameSite=Lax cookie is not sent with another site's post
    response = attacker_page.post(f"/problems/{PROBLEM}/variant", headers=CROSS_SITE, follow_redirects=False)
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert record(student) == before


def test_a_cross_site_post_with_the_cookie_and_the_token_is_still_refused(student: TestClient) -> None:
    before = record(student)
    tokens = form_tokens(student, f"/problems/{PROBLEM}")
    data = {**tokens, "part": "sign_activation", "a.sign_activation": "no"}
    response = student.post(f"/problems/{PROBLEM}", data=data, headers={"origin": "https://evil.example"})
    assert response.status_code == 403 and response.json()["title"] == "Cross-site request refused"
    assert record(student) == before


def test_a_same_site_page_cannot_post_an_answer_without_the_token(student: TestClient) -> None:
    before = record(student)
    data = {"part": "sign_activation", "a.sign_activation": "no"}
    for headers in ({"sec-fetch-site": "same-site"}, {}):  # a sibling subdomain; a client sending no header
        response = student.post(f"/problems/{PROBLEM}", data=data, headers=headers)
        assert response.status_code == 403
    assert record(student) == before
    assert post_form(student, f"/problems/{PROBLEM}", data).status_code == 200  # the page's own form works
    assert record(student)[1]["sign_activation"].attempts_used == 1


def test_a_first_visit_gets_a_cookie_only_from_a_top_level_page_load(app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert "set-cookie" not in TestClient(app).get("/", headers={"sec-fetch-dest": "iframe"}).headers
    assert "set-cookie" not in TestClient(app).post(f"/problems/{PROBLEM}/hint", data={"part": "x"}).headers
    assert "quiz_learner" in TestClient(app).get("/", headers={"sec-fetch-dest": "document"}).cookies
