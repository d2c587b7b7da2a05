"""The anonymous doors to the checker: per-browser and per-address rate limits, no free checks of parts whose
attempts count, and attempts that a new variant does not give back."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.errors import ApiError
from app.settings import Settings
from app.storage.repository import Repository
from app.throttle import ClientLimits
from tests.api.conftest import ROOT, Api, running_api
from tests.forms import post_form

REDIS_URL = "redis://127.0.0.1:6379/0"
ONE_TRY = """\
id: one-try
title: One attempt
set: demo
variables:
  x: {shape: [D, 1]}
parts:
  - id: double
    label: "1"
    kind: expression
    answer: "2 x"
    names: [x]
    max_attempts: 1
    solution: "Twice **x**."
  - id: triple
    label: "2"
    kind: expression
    answer: "3 x"
    names: [x]
"""


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("problems")
    shutil.copytree(ROOT / "problems", folder, dirs_exist_ok=True)
    (folder / "one-try.yaml").write_text(ONE_TRY, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def api(problems: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    limits = {"client_rate_burst": 4, "client_rate_per_minute": 1, "address_rate_burst": 6,
              "address_rate_per_minute": 1}  # fmt: skip
    with running_api(tmp_path_factory.mktemp("data"), problems_dir=problems, **limits) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_buckets(api: Api) -> None:
    """Each test starts with full buckets, and time stands still: a slow check refills nothing."""
    state = api.client.app.state  # type: ignore[attr-defined]
    state.client_limits = ClientLimits.from_settings(state.settings, clock=lambda: 1000.0)


def check(client: TestClient, part: str, answer: str, **headers: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post("/api/v1/problems/one-try/check", json={"answers": {part: answer}}, headers=headers)
    return response.status_code, response.json()


def test_a_part_with_an_attempt_limit_is_not_checkable_anonymously(api: Api) -> None:
    status, body = check(api.client, "double", "2 x")
    assert status == 401 and body["type"] == "tag:quizzes,2026:check-needs-key"
    assert "Part(s) 1 count attempts: answer them on the problem page" in body["detail"]
    status, body = check(api.client, "double", "2 x", **api.auth("check"))
    assert status == 200 and body["parts"]["double"]["status"] == "correct"
    assert check(api.client, "triple", "3 x")[0] == 200  # unlimited practice stays open


def test_a_browser_is_limited_then_refused_with_retry_after(api: Api) -> None:
    browser = TestClient(api.client.app, cookies=api.client.cookies)
    browser.get("/")
    assert [check(browser, "triple", "x")[0] for _ in range(4)] == [200] * 4
    response = browser.post("/api/v1/problems/one-try/check", json={"answers": {"triple": "x"}})
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "from this browser" in response.json()["detail"]
    assert post_form(browser, "/problems/one-try", {"part": "triple", "a.triple": "3 x"}).status_code == 429
    assert (
        browser.post("/api/v1/preview", json={"problem_id": "one-try", "part_id": "triple", "text": "x"}).status_code
        == 429
    )


def test_throwing_the_cookie_away_does_not_escape_the_address_limit(api: Api) -> None:
    statuses = [check(TestClient(api.client.app), "triple", "x")[0] for _ in range(7)]  # a new browser each time
    assert statuses == [200] * 6 + [429]


def test_a_key_is_limited_by_its_own_bucket_not_the_browsers(api: Api) -> None:
    headers = api.auth("check")
    assert {check(api.client, "triple", "x", **headers)[0] for _ in range(10)} == {200}


def part_section(page: str, part_id: str) -> str:
    match = re.search(rf'<section class="part[^"]*" id="part-{part_id}".*?</section>', page, re.S)
    assert match
    return match.group(0)


def test_a_new_variant_gives_no_attempts_back(api: Api) -> None:
    student = TestClient(api.client.app)
    student.get("/problems/one-try")
    page = post_form(student, "/problems/one-try", {"part": "double", "a.double": "x"}).text
    assert "Attempts: 1 · 0 left" in page and "Twice <strong>x</strong>" in page  # wrong, and the solution shown
    section = part_section(post_form(student, "/problems/one-try/variant", {}).text, "double")
    assert "Attempts: 1 · 0 left" in section and "Twice" not in section  # counted over every variant
    answered = post_form(student, "/problems/one-try", {"part": "double", "a.double": "2 x"})
    section = part_section(answered.text, "double")
    assert "status-not-started" in section  # the right answer, copied from the solution, was not taken
    learner = api.client.app.state.signer.learner(student.cookies["quiz_learner"])  # type: ignore[attr-defined]
    with api.session() as session:
        summary = Repository(session).part_summaries(learner, "one-try")["double"]
    assert (summary.attempts_used, summary.solved) == (1, False)


def test_buckets_in_redis_are_shared_by_every_process(tmp_path: Path) -> None:
    namespace = f"test-security-{uuid.uuid4().hex}"
    settings = Settings(data_dir=tmp_path, redis_url=REDIS_URL, redis_namespace=namespace,
                        client_rate_burst=2, client_rate_per_minute=1, address_rate_burst=100)  # fmt: skip
    one, two = ClientLimits.from_settings(settings), ClientLimits.from_settings(settings)  # as two app processes
    try:
        one.take("learner-a", "10.0.0.1")
        two.take("learner-a", "10.0.0.1")
        with pytest.raises(ApiError, match="from this browser"):
            one.take("learner-a", "10.0.0.1")
        two.take("learner-b", "10.0.0.1")
    finally:
        for key in one.by_learner.client.scan_iter(f"{namespace}:*"):  # type: ignore[attr-defined]
            one.by_learner.client.delete(key)  # type: ignore[attr-defined]
        one.close()
        two.close()
