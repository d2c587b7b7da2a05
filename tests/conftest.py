"""Shared fixtures: the repository's problem bank and a running app with real worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"


@pytest.fixture(scope="session")
def problems_dir() -> Path:
    return PROBLEMS


@pytest.fixture(scope="session")
def bank():  # type: ignore[no-untyped-def]
    from app.bank.loader import load_bank

    return load_bank(PROBLEMS)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(
        problems_dir=PROBLEMS,
        templates_dir=ROOT / "templates",
        static_dir=ROOT / "static",
        data_dir=tmp_path_factory.mktemp("data"),
        workers=2,
        # a module checks every problem of the bank within seconds from one browser; tests/test_throttle.py sets limits
        client_rate_per_minute=100_000,
        client_rate_burst=100_000,
        address_rate_per_minute=100_000,
        address_rate_burst=100_000,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client
