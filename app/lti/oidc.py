"""OIDC third-party login initiation (`GET|POST /lti/login`): find the registration, keep a fresh `state` and
`nonce` server-side (single use, expiring), and send the browser to the platform's authorization endpoint.

The state is also bound to the browser that started the login, so a launch posted from another browser (login
CSRF: a victim made to use the attacker's launch) is refused: by a cookie named after the state whose value only
the server can compute (`Signer.tag`), and, where the LMS frame cannot keep cookies, by the same value kept in
the platform's storage (1EdTech platform storage, `lti_storage_target`, through postMessage)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.lti import store
from app.lti.ags import with_query
from app.lti.errors import LtiError, bad_request, rejected

STATE_COOKIE_PREFIX = "quiz_lti_state_"


@dataclass(frozen=True)
class Login:
    redirect_url: str
    state: str
    platform_origin: str  # where the platform's storage frame (postMessage) answers from


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def storage_key(state: str) -> str:
    """The key of a login's browser binding in the platform's storage."""
    return f"quiz_state_{state}"


def state_cookie(state: str) -> str:
    """One cookie per login (named after its state), so two launches in two frames do not overwrite each other."""
    return STATE_COOKIE_PREFIX + state


def start(session: Session, params: Mapping[str, str], redirect_uri: str, now: datetime, ttl: int) -> Login:
    """Check the login request, store its state and nonce, and build the authorization redirect."""
    missing = [name for name in ("iss", "login_hint", "target_link_uri") if not params.get(name)]
    if missing:
        raise bad_request(f"The login request lacks {', '.join(missing)}.")
    issuer, client_id = params["iss"], params.get("client_id")
    candidates = store.platforms_of_issuer(session, issuer)
    if client_id:
        candidates = [p for p in candidates if p.client_id == client_id]
    if not candidates:
        raise LtiError(
            400, "unknown-platform", "This LMS is not registered with the tool",
            f"No registration for issuer {issuer!r}{f' and client id {client_id!r}' if client_id else ''}. An "
            "administrator can add it with `quizzes lti add-platform` or in the platforms file.",
        )  # fmt: skip
    if len(candidates) > 1:
        raise bad_request(f"Issuer {issuer!r} has several registrations here: the login request must name client_id.")
    platform = candidates[0]
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and store.deployment(session, platform.id, deployment_id) is None:
        detail = f"Deployment {deployment_id!r} of {issuer} is not registered with this tool."
        raise rejected("unknown-deployment", detail)
    row = store.create_state(session, platform.id, params["target_link_uri"], now, ttl)
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": platform.client_id, "redirect_uri": redirect_uri, "login_hint": params["login_hint"],
        "state": row.state, "nonce": row.nonce,
    }  # fmt: skip
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    return Login(with_query(platform.auth_login_url, **query), row.state, origin_of(platform.auth_login_url))
