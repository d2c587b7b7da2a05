"""OIDC login and launch: the happy paths (learner, instructor, Canvas test student, two Canvas tenants), cookies
in frames and the new-window fallback, and every rejection — which records nothing."""

from __future__ import annotations

import base64
import html
import json
import re
import time
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.lti import claims as c
from app.settings import Settings
from app.storage.lti import LtiLaunch
from app.storage.models import Learner
from app.throttle import ClientLimits
from tests.lti.conftest import MOODLE_LINEITEM, SAME_ORIGIN, data_attribute, finish_from_storage, launch, login
from tests.lti.platform import INSTRUCTOR, LEARNER, TEST_USER, FakePlatform, rsa_key

SET = "c147-w23-midterm"
PROBLEM = "c147-w23-1"


def learners(app: FastAPI, sub: str) -> list[Learner]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Learner).where(Learner.lti_subject == sub)))


def launches(app: FastAPI, learner_id: str) -> list[LtiLaunch]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(LtiLaunch).where(LtiLaunch.learner_id == learner_id)))


def cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_login_sends_the_browser_to_the_platform_with_a_server_side_state(
    browser: TestClient, moodle: FakePlatform
) -> None:
    response = browser.post(
        "/lti/login", follow_redirects=False,
        data={"iss": moodle.issuer, "login_hint": "42", "target_link_uri": "https://testserver/sets/x",
              "lti_message_hint": "opaque", "client_id": moodle.client_id, "lti_deployment_id": "dep-1"},
    )  # fmt: skip
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://lms.test/auth?tenant=1&scope=openid&")  # the URL's own query is kept
    sent = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", location))
    assert {k: sent[k] for k in ("response_type", "response_mode", "prompt", "client_id", "login_hint")} == {
        "response_type": "id_token", "response_mode": "form_post", "prompt": "none", "client_id": moodle.client_id,
        "login_hint": "42",
    }  # fmt: skip
    assert sent["redirect_uri"] == "https%3A%2F%2Ftestserver%2Flti%2Flaunch" and sent["lti_message_hint"] == "opaque"
    assert len(sent["state"]) >= 40 and len(sent["nonce"]) >= 40 and sent["state"] != sent["nonce"]
    cookie = cookie_header(response, f"quiz_lti_state_{sent['state']}")
    assert all(flag in cookie for flag in ("HttpOnly", "SameSite=none", "Secure", "Partitioned"))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"iss": "https://nobody.test"}, "not registered"),
        ({"client_id": "not-ours"}, "not registered"),
        ({"lti_deployment_id": "dep-unknown"}, "not registered with this tool"),
        ({"login_hint": None}, "lacks login_hint"),
    ],
)
def test_a_login_for_an_unknown_platform_or_deployment_is_refused(
    browser: TestClient, moodle: FakePlatform, params: dict[str, str | None], message: str
) -> None:
    query = {"iss": moodle.issuer, "login_hint": "1", "target_link_uri": "https://testserver/lti/launch",
             "client_id": moodle.client_id, **params}  # fmt: skip
    response = browser.get("/lti/login", params={k: v for k, v in query.items() if v}, follow_redirects=False)
    assert response.status_code in (400, 401) and message in html.unescape(response.text)


def test_a_learner_launch_in_a_frame_without_cookies_offers_a_new_window(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    ags = moodle.ags(MOODLE_LINEITEM)
    response = launch(browser, moodle, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}}, **ags)
    assert response.status_code == 200
    assert "Open in a new window" in response.text and f'href="/sets/{SET}"' in response.text
    learner_cookie = cookie_header(response, "quiz_learner")
    assert all(flag in learner_cookie for flag in ("HttpOnly", "SameSite=none", "Secure", "Partitioned"))
    (learner,) = learners(lti_app, sub)
    assert (learner.lti_issuer, learner.display_name) == (moodle.issuer, "A Student")
    assert lti_app.state.signer.learner(browser.cookies["quiz_learner"]) == learner.id
    (context,) = launches(lti_app, learner.id)
    assert (context.target_kind, context.target_id, context.resource_link_id) == ("set", SET, "link-1")
    assert (context.lineitem, context.context_id) == (MOODLE_LINEITEM, "course-1")
    assert c.SCOPE_SCORE in context.ags_scopes.split()
    # The page asks whether the frame kept the cookie: here it did (the test client keeps every cookie).
    assert browser.get("/lti/cookie-check").json() == {"cookies": True}
    assert TestClient(lti_app, base_url="https://testserver").get("/lti/cookie-check").json() == {"cookies": False}

    open_url = re.search(r'href="(/lti/open/[^"]+)"', response.text)
    key = data_attribute(response.text, "data-open-key")
    assert open_url is not None and 'rel="opener"' in response.text
    window = TestClient(lti_app, base_url="https://testserver")  # a new top-level window: no cookie yet
    page = window.get(open_url.group(1), follow_redirects=False)  # asks its opener, the launch page, for the key
    assert page.status_code == 200 and "quiz_learner" not in window.cookies
    ticket = data_attribute(page.text, 'name="ticket" value')
    opened = window.post("/lti/open", data={"ticket": ticket, "key": key}, headers=SAME_ORIGIN, follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, f"/sets/{SET}")
    assert "SameSite=lax" in cookie_header(opened, "quiz_learner")
    assert lti_app.state.signer.learner(window.cookies["quiz_learner"]) == learner.id
    again = window.post("/lti/open", data={"ticket": ticket, "key": key}, headers=SAME_ORIGIN)
    assert again.status_code == 410  # single use


def test_when_the_frame_kept_the_state_cookie_the_launch_goes_straight_to_the_problem(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    target = f"https://testserver/problems/{PROBLEM}"
    response = launch(browser, moodle, keep_cookie=True, sub=sub, **{c.TARGET_LINK_URI: target})
    assert (response.status_code, response.headers["location"]) == (303, f"/problems/{PROBLEM}")
    assert not any(
        h.startswith("quiz_lti_state_") and "Max-Age=0" not in h for h in response.headers.get_list("set-cookie")
    )
    page = browser.get(f"/problems/{PROBLEM}")
    assert page.status_code == 200 and "set-cookie" not in page.headers  # the LTI learner's cookie is used
    (learner,) = learners(lti_app, sub)
    assert launches(lti_app, learner.id)[0].target_id == PROBLEM


def test_an_instructor_launch_opens_the_instructor_view(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    response = launch(
        browser, moodle, keep_cookie=True, sub=sub, **{c.ROLES: [INSTRUCTOR], c.CUSTOM: {c.CUSTOM_PROBLEM: PROBLEM}}
    )
    assert response.headers["location"] == f"/instructor/lti?target=problem%3A{PROBLEM}"
    assert "SameSite=none" in cookie_header(response, "quiz_instructor")
    page = browser.get(response.headers["location"])
    assert page.status_code == 200 and f"This link opens the problem {PROBLEM}" in page.text
    (learner,) = learners(lti_app, sub)
    assert launches(lti_app, learner.id) == []  # an instructor's own tries are not graded
    assert TestClient(lti_app).get("/instructor/lti").status_code == 401


def test_a_canvas_student_view_user_without_email_or_name_is_a_learner(
    browser: TestClient, lti_app: FastAPI, canvas: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    claims = {c.ROLES: [LEARNER, TEST_USER], "email": None, "name": None, c.CUSTOM: {c.CUSTOM_SET: SET}}
    response = launch(browser, canvas, keep_cookie=True, sub=sub, **claims)
    assert response.headers["location"] == f"/sets/{SET}"
    (learner,) = learners(lti_app, sub)
    assert learner.display_name is None and len(launches(lti_app, learner.id)) == 1
    assert "quiz_instructor" not in browser.cookies


def test_canvas_tenants_sharing_one_issuer_are_told_apart_by_client_id_and_deployment(
    browser: TestClient, lti_app: FastAPI, canvas: FakePlatform, canvas_b: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    assert launch(browser, canvas_b, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}}).status_code == 200
    refused = launch(browser, canvas_b, sub=uuid.uuid4().hex, **{c.DEPLOYMENT_ID: "a:1"})  # tenant A's deployment
    assert refused.status_code == 401 and "is not registered with this tool" in html.unescape(refused.text)
    ambiguous = browser.get("/lti/login", params={"iss": canvas.issuer, "login_hint": "1", "target_link_uri": "x"})
    assert ambiguous.status_code == 400 and "must name client_id" in html.unescape(ambiguous.text)


def test_a_new_platform_key_is_fetched_once_when_an_unknown_kid_arrives(
    browser: TestClient, lti_app: FastAPI, d2l: FakePlatform
) -> None:
    link = {c.CUSTOM: {c.CUSTOM_SET: SET}}
    assert launch(browser, d2l, **link).status_code == 200
    fetches = len([k for k in d2l.calls if k.url.endswith("/jwks")])
    d2l.rotate()
    assert launch(browser, d2l, **link).status_code == 200
    assert launch(browser, d2l, **link).status_code == 200
    assert len([k for k in d2l.calls if k.url.endswith("/jwks")]) == fetches + 1


def _expired() -> dict[str, int]:
    return {"iat": int(time.time()) - 4000, "exp": int(time.time()) - 3600}


REJECTIONS = [
    ("expired", _expired, 401, "The launch token expired"),
    ("wrong audience", lambda: {"aud": "another-tool"}, 401, "not this tool's client id"),
    ("several audiences, no azp", lambda: {"aud": ["another-tool", "tool-client-1"]}, 401, "no azp"),
    ("azp of another", lambda: {"aud": ["tool-client-1", "x"], "azp": "x"}, 401, "azp is 'x'"),
    ("unknown deployment", lambda: {c.DEPLOYMENT_ID: "dep-nobody"}, 401, "is not registered with this tool"),
    ("LTI 1.1 version", lambda: {c.VERSION: "1.1"}, 401, "Only LTI 1.3.0"),
    ("other message", lambda: {c.MESSAGE_TYPE: "LtiSubmissionReviewRequest"}, 401, "not 'LtiSubmissionReviewRequest'"),
    ("no resource link", lambda: {c.RESOURCE_LINK: None}, 400, "no resource_link id"),
    ("unknown set", lambda: {c.CUSTOM: {c.CUSTOM_SET: "no-such-set"}}, 404, "There is no set 'no-such-set'"),
    ("nothing to open", lambda: {}, 400, "does not say what to open"),
]


@pytest.mark.parametrize(("claims", "status", "message"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
def test_a_bad_launch_is_refused_with_a_clear_page_and_records_nothing(
    browser: TestClient,
    lti_app: FastAPI,
    moodle: FakePlatform,
    claims,
    status: int,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    sub = uuid.uuid4().hex
    response = launch(browser, moodle, sub=sub, **claims())
    assert response.status_code == status and message in html.unescape(response.text), response.text
    assert response.headers["content-type"].startswith("text/html") and "Nothing was recorded" in response.text
    assert learners(lti_app, sub) == [] and "quiz_learner" not in browser.cookies


def test_a_token_signed_by_another_key_is_refused(browser: TestClient, lti_app: FastAPI, moodle: FakePlatform) -> None:
    sub = uuid.uuid4().hex
    state, nonce = login(browser, moodle)
    forged = moodle.id_token(nonce, key=rsa_key(), sub=sub)
    response = browser.post(
        "/lti/launch", data={"id_token": forged, "state": state}, headers={"accept": "application/json"}
    )
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:quizzes:lti:bad-signature"
    assert "does not verify" in response.json()["detail"] and learners(lti_app, sub) == []


def test_a_replayed_launch_is_refused(browser: TestClient, lti_app: FastAPI, moodle: FakePlatform) -> None:
    sub = uuid.uuid4().hex
    state, nonce = login(browser, moodle)
    token = moodle.id_token(nonce, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}})
    assert browser.post("/lti/launch", data={"id_token": token, "state": state}).status_code == 200
    again = TestClient(lti_app, base_url="https://testserver").post(
        "/lti/launch", data={"id_token": token, "state": state}
    )
    assert again.status_code == 401 and "already used" in html.unescape(again.text)
    fresh_state, _ = login(browser, moodle)  # the same token with another login: its nonce is not that one
    other = browser.post("/lti/launch", data={"id_token": token, "state": fresh_state})
    assert other.status_code == 401 and "nonce is not the one" in html.unescape(other.text)
    assert len(learners(lti_app, sub)) == 1


def test_a_platform_whose_keys_cannot_be_fetched_gets_a_clear_error_and_nothing_is_recorded(
    browser: TestClient, lti_app: FastAPI, down: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    response = launch(browser, down, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}})
    assert response.status_code == 502
    page = html.unescape(response.text)
    assert "The LMS's signing keys could not be fetched" in page and "GET https://down.test/jwks answered 503" in page
    assert learners(lti_app, sub) == []
    with lti_app.state.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LtiLaunch).where(LtiLaunch.subject == sub)) == 0


def test_an_unknown_state_is_refused(browser: TestClient, moodle: FakePlatform) -> None:
    token = moodle.id_token("whatever")
    response = browser.post("/lti/launch", data={"id_token": token, "state": "made-up"})
    assert response.status_code == 401 and "unknown state" in html.unescape(response.text)


def with_header(token: str, header: dict) -> str:  # type: ignore[type-arg]
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return ".".join([encoded, *token.split(".")[1:]])


@pytest.mark.parametrize(
    "header",
    [{"alg": "RS256", "kid": {"$ne": 1}}, {"alg": "RS256", "kid": "k", "crit": ["exp"]}],
    ids=["kid-not-a-string", "crit"],
)
def test_a_header_the_jwt_library_refuses_is_a_400_and_records_nothing(
    browser: TestClient,
    lti_app: FastAPI,
    moodle: FakePlatform,
    header: dict,  # type: ignore[type-arg]
) -> None:
    sub = uuid.uuid4().hex
    state, nonce = login(browser, moodle)
    token = with_header(moodle.id_token(nonce, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}}), header)
    response = browser.post("/lti/launch", data={"id_token": token, "state": state})
    assert response.status_code == 400 and "not a JWT this tool accepts" in html.unescape(response.text)
    assert learners(lti_app, sub) == []


def test_an_empty_subject_is_refused(browser: TestClient, lti_app: FastAPI, moodle: FakePlatform) -> None:
    response = launch(browser, moodle, sub="", **{c.CUSTOM: {c.CUSTOM_SET: SET}})
    assert response.status_code == 401 and "sub (the user's id) is empty" in html.unescape(response.text)
    assert learners(lti_app, "") == [] and "quiz_learner" not in browser.cookies


@pytest.mark.parametrize(
    "roles",
    [[INSTRUCTOR + "\n"], ["Instructor\n"], [INSTRUCTOR + "x"], [" " + INSTRUCTOR]],
)
def test_a_role_that_only_starts_like_instructor_is_not_one(roles: list[str]) -> None:
    assert c.is_teaching_role(roles) is False
    assert c.is_teaching_role([INSTRUCTOR]) is True


def test_logins_from_one_address_are_rate_limited(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Settings(data_dir=lti_app.state.settings.data_dir, address_rate_burst=3, address_rate_per_minute=1)
    monkeypatch.setattr(lti_app.state, "client_limits", ClientLimits.from_settings(small), raising=False)
    for _ in range(3):
        login(browser, moodle)
    query = {"iss": moodle.issuer, "login_hint": "1", "target_link_uri": "x", "client_id": moodle.client_id}
    refused = browser.get("/lti/login", params=query, follow_redirects=False)
    assert refused.status_code == 429 and "retry after 60 s" in refused.text


def test_the_same_sub_from_two_tenants_of_one_issuer_is_two_learners(
    browser: TestClient, lti_app: FastAPI, canvas: FakePlatform, canvas_b: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    link = {c.CUSTOM: {c.CUSTOM_SET: SET}}
    assert launch(browser, canvas, sub=sub, **link).status_code == 200
    other_browser = TestClient(lti_app, base_url="https://testserver")
    assert launch(other_browser, canvas_b, sub=sub, **link).status_code == 200
    found = learners(lti_app, sub)
    assert len(found) == 2
    assert sorted(learner.lti_client_id or "" for learner in found) == sorted([canvas.client_id, canvas_b.client_id])
    signer = lti_app.state.signer
    assert signer.learner(browser.cookies["quiz_learner"]) != signer.learner(other_browser.cookies["quiz_learner"])


def test_a_launch_posted_from_another_browser_is_refused(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    sub = uuid.uuid4().hex
    state, nonce = login(browser, moodle)  # the attacker's own login, in the attacker's browser
    token = moodle.id_token(nonce, sub=sub, **{c.CUSTOM: {c.CUSTOM_SET: SET}})
    victim = TestClient(lti_app, base_url="https://testserver")  # lured to a page that auto-posts the launch
    page = victim.post("/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False)
    assert page.status_code == 200 and "data-storage-get" in page.text  # nothing ties it to this browser yet
    assert "quiz_learner" not in victim.cookies and learners(lti_app, sub) == []
    binding = browser.cookies[f"quiz_lti_state_{state}"]  # known to the attacker, who can post it cross-site
    ticket = data_attribute(page.text, 'name="storage_ticket" value')
    forged = {"state": state, "storage_ticket": ticket, "storage_value": binding}
    refused = victim.post("/lti/launch", data=forged, headers={"sec-fetch-site": "cross-site"})
    assert refused.status_code == 401 and "not started in this browser" in html.unescape(refused.text)
    empty = finish_from_storage(victim, page.text, state)  # the victim's LMS page keeps nothing for this login
    assert empty.status_code == 401 and "quiz_learner" not in victim.cookies and learners(lti_app, sub) == []


def test_a_ticket_link_opened_in_another_browser_signs_nobody_in(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform
) -> None:
    response = launch(browser, moodle, sub=uuid.uuid4().hex, **{c.CUSTOM: {c.CUSTOM_SET: SET}})
    open_url = re.search(r'href="(/lti/open/[^"]+)"', response.text)
    assert open_url is not None
    victim = TestClient(lti_app, base_url="https://testserver")
    page = victim.get(open_url.group(1), follow_redirects=False)
    assert page.status_code == 200 and "quiz_learner" not in victim.cookies
    key = data_attribute(response.text, "data-open-key")  # the attacker's own launch page holds it
    ticket = data_attribute(page.text, 'name="ticket" value')
    cross_site = victim.post("/lti/open", data={"ticket": ticket, "key": key}, headers={"sec-fetch-site": "cross-site"})
    assert cross_site.status_code == 403 and "quiz_learner" not in victim.cookies
    no_opener = victim.post("/lti/open", data={"ticket": ticket, "key": ""}, headers=SAME_ORIGIN)
    assert no_opener.status_code == 403 and "quiz_learner" not in victim.cookies


def test_a_configured_tool_url_is_used_whatever_the_host_header_says(
    browser: TestClient, lti_app: FastAPI, moodle: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lti_app.state.lti.settings, "lti_tool_url", "https://quiz.example.edu")
    query = {"iss": moodle.issuer, "login_hint": "1", "target_link_uri": "x", "client_id": moodle.client_id}
    response = browser.get("/lti/login", params=query, headers={"host": "evil.example"}, follow_redirects=False)
    assert "redirect_uri=https%3A%2F%2Fquiz.example.edu%2Flti%2Flaunch" in response.headers["location"]
