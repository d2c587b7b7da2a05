"""Deep linking: an instructor picks sets or problems; the LtiDeepLinkingResponse JWT verifies with the tool's
published JWKS and carries links that launch what was picked."""

from __future__ import annotations

import html
import re
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.lti import claims as c
from tests.lti.conftest import launch
from tests.lti.platform import INSTRUCTOR, LEARNER, FakePlatform

SET = "c147-w23-midterm"
RETURN_URL = "https://lms.test/deep-link-return?course=7"


def picker(client: TestClient, platform: FakePlatform, roles: list[str] = [INSTRUCTOR], **settings: Any) -> Any:  # noqa: B006
    dl = {"deep_link_return_url": RETURN_URL, "accept_types": ["ltiResourceLink"], "data": "opaque-42", **settings}
    claims = {c.MESSAGE_TYPE: c.DEEP_LINKING_REQUEST, c.ROLES: roles, c.DL_SETTINGS: dl, c.RESOURCE_LINK: None}
    return launch(client, platform, **claims)


def ticket_of(page: str) -> str:
    found = re.search(r'name="ticket" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def response_jwt(page: str) -> str:
    assert f'action="{html.escape(RETURN_URL)}"' in page
    found = re.search(r'name="JWT" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def verify(client: TestClient, token: str, platform: FakePlatform) -> dict[str, Any]:
    """Check the response as the platform would: with the tool's public JWKS, addressed to the platform."""
    key = jwt.PyJWKSet.from_dict(client.get("/lti/jwks").json())[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=platform.issuer, issuer=platform.client_id)


def test_the_picked_set_comes_back_as_a_signed_deep_linking_response(
    browser: TestClient,
    lti_app: FastAPI,
    moodle: FakePlatform,
    bank,  # type: ignore[no-untyped-def]
) -> None:
    page = picker(browser, moodle)
    assert page.status_code == 200 and 'type="radio" name="item" value="set:c147-w23-midterm"' in page.text
    answer = browser.post("/lti/deep-link", data={"ticket": ticket_of(page.text), "item": f"set:{SET}"})
    assert answer.status_code == 200
    claims = verify(browser, response_jwt(answer.text), moodle)
    assert (claims["azp"], claims[c.DEPLOYMENT_ID], claims[c.DL_DATA]) == (moodle.client_id, "dep-1", "opaque-42")
    assert (claims[c.MESSAGE_TYPE], claims[c.VERSION]) == ("LtiDeepLinkingResponse", "1.3.0") and claims["nonce"]
    total = float(sum(part.points for problem in bank if problem.set == SET for part in problem.parts))
    assert claims[c.DL_CONTENT_ITEMS] == [{
        "type": "ltiResourceLink", "title": SET, "url": "https://testserver/lti/launch", "custom": {"quiz_set": SET},
        "lineItem": {"scoreMaximum": total, "label": SET, "resourceId": f"set:{SET}", "tag": "quizzes"},
    }]  # fmt: skip
    again = browser.post("/lti/deep-link", data={"ticket": ticket_of(page.text), "item": f"set:{SET}"})
    assert again.status_code == 410  # the ticket is single use

    # The link the platform stores launches what was picked.
    item = claims[c.DL_CONTENT_ITEMS][0]
    opened = launch(browser, moodle, keep_cookie=True, **{c.CUSTOM: item["custom"], c.TARGET_LINK_URI: item["url"]})
    assert opened.headers["location"] == f"/sets/{SET}"


def test_several_problems_can_be_picked_when_the_platform_accepts_several(
    browser: TestClient, moodle: FakePlatform
) -> None:
    page = picker(browser, moodle, accept_multiple=True)
    assert 'type="checkbox" name="item" value="problem:c147-w23-2"' in page.text
    data = {"ticket": ticket_of(page.text), "item": ["problem:c147-w23-1", "problem:c147-w23-5"]}
    items = verify(browser, response_jwt(browser.post("/lti/deep-link", data=data).text), moodle)[c.DL_CONTENT_ITEMS]
    assert [(i["custom"], i["lineItem"]["scoreMaximum"]) for i in items] == [
        ({"quiz_problem": "c147-w23-1"}, 20.0), ({"quiz_problem": "c147-w23-5"}, 7.0),
    ]  # fmt: skip


def test_cancel_returns_no_item(browser: TestClient, moodle: FakePlatform) -> None:
    page = picker(browser, moodle)
    answer = browser.post("/lti/deep-link", data={"ticket": ticket_of(page.text), "cancel": "1"})
    assert verify(browser, response_jwt(answer.text), moodle)[c.DL_CONTENT_ITEMS] == []


@pytest.mark.parametrize(
    ("items", "message"),
    [(["problem:c147-w23-1", "problem:c147-w23-2"], "accepts one item"), (["set:nope"], "no set 'nope'")],
)
def test_a_wrong_pick_is_refused(browser: TestClient, moodle: FakePlatform, items: list[str], message: str) -> None:
    page = picker(browser, moodle)
    answer = browser.post("/lti/deep-link", data={"ticket": ticket_of(page.text), "item": items})
    assert answer.status_code == 400 and message in html.unescape(answer.text)


def test_only_instructors_get_the_picker_and_only_for_lti_links(browser: TestClient, moodle: FakePlatform) -> None:
    assert picker(browser, moodle, roles=[LEARNER]).status_code == 403
    refused = picker(browser, moodle, accept_types=["file", "html"])
    assert refused.status_code == 400 and "accepts only file, html here" in refused.text


@pytest.mark.parametrize("return_url", ["javascript:alert(document.cookie)", "http://lms.test/return", "data:,x"])
def test_a_return_url_that_is_not_https_is_refused(browser: TestClient, moodle: FakePlatform, return_url: str) -> None:
    page = picker(browser, moodle, deep_link_return_url=return_url)
    assert page.status_code == 401 and "is not an https URL" in html.unescape(page.text)
