"""Every error is an RFC 9457 problem-details document (`application/problem+json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class ProblemDetails(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class ApiError(StarletteHTTPException):
    """An HTTP error of a documented kind: `type` (a URI) names it for programs, `title` for people."""

    def __init__(
        self, status_code: int, type_: str, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code, detail, headers)
        self.type, self.title = type_, title


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    type_: str = "about:blank",
) -> JSONResponse:
    body = ProblemDetails(
        type=type_, title=title, status=status, detail=detail, instance=request.url.path, errors=errors
    )
    return JSONResponse(body.model_dump(exclude_none=True), status, headers=headers, media_type=PROBLEM_JSON)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, ApiError):
            status, headers = exc.status_code, exc.headers
            return problem_response(request, status, exc.title, exc.detail, headers=headers, type_=exc.type)
        title = {
            400: "Bad Request",
            404: "Not Found",
            405: "Method Not Allowed",
            401: "Unauthorized",
            403: "Forbidden",
            413: "Content Too Large",
        }.get(exc.status_code, "Error")
        return problem_response(request, exc.status_code, title, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return problem_response(request, 422, "Invalid request", "The request body or parameters are invalid.", errors)
