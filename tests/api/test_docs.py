"""docs/api.md stays true: every route, scope, problem type and rate-limit default it names is the code's."""

from __future__ import annotations

import re
from pathlib import Path

from app.api import auth, submissions
from app.settings import Settings
from app.storage.api_keys import SCOPES
from tests.api.conftest import Api

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
SOURCES = [Path(module.__file__ or "").read_text(encoding="utf-8") for module in (auth, submissions)]


def shape(route: str) -> str:
    """`POST /api/v1/problems/{problem_id}/check` → `POST /api/v1/problems/{}/check`."""
    return re.sub(r"\{[^}]+\}", "{}", route)


def test_every_route_of_the_api_is_in_the_table_and_has_a_section(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    routes = {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops}
    table = set(re.findall(r"^\| `(GET|POST) (/api/v1/[^`]*?)(?:\?[^`]*)?` \|", DOC, re.MULTILINE))
    assert {shape(f"{method} {path}") for method, path in table} == {shape(route) for route in routes}
    for method, path in table:
        assert f"### `{method} {path}" in DOC, (method, path)


def test_every_scope_and_problem_type_is_documented() -> None:
    assert set(re.findall(r"^\| `([a-z:]+)` \|", DOC, re.MULTILINE)) == set(SCOPES)
    raised = {kind for source in SOURCES for kind in re.findall(r'PROBLEM_TYPE \+ "([a-z-]+)"', source)}
    raised |= {kind for source in SOURCES for kind in re.findall(r'_unprocessable\(\s*"([a-z-]+)"', source)}
    assert raised >= {"unauthorized", "rate-limited", "idempotency-key-reused", "unknown-part"}
    for kind in raised:
        assert f"`{kind}`" in DOC, kind


def test_the_rate_limit_defaults_are_the_settings() -> None:
    fields = Settings.model_fields
    assert f"`QUIZ_API_RATE_BURST` tokens (default {fields['api_rate_burst'].default})" in DOC
    assert f"`QUIZ_API_RATE_PER_MINUTE` a minute\n(default {fields['api_rate_per_minute'].default:g})" in DOC
