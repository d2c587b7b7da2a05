"""API keys: 401 without a valid key, 403 outside its scope, the open routes stay open, 429 with Retry-After."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.api.auth import ApiRuntime
from app.api.ratelimit import MemoryBuckets
from app.storage.api_keys import SCOPES, ApiKey
from tests.api.conftest import Api

PROBLEM = "c147-w23-2"
LEARNER = uuid.uuid4().hex
SECURED = [
    ("POST", "/api/v1/learners", {}, "submit"),
    ("POST", "/api/v1/submissions", {"learner_id": LEARNER, "problem_id": PROBLEM, "answers": {"b2_shape": "scalar"}},
     "submit"),
    ("GET", f"/api/v1/learners/{LEARNER}/progress", None, "progress:read"),
    ("GET", "/api/v1/sets/c147-w23-midterm/grades", None, "grades:read"),
]  # fmt: skip
CHECK = ("POST", f"/api/v1/problems/{PROBLEM}/check", {"answers": {"b2_shape": "scalar"}})
PREVIEW = ("POST", "/api/v1/preview", {"problem_id": PROBLEM, "part_id": "delta_W1", "text": "x.T"})
READS = [("GET", "/api/v1/problems", None), ("GET", f"/api/v1/problems/{PROBLEM}?seed=1", None)]


def call(api: Api, method: str, path: str, body: dict | None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": uuid.uuid4().hex, **(headers or {})}
    return api.client.request(method, path, json=body, headers=headers)


def assert_problem(response, status: int, title: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (status, title)
    return body


@pytest.mark.parametrize(("method", "path", "body", "scope"), SECURED)
def test_learner_data_needs_a_key(api: Api, method: str, path: str, body: dict | None, scope: str) -> None:
    response = call(api, method, path, body)
    problem = assert_problem(response, 401, "Unauthorized")
    assert response.headers["www-authenticate"] == 'Bearer realm="quizzes"'
    assert f"`{scope}`" in problem["detail"]


@pytest.mark.parametrize(("method", "path", "body", "scope"), SECURED)
def test_without_a_key_nothing_else_is_checked_first(
    api: Api, method: str, path: str, body: dict | None, scope: str
) -> None:
    """No key, no Idempotency-Key, a broken body and bad parameters: still the 401."""
    broken = path.replace(LEARNER, "XYZ").replace("/grades", "/grades?limit=0")
    response = api.client.request(method, broken, json={"nonsense": True} if body is not None else None)
    assert_problem(response, 401, "Unauthorized")


@pytest.mark.parametrize(("method", "path", "body", "scope"), SECURED)
def test_a_key_works_in_either_header_and_only_within_its_scope(
    api: Api, method: str, path: str, body: dict | None, scope: str
) -> None:
    token = api.token(scope)
    assert call(api, method, path, body, {"Authorization": f"Bearer {token}"}).status_code in (200, 201, 404)
    assert call(api, method, path, body, {"X-API-Key": token}).status_code in (200, 201, 404)
    others = [s for s in SCOPES if s != scope]
    response = call(api, method, path, body, api.auth(*others))
    problem = assert_problem(response, 403, "Forbidden")
    assert problem["type"] == "tag:quizzes,2026:insufficient-scope"
    assert problem["detail"].endswith(f"lacks the scope `{scope}`.")
    assert response.headers["www-authenticate"] == (
        f'Bearer realm="quizzes", error="insufficient_scope", scope="{scope}"'
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer qz_0123456789ab_not-the-secret"},  # unknown prefix
        {"Authorization": "Bearer nonsense"},
        {"X-API-Key": "qz_"},
        {"Authorization": "Basic dXNlcjpwYXNz"},  # not a bearer token
    ],
)
def test_an_unknown_or_malformed_key_is_401_everywhere_even_on_open_routes(api: Api, headers: dict[str, str]) -> None:
    for method, path, body in [*((m, p, b) for m, p, b, _ in SECURED), CHECK, PREVIEW, *READS]:
        response = call(api, method, path, body, headers)
        assert_problem(response, 401, "Unauthorized")
        assert response.headers["www-authenticate"].startswith('Bearer realm="quizzes", error="invalid_')


def test_a_right_prefix_with_a_wrong_secret_is_401(api: Api) -> None:
    token = api.token("grades:read")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert call(api, *SECURED[3][:3], {"Authorization": f"Bearer {forged}"}).status_code == 401
    assert call(api, *SECURED[3][:3], {"Authorization": f"Bearer {token}"}).status_code == 200


def test_two_different_keys_at_once_are_refused(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.token('grades:read')}", "X-API-Key": api.token("grades:read")}
    assert_problem(call(api, *SECURED[3][:3], headers), 401, "Unauthorized")


def test_a_revoked_key_is_401(api: Api) -> None:
    token = api.token("grades:read")
    headers = {"Authorization": f"Bearer {token}"}
    assert call(api, *SECURED[3][:3], headers).status_code == 200
    api.revoke(token)
    response = call(api, *SECURED[3][:3], headers)
    assert_problem(response, 401, "Unauthorized")
    assert response.headers["www-authenticate"] == 'Bearer realm="quizzes", error="invalid_token"'


def test_check_and_preview_stay_open_but_a_key_sent_must_hold_check(api: Api) -> None:
    for method, path, body in (CHECK, PREVIEW):
        assert call(api, method, path, body).status_code == 200
        assert call(api, method, path, body, api.auth("check")).status_code == 200
        assert_problem(call(api, method, path, body, api.auth("grades:read")), 403, "Forbidden")
    for method, path, body in READS:  # public content: any valid key
        assert call(api, method, path, body).status_code == 200
        assert call(api, method, path, body, api.auth("grades:read")).status_code == 200


def test_only_a_salted_hash_is_stored_and_use_is_noted(api: Api) -> None:
    token = api.token("grades:read", name="hash check")
    with api.session() as session:
        key = session.scalars(select(ApiKey).where(ApiKey.name == "hash check")).one()
        assert key.last_used_at is None
        assert token not in {key.token_hash, key.salt, key.prefix} and len(key.token_hash) == 64
        assert token.startswith(f"qz_{key.prefix}_") and len(token) >= 3 + 12 + 1 + 43  # 32 random bytes
    call(api, *SECURED[3][:3], {"Authorization": f"Bearer {token}"})
    with api.session() as session:
        assert session.scalars(select(ApiKey.last_used_at).where(ApiKey.name == "hash check")).one() is not None


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_key_has_its_own_bucket_and_429_says_when_to_retry(api: Api) -> None:
    clock = FakeClock()
    state = api.client.app.state  # type: ignore[attr-defined]
    saved = state.api_runtime if hasattr(state, "api_runtime") else None
    state.api_runtime = ApiRuntime(MemoryBuckets(per_minute=30, burst=2, clock=clock))  # a token every 2 s
    try:
        busy, other = api.auth("grades:read"), api.auth("grades:read")
        grades = SECURED[3][:3]
        assert [call(api, *grades, busy).status_code for _ in range(2)] == [200, 200]
        refused = call(api, *grades, busy)
        problem = assert_problem(refused, 429, "Too Many Requests")
        assert problem["type"] == "tag:quizzes,2026:rate-limited"
        assert refused.headers["retry-after"] == "2"
        assert call(api, *grades, other).status_code == 200  # another key is not slowed down
        assert call(api, *CHECK).status_code == 200  # nor are anonymous students
        clock.now += 1.0
        assert call(api, *grades, busy).headers["retry-after"] == "1"
        clock.now += 1.0
        assert call(api, *grades, busy).status_code == 200
    finally:
        state.api_runtime = saved


def test_openapi_describes_the_keys_and_every_error_as_problem_details(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "qz_<prefix>_<secret>",
        "description": schemes["ApiKey"]["description"],
    }  # fmt: skip
    assert all(f"`{scope}`" in schemes["ApiKey"]["description"] for scope in SCOPES)
    assert schemes["ApiKeyHeader"] == {**schemes["ApiKeyHeader"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "200" in operation["responses"] or "201" in operation["responses"], (method, path)
            open_route = {} in operation["security"]
            errors = {"401", "422", "429"} | (set() if open_route else {"403"})
            assert errors <= set(operation["responses"]), (method, path)
            for status in errors:
                assert list(operation["responses"][status]["content"]) == ["application/problem+json"]
            assert operation["security"][:2] == [{"ApiKey": []}, {"ApiKeyHeader": []}]
    assert {} in spec["paths"]["/api/v1/preview"]["post"]["security"]
    assert {} not in spec["paths"]["/api/v1/submissions"]["post"]["security"]
    assert "Retry-After" in spec["paths"]["/api/v1/submissions"]["post"]["responses"]["429"]["headers"]
