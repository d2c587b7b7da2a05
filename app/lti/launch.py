"""Verifying a launch (`POST /lti/launch`: `id_token`, `state`) before anything is recorded.

In order: the `state` is one we issued, unexpired and unused (kept server-side: the state cookie is optional, as
frames often cannot keep cookies); the token is an RS256 JWT signed by a key of the registration's JWKS (fetched
with httpx, cached, refreshed once for an unknown `kid`); `iss` is the registration's; `aud` is our client id or a
list holding it (several audiences need `azp`, and `azp` when present must be our client id); `exp` and `iat`
hold within a small leeway; the `nonce` is the state's; the deployment is one of the registration's; the message
is a 1.3.0 resource link or deep linking request. The state is used up only by `consume` (so a replay fails), just
before the launch is recorded.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from starlette.concurrency import run_in_threadpool

from app.lti import store
from app.lti.claims import DEEP_LINKING_REQUEST, MESSAGE_TYPES, LaunchClaims
from app.lti.errors import LtiError, bad_request, rejected
from app.lti.jwks import JwksUnavailable, UnknownKey
from app.lti.service import LtiService
from app.storage.lti import LtiDeployment, LtiPlatform

RELAUNCH = "Open the activity again from your course."


@dataclass(frozen=True)
class VerifiedLaunch:
    claims: LaunchClaims
    platform: LtiPlatform
    deployment: LtiDeployment
    state: str
    cookie_seen: bool  # the login's state cookie came back: cookies work in this frame


async def verify(service: LtiService, id_token: str, state: str, cookie_seen: bool) -> VerifiedLaunch:
    if not id_token or not state:
        raise bad_request(f"A launch needs an id_token and a state. {RELAUNCH}")
    now = service.clock()
    nonce, platform = await run_in_threadpool(_state, service, state, now)
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError as error:  # not a JWT, or a header PyJWT refuses (a kid that is no string, crit…)
        raise bad_request(f"The id_token is not a JWT this tool accepts: {error}.") from None
    if header.get("alg") != "RS256":
        raise rejected("bad-algorithm", f"Launch tokens must be signed with RS256, not {header.get('alg')!r}.")
    try:
        key = await service.platform_keys.key(platform.jwks_url, header.get("kid"))
    except JwksUnavailable as error:
        raise LtiError(
            502, "jwks-unavailable", "The LMS's signing keys could not be fetched",
            f"{error}. Nothing was recorded; try again in a moment. If this persists, check the JWKS URL "
            f"registered for {platform.issuer}.",
        ) from None  # fmt: skip
    except UnknownKey as error:
        raise rejected("unknown-key", f"The token was signed with a key the LMS does not publish ({error}).") from None
    payload = _decode(id_token, key.key, platform, service.settings.lti_clock_leeway)
    _check_azp(payload, platform.client_id)
    if not hmac.compare_digest(str(payload["nonce"]), nonce):
        raise rejected("bad-nonce", f"The token's nonce is not the one this launch was started with. {RELAUNCH}")
    if payload.get("https://purl.imsglobal.org/spec/lti/claim/version") != "1.3.0":
        raise rejected("bad-version", "Only LTI 1.3.0 launches are supported.")
    if not isinstance(payload["sub"], str) or not payload["sub"].strip():
        raise rejected("missing-claim", "The token's sub (the user's id) is empty.")
    claims = LaunchClaims.from_payload(payload, platform.client_id)
    if claims.message_type not in MESSAGE_TYPES:
        handled = " and ".join(MESSAGE_TYPES)
        raise rejected("bad-message-type", f"This tool handles {handled}, not {claims.message_type!r}.")
    deployment = await run_in_threadpool(_deployment, service, platform.id, claims.deployment_id)
    if deployment is None:
        raise rejected(
            "unknown-deployment",
            f"Deployment {claims.deployment_id!r} of {platform.issuer} (client {platform.client_id}) is not "
            "registered with this tool. An administrator can add it with `quizzes lti add-platform` or in the "
            "platforms file.",
        )
    if claims.message_type == DEEP_LINKING_REQUEST:
        return_url = (claims.deep_linking or {}).get("deep_link_return_url")
        if not return_url:
            raise bad_request("The deep linking request has no deep_link_return_url.")
        if not (isinstance(return_url, str) and return_url.startswith("https://")):
            raise rejected("bad-return-url", "The deep linking request's deep_link_return_url is not an https URL.")
    if claims.message_type != DEEP_LINKING_REQUEST and not claims.resource_link_id:
        raise bad_request("The resource link launch has no resource_link id.")
    return VerifiedLaunch(claims, platform, deployment, state, cookie_seen)


def consume(service: LtiService, state: str) -> None:
    """Use the state and its nonce up (in a worker thread); a second launch with them is a replay."""
    with service.sessions() as session:
        if not store.consume_state(session, state, service.clock()):
            raise rejected("replayed", f"This launch was already used (or expired): it cannot be replayed. {RELAUNCH}")


def _state(service: LtiService, state: str, now: datetime) -> tuple[str, LtiPlatform]:
    with service.sessions() as session:
        row = store.get_state(session, state)
        if row is None:
            raise rejected("unknown-state", f"This launch was not started here (unknown state). {RELAUNCH}")
        if row.used_at is not None:
            raise rejected("replayed", f"This launch was already used, so it cannot be replayed. {RELAUNCH}")
        if row.expires_at <= now:
            raise rejected("expired-state", f"This launch took too long between login and launch. {RELAUNCH}")
        platform = session.get(LtiPlatform, row.platform_id)
        assert platform is not None  # the foreign key cascades
        return row.nonce, platform


def _deployment(service: LtiService, platform_id: int, deployment_id: str) -> LtiDeployment | None:
    with service.sessions() as session:
        return store.deployment(session, platform_id, deployment_id)


def _decode(token: str, key: Any, platform: LtiPlatform, leeway: int) -> dict[str, Any]:
    options: Any = {"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]}
    try:
        return jwt.decode(
            token, key, algorithms=["RS256"], audience=platform.client_id, issuer=platform.issuer, leeway=leeway,
            options=options,
        )  # fmt: skip
    except jwt.ExpiredSignatureError:
        expired = _claim(token, "exp")
        when = datetime.fromtimestamp(expired, UTC).isoformat() if isinstance(expired, int | float) else "?"
        raise rejected("expired", f"The launch token expired at {when} (leeway {leeway} s). {RELAUNCH}") from None
    except jwt.ImmatureSignatureError:
        raise rejected("not-yet-valid", "The launch token was issued in the future: check the LMS's clock.") from None
    except jwt.InvalidAudienceError:
        raise rejected(
            "wrong-audience", f"The token is for {_claim(token, 'aud')!r}, not this tool's client id "
            f"{platform.client_id!r}.",
        ) from None  # fmt: skip
    except jwt.InvalidIssuerError:
        raise rejected("wrong-issuer", f"The token's issuer is not {platform.issuer!r}.") from None
    except jwt.InvalidSignatureError:
        raise rejected("bad-signature", "The token's signature does not verify with the LMS's published key.") from None
    except jwt.MissingRequiredClaimError as error:
        raise rejected("missing-claim", f"The token has no {error.claim!r} claim.") from None
    except jwt.InvalidTokenError as error:
        raise rejected("bad-token", f"The launch token is not valid: {error}.") from None


def _check_azp(payload: dict[str, Any], client_id: str) -> None:
    audience = payload["aud"]
    several = isinstance(audience, list) and len(audience) > 1
    if several and "azp" not in payload:
        raise rejected("wrong-audience", "The token has several audiences but no azp (authorized party).")
    if "azp" in payload and payload["azp"] != client_id:
        raise rejected("wrong-audience", f"The token's azp is {payload['azp']!r}, not this tool's client id.")


def _claim(token: str, name: str) -> Any:
    return jwt.decode(token, options={"verify_signature": False}).get(name)
