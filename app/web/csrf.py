"""Cross-site request forgery: where a state-changing request comes from.

Browsers say where a request comes from: `Sec-Fetch-Site` (every current browser) or, failing that, `Origin`
(sent with every cross-origin POST). A request that carries neither comes from a program, not from a page a
victim was lured to, and is let through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request


def same_origin(request: Request) -> bool:
    """Whether the request was sent by one of this site's own pages (or by no browser at all)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")
