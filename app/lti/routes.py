"""The LTI endpoints: `/lti/login` (OIDC initiation), `/lti/launch` (launch and deep linking requests),
`/lti/jwks` (the tool's public keys), `/lti/deep-link` (the picker's answer), `/lti/open/{ticket}` (continue in a
new window when the frame cannot keep cookies) and `/lti/cookie-check`."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.deps import BankDep
from app.lti import deep_linking, keys, oidc, store
from app.lti.claims import DEEP_LINKING_REQUEST
from app.lti.errors import LtiError, bad_request, rejected
from app.lti.grades import target_points
from app.lti.launch import VerifiedLaunch, consume, verify
from app.lti.service import LtiService
from app.storage.instructor_sessions import Scope
from app.storage.lti import LtiPlatform
from app.storage.repository import Repository
from app.throttle import ThrottledClient
from app.web.csrf import same_origin
from app.web.identity import LEARNER_COOKIE, ONE_YEAR
from app.web.instructor_auth import INSTRUCTOR_COOKIE, start_session
from app.web.templating import render

router = APIRouter(prefix="/lti", include_in_schema=False)
OPEN_TICKET_LIFETIME = 120  # seconds to click "open in a new window"
INSTRUCTOR_COOKIE_AGE = 12 * 3600


def get_service(request: Request) -> LtiService:
    return request.app.state.lti


ServiceDep = Annotated[LtiService, Depends(get_service)]


def set_cookie(response: Response, key: str, value: str, *, partitioned: bool, **options: Any) -> None:
    """`response.set_cookie`, with the `Partitioned` attribute (CHIPS) added by hand: Starlette sets it only on
    Python 3.14 and later."""
    response.set_cookie(key, value, **options)
    if partitioned:
        name, header = response.raw_headers[-1]
        assert name == b"set-cookie"
        response.raw_headers[-1] = (name, header + b"; Partitioned")


def set_identity(
    response: Response, request: Request, learner_id: str, instructor_session: str | None, framed: bool
) -> None:
    """The signed learner (and instructor) cookies of app.web.identity. In a frame the LMS page is another site:
    only `SameSite=None; Secure` cookies are sent back, `Partitioned` (CHIPS) keeps them where third-party
    cookies are otherwise blocked. A top-level window (the new-window fallback) gets ordinary first-party ones."""
    signer = request.app.state.signer
    secure = framed or request.app.state.settings.secure_cookies or request.url.scheme == "https"
    options: dict[str, Any] = {"httponly": True, "secure": secure, "samesite": "none" if framed else "lax"}
    set_cookie(
        response, LEARNER_COOKIE, signer.sign_learner(learner_id), max_age=ONE_YEAR, partitioned=framed, **options
    )
    if instructor_session is not None:
        age = INSTRUCTOR_COOKIE_AGE
        set_cookie(response, INSTRUCTOR_COOKIE, instructor_session, max_age=age, partitioned=framed, **options)


STATE_BINDING = "lti-state"
STORAGE_TICKET_LIFETIME = 60  # seconds for the launch page to read the platform's storage


def state_binding(request: Request, state: str) -> str:
    return request.app.state.signer.tag(STATE_BINDING, state)


@router.api_route("/login", methods=["GET", "POST"])
async def login(request: Request, lti: ServiceDep, _: ThrottledClient) -> Response:
    params = {k: str(v) for k, v in request.query_params.items()}
    if request.method == "POST":
        params.update({k: str(v) for k, v in (await request.form()).items()})
    redirect_uri = lti.tool_url(request) + "/lti/launch"
    ttl = lti.settings.lti_state_ttl

    def start() -> oidc.Login:
        with lti.sessions() as session:
            return oidc.start(session, params, redirect_uri, lti.clock(), ttl)

    started = await run_in_threadpool(start)
    binding = state_binding(request, started.state)
    response: Response
    if params.get("lti_storage_target"):  # the LMS offers its storage: keep the binding there too, then go on
        context = {
            "target": params["lti_storage_target"], "origin": started.platform_origin, "value": binding,
            "key": oidc.storage_key(started.state), "redirect": started.redirect_url,
        }  # fmt: skip
        response = render(request, "lti/storage_put.html", context)
    else:
        response = RedirectResponse(started.redirect_url, status_code=302)
    cookie = oidc.state_cookie(started.state)
    set_cookie(response, cookie, binding, max_age=ttl, httponly=True, secure=True, samesite="none", partitioned=True)
    return response


@router.post("/launch")
async def launch(request: Request, lti: ServiceDep, bank: BankDep) -> Response:
    form = await request.form()
    state = str(form.get("state", ""))
    bound = hmac.compare_digest(request.cookies.get(oidc.state_cookie(state), ""), state_binding(request, state))
    if bound:
        id_token = str(form.get("id_token", ""))
    elif "storage_ticket" in form:
        id_token = await _bound_by_storage(request, lti, form, state)
    else:
        return await _read_platform_storage(request, lti, str(form.get("id_token", "")), state, form)
    verified = await verify(lti, id_token, state, bound)
    if verified.claims.message_type == DEEP_LINKING_REQUEST:
        response = await _picker(request, lti, bank, verified)
    else:
        response = await _resource_link(request, lti, bank, verified)
    if oidc.state_cookie(state) in request.cookies:
        set_cookie(
            response, oidc.state_cookie(state), "", max_age=0, secure=True, httponly=True, samesite="none",
            partitioned=True,
        )  # fmt: skip
    return response


NOT_THIS_BROWSER = (
    "This launch was not started in this browser (its login left no cookie here, and the course page keeps no "
    "trace of it either). If your browser blocks the tool's cookies inside the course page, allow them for this "
    "site. Open the activity again from your course."
)


async def _read_platform_storage(request: Request, lti: LtiService, id_token: str, state: str, form: Any) -> Response:
    """No binding cookie came back: check the launch, then have the page read the binding from the platform's
    storage and post it back (with a single-use ticket holding the token, so only that page can finish)."""
    await verify(lti, id_token, state, cookie_seen=False)  # a bad launch is refused now, with its own reason
    origin = await run_in_threadpool(_platform_origin, lti, state)

    def issue() -> str:
        with lti.sessions() as session:
            payload = {"state": state, "id_token": id_token}
            return store.issue_ticket(session, "storage", payload, lti.clock(), STORAGE_TICKET_LIFETIME)

    context = {
        "state": state, "ticket": await run_in_threadpool(issue), "key": oidc.storage_key(state), "origin": origin,
        "target": str(form.get("lti_storage_target") or "_parent"),
    }  # fmt: skip
    return render(request, "lti/storage_get.html", context)


def _platform_origin(lti: LtiService, state: str) -> str:
    with lti.sessions() as session:
        row = store.get_state(session, state)
        platform = session.get(LtiPlatform, row.platform_id) if row is not None else None
        return oidc.origin_of(platform.auth_login_url) if platform is not None else ""


async def _bound_by_storage(request: Request, lti: LtiService, form: Any, state: str) -> str:
    """The id_token of a launch whose binding the page read from the platform's storage; refused unless it was
    posted by our own page (same origin) with the ticket it was given and the right binding."""
    if not same_origin(request):
        raise rejected("not-this-browser", NOT_THIS_BROWSER)
    payload = await _redeem(lti, str(form.get("storage_ticket", "")), "storage")
    value = str(form.get("storage_value", ""))
    if payload is None or payload["state"] != state or not hmac.compare_digest(value, state_binding(request, state)):
        raise rejected("not-this-browser", NOT_THIS_BROWSER)
    return str(payload["id_token"])


async def _resource_link(request: Request, lti: ServiceDep, bank: BankDep, verified: VerifiedLaunch) -> Response:
    claims = verified.claims
    target, instructor = claims.target(), claims.is_instructor
    if target is not None and not target_points(bank, *target):
        raise LtiError(
            404, "unknown-target", "This link opens nothing in the problem bank",
            f"There is no {target[0]} {target[1]!r} (any more). Ask the instructor to link the activity again.",
        )  # fmt: skip
    if target is None and not instructor:
        raise LtiError(
            400, "no-target", "This link does not say what to open",
            "It has no custom parameter quiz_set or quiz_problem and its target link is not /sets/<set> or "
            "/problems/<id>. Ask the instructor to add it again with the tool's picker (deep linking).",
        )  # fmt: skip
    if instructor:
        destination = "/instructor/lti" + (f"?target={quote(':'.join(target))}" if target else "")
    else:
        assert target is not None
        destination = f"/{'sets' if target[0] == 'set' else 'problems'}/{quote(target[1])}"

    def begin() -> tuple[str, str]:
        consume(lti, verified.state)
        now = lti.clock()
        with lti.sessions() as session:
            learner = Repository(session).learner_by_lti(
                claims.issuer,
                claims.subject,
                client_id=claims.client_id,
                deployment_id=claims.deployment_id,
                adopt_legacy=len(store.platforms_of_issuer(session, claims.issuer)) == 1,
            )
            assert learner is not None
            if claims.name and not learner.display_name:
                learner.display_name = claims.name[:200]
                session.commit()
            if target is not None and not instructor:  # instructors' own tries are not graded
                store.record_launch(session, learner.id, verified.deployment.id, claims, target, now)
            payload = {
                "learner_id": learner.id, "instructor": dataclasses.asdict(scope) if scope else None,
                "destination": destination,
                "key_hash": hashlib.sha256(open_key.encode()).hexdigest(),
            }  # fmt: skip
            return learner.id, store.issue_ticket(session, "open", payload, now, OPEN_TICKET_LIFETIME)

    scope = Scope(verified.platform.id, claims.deployment_id, claims.context_id) if instructor else None
    open_key = secrets.token_urlsafe(32)  # only this launch page holds it: the new window asks it for the key
    learner_id, ticket = await run_in_threadpool(begin)
    if verified.cookie_seen:  # the frame kept the login's cookie: it will keep ours
        response: Response = RedirectResponse(destination, status_code=303)
    else:
        context = {
            "destination": destination, "open_url": f"/lti/open/{ticket}", "instructor": instructor,
            "open_key": open_key,
        }  # fmt: skip
        response = render(request, "lti/launch.html", context)
    session_id = await run_in_threadpool(start_session, request, scope) if scope else None
    set_identity(response, request, learner_id, session_id, framed=True)
    return response


async def _picker(request: Request, lti: ServiceDep, bank: BankDep, verified: VerifiedLaunch) -> Response:
    claims = verified.claims
    if not claims.is_instructor:
        raise LtiError(403, "not-instructor", "Only instructors can add activities", "Your role in this course is not "
                       "an instructor's, so the tool's picker is not available to you.")  # fmt: skip
    settings = claims.deep_linking or {}
    accepted = settings.get("accept_types")
    if isinstance(accepted, list) and "ltiResourceLink" not in accepted:
        raise bad_request(f"The LMS accepts only {', '.join(map(str, accepted))} here, not LTI links.")
    payload = {
        "issuer": verified.platform.issuer, "client_id": verified.platform.client_id,
        "deployment_id": claims.deployment_id, "return_url": settings["deep_link_return_url"],
        "data": settings.get("data"), "accept_multiple": bool(settings.get("accept_multiple", False)),
    }  # fmt: skip

    def begin() -> str:
        consume(lti, verified.state)
        with lti.sessions() as session:
            return store.issue_ticket(session, "deep_link", payload, lti.clock(), deep_linking.TICKET_LIFETIME)

    ticket = await run_in_threadpool(begin)
    context = {"catalogue": deep_linking.catalogue(bank), "ticket": ticket, "multiple": payload["accept_multiple"]}
    return render(request, "lti/deep_link.html", context)


async def _redeem(lti: LtiService, ticket: str, purpose: str) -> dict[str, Any] | None:
    """Use up a single-use ticket (off the event loop); None when it is unknown, used or expired."""

    def redeem() -> dict[str, Any] | None:
        with lti.sessions() as session:
            return store.redeem_ticket(session, ticket, purpose, lti.clock())

    return await run_in_threadpool(redeem)


@router.post("/deep-link")
async def deep_link_response(request: Request, lti: ServiceDep, bank: BankDep) -> Response:
    """The picker's choice → an LtiDeepLinkingResponse JWT, auto-posted to the platform."""
    form = await request.form()
    ticket = str(form.get("ticket", ""))
    values = [] if "cancel" in form else [str(v) for v in form.getlist("item")]

    payload = await _redeem(lti, ticket, "deep_link")
    if payload is None:
        raise LtiError(410, "expired-ticket", "This selection has expired or was already sent",
                       "Open the tool's picker again from your course.")  # fmt: skip
    choices = deep_linking.choose(bank, values, payload["accept_multiple"])
    launch_url = lti.tool_url(request) + "/lti/launch"
    items = [deep_linking.content_item(choice, launch_url) for choice in choices]
    claims = deep_linking.response_claims(
        issuer=payload["issuer"], client_id=payload["client_id"], deployment_id=payload["deployment_id"],
        data=payload["data"], items=items, now=lti.clock(),
    )  # fmt: skip

    def sign() -> str:
        with lti.sessions() as session:
            return keys.sign(session, claims, lti.clock())

    token = await run_in_threadpool(sign)
    return render(request, "lti/autopost.html", {"action": payload["return_url"], "fields": {"JWT": token}})


@router.get("/open/{ticket}")
async def open_page(ticket: str, request: Request) -> Response:
    """The new-window fallback, step 1: a page that asks the launch page which opened it for the ticket's key."""
    return render(request, "lti/open.html", {"ticket": ticket[:100]})


@router.post("/open")
async def open_in_window(
    request: Request, lti: ServiceDep, ticket: Annotated[str, Form(max_length=100)],
    key: Annotated[str, Form(max_length=100)] = "",
) -> Response:  # fmt: skip
    """Step 2: a single-use, short-lived ticket with the key only its launch page held sets first-party cookies.
    A ticket link opened in another browser has no launch page to ask."""
    payload = await _redeem(lti, ticket, "open")  # a cross-site post never gets here (app.web.csrf)
    if payload is None:
        raise LtiError(410, "expired-ticket", "This link has expired or was already used",
                       "Open the activity again from your course.")  # fmt: skip
    if not hmac.compare_digest(hashlib.sha256(key.encode()).hexdigest(), payload.get("key_hash", "")):
        raise LtiError(403, "not-this-browser", "This link works only from the page that offered it",
                       "Open the activity again from your course, in this browser.")  # fmt: skip
    response = RedirectResponse(payload["destination"], status_code=303)
    scope = Scope(**payload["instructor"]) if payload.get("instructor") else None
    session_id = await run_in_threadpool(start_session, request, scope) if scope else None
    set_identity(response, request, payload["learner_id"], session_id, framed=False)
    return response


@router.get("/cookie-check")
def cookie_check(request: Request) -> Response:
    """Whether this browsing context sends the learner cookie back (the launch page asks, to continue or not)."""
    ok = request.app.state.signer.learner(request.cookies.get(LEARNER_COOKIE)) is not None
    return JSONResponse({"cookies": ok}, headers={"cache-control": "no-store"})


@router.get("/jwks")
def jwks(lti: ServiceDep) -> Response:
    """The tool's public keys (the signing key and those in their grace period); never a private key."""
    with lti.sessions() as session:
        document = keys.jwks(session, lti.clock(), lti.key_grace)
    return JSONResponse(document, headers={"cache-control": "public, max-age=3600"})
