"""A submission that meets a pool with no free worker: 503 with Retry-After, nothing transient kept under the
Idempotency-Key, and the retry with the same key gets a real verdict (the real worker pool, one worker, held busy)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from app.api.auth import PROBLEM_TYPE
from app.storage import Attempt
from tests.api.conftest import Api, running_api
from tests.engine import sandbox_tasks as tasks

PROBLEM = "c147-w23-2"
WRONG_W1, RIGHT_SHAPE = "x @ delta_b1.T", "D_a1 x 1"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_api(tmp_path_factory.mktemp("data"), workers=1, queue_timeout=0.5) as running:
        yield running


@contextmanager
def every_worker_busy(api: Api) -> Iterator[None]:
    """Hold the pool's only worker with a task, known to be running, until the block ends."""
    pool = api.client.app.state.checker.pool  # type: ignore[attr-defined]
    with ThreadPoolExecutor(1) as executor, socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)
        held = executor.submit(pool.run, tasks.hold_until_closed, server.getsockname()[1], timeout=60)
        connection, _ = server.accept()  # the worker has taken the task
        try:
            yield
        finally:
            connection.close()
            held.result()


def submit(api: Api, learner: str, key: str):  # type: ignore[no-untyped-def]
    body = {"learner_id": learner, "problem_id": PROBLEM, "answers": {"delta_W1": WRONG_W1, "b1_shape": RIGHT_SHAPE}}
    headers = {**api.auth("submit"), "Idempotency-Key": key}
    return api.client.post("/api/v1/submissions", json=body, headers=headers)


def test_a_busy_pool_answers_503_and_the_retry_with_the_same_key_gets_real_verdicts(api: Api) -> None:
    learner, key = uuid.uuid4().hex, "exam-1"
    with every_worker_busy(api):
        refused = submit(api, learner, key)
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["type"] == PROBLEM_TYPE + "checker-unavailable"
    assert "same Idempotency-Key" in refused.json()["detail"]

    retried = submit(api, learner, key)
    assert retried.status_code == 200 and "idempotent-replayed" not in retried.headers
    parts = retried.json()["parts"]
    assert (parts["delta_W1"]["status"], parts["b1_shape"]["status"]) == ("incorrect", "correct")

    replayed = submit(api, learner, key)
    assert replayed.headers["idempotent-replayed"] == "true" and replayed.content == retried.content
    with api.session() as session:
        rows = session.execute(
            select(Attempt.part_id, Attempt.status, Attempt.counted, Attempt.idempotency_key).where(
                Attempt.learner_id == learner
            )
        ).all()
    # The two refused checks are kept, uncounted and without the key; the retry's verdicts stand under it.
    assert sorted(rows) == [
        ("b1_shape", "correct", True, f"{key}:b1_shape"),
        ("b1_shape", "invalid", False, None),
        ("delta_W1", "incorrect", True, f"{key}:delta_W1"),
        ("delta_W1", "invalid", False, None),
    ]
