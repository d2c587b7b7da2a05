"""Why an LTI request is refused, told to people (an HTML page inside the LMS frame) and to programs (RFC 9457
problem details). A rejected launch records nothing."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:quizzes:lti:"


class LtiError(Exception):
    """A refusal: `status` for HTTP, `code` names the kind for programs, `title` and `detail` for people."""

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        super().__init__(f"{title}: {detail}")
        self.status, self.code, self.title, self.detail = status, code, title, detail


def bad_request(detail: str) -> LtiError:
    return LtiError(400, "bad-request", "This LTI request is incomplete", detail)


def rejected(code: str, detail: str, title: str = "This launch was refused") -> LtiError:
    return LtiError(401, code, title, detail)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return ("json" in accept) and "text/html" not in accept


async def handle_lti_error(request: Request, exc: Exception) -> Response:
    """The exception handler installed for `LtiError`."""
    assert isinstance(exc, LtiError)
    if _wants_json(request):
        body = {
            "type": TYPE_BASE + exc.code, "title": exc.title, "status": exc.status, "detail": exc.detail,
            "instance": request.url.path,
        }  # fmt: skip
        return JSONResponse(body, exc.status, media_type=PROBLEM_JSON)
    context = {"title": exc.title, "detail": exc.detail, "code": exc.code, "status": exc.status}
    return request.app.state.templates.TemplateResponse(request, "lti/error.html", context, status_code=exc.status)
