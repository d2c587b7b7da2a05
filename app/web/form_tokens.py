"""The hidden idempotency token of every form (templates/_form_tokens.html), read and consumed here only.

Each rendered form carries a fresh random token. The answers form uses it as the submission's idempotency key
(each part's attempt is stored under `token:part`), so the same post sent twice — a reload, the back button, a
retry after a crash — is checked and counted once and shows the verdicts already stored. The hint and variant
buttons consume it (`form_posts`): sent twice, they reveal one hint or draw one variant. A post without a token
(a page rendered before an upgrade) works as before.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from app.deps import LearnerDep, RepoDep, in_one_trip
from app.storage.form_posts import first_use

FIELD = "form_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(16)


def install(templates: Jinja2Templates) -> None:
    """`{{ form_token() }}` in templates: a fresh token per rendered form."""
    templates.env.globals["form_token"] = new_token


async def posted_token(request: Request) -> str | None:
    """The posted form's token, or None when it carries none; a malformed one is refused."""
    value = (await request.form()).get(FIELD)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _TOKEN.match(value):
        raise HTTPException(422, "This form is damaged; reload the page and send it again.")
    return value


async def first_post(token: Annotated[str | None, Depends(posted_token)], repo: RepoDep, learner: LearnerDep) -> bool:
    """Whether this form post is acted on: True the first time its token is seen (and always without a token)."""
    if token is None:
        return True

    def claim() -> bool:
        repo.get_or_create_learner(learner)
        return first_use(repo.session, learner, token)

    return await in_one_trip(repo, claim)


FormTokenDep = Annotated[str | None, Depends(posted_token)]
FirstPostDep = Annotated[bool, Depends(first_post)]
