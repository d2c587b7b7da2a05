"""Deep Linking 2.0: the picker's catalogue of sets and problems, and the `LtiDeepLinkingResponse` JWT that
carries the instructor's choice back to the platform (signed with the tool's key, posted to
`deep_link_return_url` by an auto-submitting form)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.bank.loader import Bank
from app.lti import claims as c
from app.lti.errors import bad_request
from app.lti.grades import target_points

RESPONSE_LIFETIME = 600  # seconds
TICKET_LIFETIME = 1800  # seconds an instructor may spend in the picker


@dataclass(frozen=True)
class Choice:
    """Something to link: a whole set (graded on all its problems) or one problem."""

    kind: str  # set | problem
    id: str
    title: str
    points: float

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}"


def catalogue(bank: Bank) -> list[tuple[Choice, list[Choice]]]:
    """Every set with its problems, in the bank's order."""
    sets: dict[str, list[Choice]] = {}
    for problem in bank:
        points = float(sum(part.points for part in problem.parts))
        sets.setdefault(problem.set, []).append(Choice("problem", problem.id, problem.title, points))
    return [(Choice("set", s, s, sum(p.points for p in problems)), problems) for s, problems in sets.items()]


def choose(bank: Bank, values: list[str], accept_multiple: bool) -> list[Choice]:
    """The picked `kind:id` values as choices; an unknown one, or several when the platform takes one, is refused."""
    if len(values) > 1 and not accept_multiple:
        raise bad_request("The LMS accepts one item here: pick a single set or problem.")
    chosen = []
    for value in values:
        kind, _, target_id = value.partition(":")
        points = target_points(bank, kind, target_id) if kind in ("set", "problem") else {}
        if not points:
            raise bad_request(f"There is no {kind or 'item'} {target_id!r} in the problem bank.")
        title = bank.problems[target_id].title if kind == "problem" else target_id
        chosen.append(Choice(kind, target_id, title, sum(sum(parts.values()) for parts in points.values())))
    return chosen


def content_item(choice: Choice, launch_url: str) -> dict[str, Any]:
    """An ltiResourceLink to our launch URL; custom parameters say what it opens, a line item asks for a column."""
    custom = {c.CUSTOM_SET: choice.id} if choice.kind == "set" else {c.CUSTOM_PROBLEM: choice.id}
    return {
        "type": "ltiResourceLink",
        "title": choice.title,
        "url": launch_url,
        "custom": custom,
        "lineItem": {
            "scoreMaximum": choice.points,
            "label": choice.title,
            "resourceId": choice.value,
            "tag": "quizzes",
        },
    }


def response_claims(
    *, issuer: str, client_id: str, deployment_id: str, data: Any, items: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """The response's claims: from us (`iss` and `azp` our client id) to the platform (`aud` its issuer)."""
    issued = int(now.timestamp())
    claims_: dict[str, Any] = {
        "iss": client_id, "azp": client_id, "aud": issuer, "iat": issued, "exp": issued + RESPONSE_LIFETIME,
        "nonce": secrets.token_urlsafe(16), c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE, c.VERSION: c.LTI_VERSION,
        c.DEPLOYMENT_ID: deployment_id, c.DL_CONTENT_ITEMS: items,
    }  # fmt: skip
    if data is not None:
        claims_[c.DL_DATA] = data  # echoed as received
    return claims_
