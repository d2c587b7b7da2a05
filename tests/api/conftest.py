"""Fixtures of the REST API tests: an app with its own data folder (SQLite, or a PostgreSQL schema of its own) and
API keys made by the same code as `quizzes keys create`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from app.storage.api_keys import create_key, key_by_prefix, revoke_key

ROOT = Path(__file__).resolve().parents[2]
# The suites check every problem of the bank in a few seconds from one address; the rate-limit tests set their own.
UNLIMITED = {
    **{f"{who}_rate_per_minute": 100_000 for who in ("api", "client", "address")},
    **{f"{who}_rate_burst": 100_000 for who in ("api", "client", "address")},
}


@dataclass
class Api:
    """A running app and helpers to make keys and look at its database."""

    client: TestClient

    def session(self) -> Session:
        return self.client.app.state.session_factory()  # type: ignore[attr-defined]

    def token(self, *scopes: str, name: str = "test key") -> str:
        with self.session() as session:
            return create_key(session, name, scopes).token

    def auth(self, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*scopes)}"}

    def revoke(self, token: str) -> None:
        with self.session() as session:
            key = key_by_prefix(session, token.split("_")[1])
            assert key is not None
            revoke_key(session, key)


@contextmanager
def running_api(
    data_dir: Path, database_url: str | None = None, problems_dir: Path | None = None, **overrides: object
) -> Iterator[Api]:
    settings = Settings(
        problems_dir=problems_dir or ROOT / "problems",
        templates_dir=ROOT / "templates",
        static_dir=ROOT / "static",
        data_dir=data_dir,
        database_url=database_url,
        secret_key="a-secret-every-host-of-the-test-shares" if database_url else None,
        **{"workers": 2, **UNLIMITED, **overrides},  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings)) as client:
        yield Api(client)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An app on SQLite in a data folder of its own, for the whole module."""
    with running_api(tmp_path_factory.mktemp("data")) as running:
        yield running
