"""Outages answer 503 with Retry-After (problem details on the API, a page for people), and the health checks tell
liveness from readiness. The database outage is real: the app's database URL points at a closed port."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from app.availability import SERVICE_UNAVAILABLE, DependencyMissing
from app.main import create_app
from app.settings import Settings
from app.storage import make_engine
from tests.databases import postgres_database

ROOT = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    with socket.socket() as probe:  # bound but never listening: connections to it are refused
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_client(tmp_path: Path, **overrides: object) -> TestClient:
    settings = Settings(
        problems_dir=ROOT / "problems",
        templates_dir=ROOT / "templates",
        static_dir=ROOT / "static",
        data_dir=tmp_path,
        workers=1,
        lti_outbox_poll_seconds=0,
        secret_key="a-secret-every-instance-of-the-test-shares",
        **overrides,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def database_down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"
    with make_client(tmp_path_factory.mktemp("down"), database_url=url, migrate_on_start=False) as client:
        yield client


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("up")) as client:
        yield client


def test_a_page_during_a_database_outage_is_a_friendly_503(database_down: TestClient) -> None:
    page = database_down.get("/problems/c147-w23-2")
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert page.headers["content-type"].startswith("text/html")
    assert "Back in a moment" in page.text and "Reload this page in a few seconds" in page.text


def test_an_answer_posted_during_an_outage_is_told_it_was_not_recorded(database_down: TestClient) -> None:
    signer, learner = database_down.app.state.signer, "b" * 32  # type: ignore[attr-defined]
    database_down.cookies.set("quiz_learner", signer.sign_learner(learner))  # a student whose page loaded before
    csrf = signer.tag("form", learner)[:32]  # the token that page's forms carry (app/web/csrf.py)
    page = database_down.post("/problems/c147-w23-2", data={"csrf": csrf, "part": "*", "a.b1_shape": "D_a1 x 1"})
    assert page.status_code == 503
    assert "Your last answer was <strong>not recorded</strong>" in page.text


def test_the_api_during_an_outage_answers_503_problem_details(database_down: TestClient) -> None:
    body = {"learner_id": "a" * 32, "problem_id": "c147-w23-2", "answers": {"b1_shape": "D_a1 x 1"}}
    headers = {"Authorization": "Bearer qz_0123456789ab_secret", "Idempotency-Key": "k1"}
    response = database_down.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == SERVICE_UNAVAILABLE
    assert response.json()["detail"].startswith("The service cannot reach its database right now")


def test_what_needs_no_database_still_works_during_an_outage(database_down: TestClient) -> None:
    check = {"seed": 0, "answers": {"b1_shape": "D_a1 x 1"}}
    assert (
        database_down.post("/api/v1/problems/c147-w23-2/check", json=check).json()["parts"]["b1_shape"]["status"]
        == "correct"
    )


def test_liveness_stays_up_and_readiness_reports_the_database(database_down: TestClient) -> None:
    assert database_down.get("/healthz/live").json() == {"status": "ok"}
    ready = database_down.get("/healthz/ready")
    assert ready.status_code == 503 and ready.headers["retry-after"] == "5"
    assert ready.json() == {"status": "unavailable", "checks": {"database": False, "workers": True}}
    assert database_down.get("/healthz").json() == {"status": "ok", "workers": 1}  # as before


def test_a_healthy_app_is_ready(healthy: TestClient) -> None:
    ready = healthy.get("/healthz/ready")
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"database": True, "workers": True}},
    )


def test_readiness_needs_redis_when_redis_is_configured(tmp_path: Path) -> None:
    with make_client(tmp_path, redis_url=f"redis://127.0.0.1:{closed_port()}/0") as client:
        ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "workers": True, "redis": False}


def test_readiness_with_a_reachable_redis(tmp_path: Path) -> None:
    with make_client(tmp_path, redis_url="redis://127.0.0.1:6379/0") as client:
        ready = client.get("/healthz/ready")
    assert ready.status_code == 200 and ready.json()["checks"]["redis"] is True


def test_readiness_without_live_workers_is_503(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        client.app.state.checker.pool.close()  # type: ignore[attr-defined]  # every worker gone
        ready = client.get("/healthz/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["workers"] is False


def test_scale_out_needs_a_shared_postgresql_and_redis(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(data_dir=tmp_path, scale_out=True)
    assert (
        "QUIZ_SCALE_OUT=1 (several instances): QUIZ_DATABASE_URL must be the PostgreSQL database every instance"
        " shares; QUIZ_REDIS_URL must be the Redis every instance shares (rate limits)." in str(caught.value)
    )


def test_a_scaled_out_instance_does_not_start_without_its_redis(tmp_path: Path) -> None:
    with postgres_database() as url:
        client = make_client(
            tmp_path, scale_out=True, database_url=url, redis_url=f"redis://127.0.0.1:{closed_port()}/0"
        )
        with pytest.raises(DependencyMissing, match=r"^QUIZ_SCALE_OUT=1 but Redis cannot be reached; not starting\.$"):
            client.__enter__()


def test_a_scaled_out_instance_starts_with_its_postgresql_and_redis(tmp_path: Path) -> None:
    redis = "redis://127.0.0.1:6379/0"
    with postgres_database() as url, make_client(tmp_path, scale_out=True, database_url=url, redis_url=redis) as client:
        assert client.get("/healthz/ready").json()["checks"] == {"database": True, "workers": True, "redis": True}


def test_connections_the_database_server_terminates_are_replaced_without_an_error(tmp_path: Path) -> None:
    name = f"quizzes-{uuid.uuid4().hex[:12]}"
    with postgres_database() as url, make_client(tmp_path, database_url=f"{url}&application_name={name}") as client:
        assert client.get("/problems/c147-w23-2").status_code == 200
        admin = make_engine(url)
        try:
            with admin.begin() as connection:
                killed = connection.execute(
                    text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": name},
                ).scalar()
        finally:
            admin.dispose()
        assert killed >= 1  # the app's pooled connections are gone
        assert client.get("/problems/c147-w23-2").status_code == 200
        assert client.get("/healthz/ready").json()["checks"]["database"] is True
