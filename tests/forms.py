"""Posting the pages' forms as a browser does: from the page, with the hidden fields every form carries
(`templates/_form_tokens.html`), so the tests exercise the same checks as a student's browser."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

_HIDDEN = re.compile(r'<input type="hidden" name="(csrf)" value="([^"]*)">')
_SUBPATH = re.compile(r"^(/problems/[^/]+)/(?:variant|hint)$")


def form_tokens(client: TestClient, page: str) -> dict[str, str]:
    """The hidden token fields of the forms on `page`, read the way a browser gets them (which also gives a new
    visitor their cookie)."""
    text = client.get(page).text
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(text)}


def post_form(
    client: TestClient, url: str, data: dict[str, Any], page: str | None = None, **kwargs: Any
) -> httpx.Response:
    """Post `data` from the page that holds the form: `page`, by default the URL itself (the problem page for its
    variant and hint buttons)."""
    tokens = form_tokens(client, page or _SUBPATH.sub(r"\1", url))
    return client.post(url, data={**tokens, **data}, **kwargs)
