"""Cross-site request forgery, refused in two places:

- `CrossSiteMiddleware`: every state-changing request (POST, PUT, PATCH, DELETE) must come from one of this
  site's own pages. Browsers say where a request comes from: `Sec-Fetch-Site` (every current browser) or,
  failing that, `Origin` (sent with every cross-origin POST). A request with neither comes from a program, not
  from a page a victim was lured to, and is let through. Exempt: the LTI login and launch (the LMS posts them
  from its own site; the state, bound to the browser, and the signed token protect them) and the REST API (keys
  in headers, which browsers never add on their own).
- `check_form_token`, a dependency of the page routers: each form carries a token (`templates/_form_tokens.html`)
  derived from the learner's cookie, which another site's page cannot read.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import problem_response

FORM_TOKEN_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE_PATHS = ("/lti/login", "/lti/launch", "/api/")  # where other sites may post (see above)


def same_origin(request: Request) -> bool:
    """Whether the request was sent by one of this site's own pages (or by no browser at all)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")


def form_token(request: Request) -> str:
    """The token of this learner's forms (a template global: `{{ form_token(request) }}`)."""
    return str(request.app.state.signer.tag("form", request.state.learner_id))[:32]


async def check_form_token(request: Request) -> None:
    """A dependency: a form post must carry its page's token (the body is read once; routes reuse it)."""
    if request.method in SAFE_METHODS:
        return
    sent = str((await request.form()).get(FORM_TOKEN_FIELD, ""))
    if request.state.learner_fresh or not hmac.compare_digest(sent, form_token(request)):
        raise HTTPException(403, "This form has expired or did not come from this site: reload the page and try again.")


class CrossSiteMiddleware:
    """403 for a state-changing request sent by another site's page (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            request = Request(scope, receive)
            if not scope["path"].startswith(CROSS_SITE_PATHS) and not same_origin(request):
                detail = "A request from another site cannot change anything here."
                await problem_response(request, 403, "Cross-site request refused", detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)
