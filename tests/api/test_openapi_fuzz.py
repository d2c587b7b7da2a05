"""Property-based tests of the REST API against its own OpenAPI document (Schemathesis): for generated requests to
every operation, no 5xx, and every response (status, content type, body) as the document describes it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(tempfile.mkdtemp(prefix="quizzes-fuzz-"))

# The app itself: Schemathesis runs its lifespan (workers, migrations) around the generated requests.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(
        Settings(
            problems_dir=ROOT / "problems",
            templates_dir=ROOT / "templates",
            static_dir=ROOT / "static",
            data_dir=DATA,
            workers=2,
        )
    ),
)


@pytest.fixture(scope="module", autouse=True)
def _remove_the_data_folder() -> Iterator[None]:
    yield
    shutil.rmtree(DATA, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_openapi_document(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()
