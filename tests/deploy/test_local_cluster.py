"""The scale-out topology on this machine (deploy/local-cluster): nginx in front of three app instances sharing
PostgreSQL and Redis. A student's cookie and attempts, idempotent submissions, form resubmissions and rate limits
work whichever instance answers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.storage import Attempt, make_engine, session_factory
from app.web.identity import Signer
from tests.databases import postgres_database

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "c147-w23-2"
BURST = 4  # the cluster's rate-limit burst per API key (shared through Redis)
SECRET = "cluster-secret-" + "x" * 40  # the cookie secret every instance shares
pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx is not installed (apt-get install -y nginx-light)")  # fmt: skip


@dataclass
class Cluster:
    url: str
    database_url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def api_token(self, *scopes: str) -> str:
        command = [sys.executable, "-m", "app.cli", "keys", "create", "--name", "cluster test"]
        command += [arg for scope in scopes for arg in ("--scope", scope)]
        env = {**os.environ, "QUIZ_DATABASE_URL": self.database_url, "QUIZ_SECRET_KEY": SECRET}
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()

    def attempts(self, learner: str) -> int:
        engine = make_engine(self.database_url)
        try:
            with session_factory(engine)() as session:
                return int(session.scalar(select(func.count()).where(Attempt.learner_id == learner)) or 0)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with postgres_database() as database_url:
        env = {
            **os.environ,
            "QUIZ_SECRET_KEY": SECRET,
            "QUIZ_API_RATE_BURST": str(BURST),
            "QUIZ_API_RATE_PER_MINUTE": "1",
        }
        command = [sys.executable, str(ROOT / "deploy" / "local-cluster"), "--database-url", database_url]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        try:
            line = process.stdout.readline()  # blocks until every instance and nginx are up
            assert line.startswith("ready "), f"local-cluster did not start (exit code {process.poll()})"
            yield Cluster(line.split()[1], database_url)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
            process.stdout.close()


def instance(response: httpx.Response) -> str:
    return response.headers["x-quizzes-instance"]


def test_a_students_cookie_and_attempts_hold_on_every_instance(cluster: Cluster) -> None:
    with cluster.client() as student:
        first = student.get(f"/problems/{PROBLEM}")
        learner_cookie = student.cookies["quiz_learner"]
        token = re.search(r'name="form_token" value="([^"]+)"', first.text.split('class="answers"')[1]).group(1)  # type: ignore[union-attr]
        csrf = re.search(r'name="csrf" value="([^"]+)"', first.text).group(1)  # type: ignore[union-attr]
        post = {"csrf": csrf, "form_token": token, "part": "b1_shape", "a.b1_shape": "D_a1 x 1"}
        answered = student.post(f"/problems/{PROBLEM}", data=post)
        pages = [student.get(f"/problems/{PROBLEM}") for _ in range(3)]
        again = student.post(f"/problems/{PROBLEM}", data=post)  # the same form sent again, to another instance
    served_by = {instance(first), instance(answered), *map(instance, pages), instance(again)}
    assert len(served_by) == 3  # every instance answered this student
    assert student.cookies["quiz_learner"] == learner_cookie  # never replaced by a new identity
    assert "Correct" not in first.text and all("Correct" in page.text for page in pages)  # seen everywhere
    learner = Signer(SECRET).learner(learner_cookie)
    assert learner is not None and cluster.attempts(learner) == 1  # counted once


def test_idempotent_submissions_replay_whichever_instance_answers(cluster: Cluster) -> None:
    headers = {"Authorization": f"Bearer {cluster.api_token('submit')}", "Idempotency-Key": uuid.uuid4().hex}
    learner = uuid.uuid4().hex
    body = {"learner_id": learner, "problem_id": PROBLEM, "answers": {"b1_shape": "D_a1 x 1", "delta_W1": "x"}}
    with cluster.client() as integrator:
        responses = [integrator.post("/api/v1/submissions", json=body, headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len({instance(r) for r in responses}) == 3
    assert [r.headers.get("idempotent-replayed") for r in responses] == [None, "true", "true"]
    assert responses[1].content == responses[2].content == responses[0].content
    assert cluster.attempts(learner) == 2  # two parts, recorded once


def test_an_api_keys_rate_limit_is_shared_by_every_instance(cluster: Cluster) -> None:
    headers = {"Authorization": f"Bearer {cluster.api_token('progress:read')}"}
    with cluster.client() as integrator:
        url = f"/api/v1/learners/{uuid.uuid4().hex}/progress"  # unknown: 404, but the request counts all the same
        responses = [integrator.get(url, headers=headers) for _ in range(BURST + 1)]
    assert len({instance(r) for r in responses}) == 3
    assert [r.status_code for r in responses] == [404] * BURST + [429]
