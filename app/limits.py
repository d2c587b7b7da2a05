"""Input limits, checked before any work: the size of a request body, and of the answers in it.

A body larger than `QUIZ_MAX_REQUEST_BYTES` is refused with 413 problem details (`BodyLimitMiddleware`): at once
when its `Content-Length` says so, or as soon as that many bytes have arrived when it is sent in chunks. Answers
are bounded per request (no more than the problem has parts) and per part (characters and entries, enough for the
largest widget: a 5,000-character text or a 20 × 20 grid); larger answers are refused whole (422), never checked
nor stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import ApiError, problem_response

MAX_ANSWER_CHARS = 10_000
MAX_ANSWER_ENTRIES = 1_000
MAX_ANSWER_DEPTH = 3
BODY_TOO_LARGE = "tag:quizzes,2026:body-too-large"


class AnswerTooLarge(ApiError):
    """An answer no widget sends: refused whole (422 problem details) before it is checked or stored."""

    def __init__(self, message: str) -> None:
        super().__init__(422, "tag:quizzes,2026:answer-too-large", "Answer too large", message)
        self.message = message


def bound_answers(answers: Mapping[str, Any], parts: int) -> None:
    """Refuse more answers than the problem has parts, or an answer beyond the size of any widget's."""
    if len(answers) > parts:
        raise AnswerTooLarge(f"{len(answers)} answers sent, but this problem has {parts} parts.")
    for part_id, answer in answers.items():
        chars, entries = _size(answer, 0)
        if chars > MAX_ANSWER_CHARS or entries > MAX_ANSWER_ENTRIES:
            raise AnswerTooLarge(
                f"The answer to {str(part_id)[:100]!r} is too large: at most {MAX_ANSWER_CHARS:,} characters "
                f"and {MAX_ANSWER_ENTRIES:,} entries."
            )


def _size(answer: Any, depth: int) -> tuple[int, int]:
    """(characters, entries) of an answer; nesting deeper than any widget's counts as too large."""
    if isinstance(answer, str):
        return len(answer), 1
    if isinstance(answer, list | tuple | dict):
        if depth >= MAX_ANSWER_DEPTH:
            return MAX_ANSWER_CHARS + 1, 0
        items = [*answer.keys(), *answer.values()] if isinstance(answer, dict) else list(answer)
        if len(items) > 2 * MAX_ANSWER_ENTRIES:
            return 0, len(items)
        sizes = [_size(item, depth + 1) for item in items]
        return sum(c for c, _ in sizes), sum(e for _, e in sizes)
    return len(str(answer)) if isinstance(answer, int) else 1, 1


class BodyLimitMiddleware:
    """413 problem details for a body over the limit, before the app reads any of it: at once when its
    `Content-Length` says so; a chunked body (no length) is read up to the limit first, then handed on."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        elif b"transfer-encoding" in headers:
            buffered = await self._read_within_limit(receive)
            if buffered is None:
                await self._refuse(scope, receive, send)
                return
            receive = _replay(buffered, receive)
        await self.app(scope, receive, send)

    async def _read_within_limit(self, receive: Receive) -> list[Message] | None:
        messages, received = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is too large; the limit is {self.max_bytes:,} bytes."
        response = problem_response(Request(scope, receive), 413, "Content Too Large", detail, type_=BODY_TOO_LARGE)
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
