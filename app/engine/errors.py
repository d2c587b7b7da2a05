"""Typed errors of the checking engine.

Two audiences, two families: `StudentError` and its children explain to a student why an answer could
not be read (it costs no attempt); `AuthorError` tells a problem author that a spec is broken.
"""

from __future__ import annotations


class StudentError(Exception):
    """An answer could not be read or evaluated; the message is written for the student."""

    code = "invalid"

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def explained(self, text: str) -> str:
        """The message, and under it the answer with a caret at the offending character (when there is one)."""
        pointer = self.pointer(text)
        return f"{self.message}\n{pointer}" if pointer else self.message

    def pointer(self, text: str) -> str:
        """The answer with a caret under the offending character, or '' without a position."""
        if self.position is None or len(text) > 200:
            return ""
        line = text.replace("\n", " ")
        return f"{line}\n{' ' * min(self.position, len(line))}^"


class ParseError(StudentError):
    """The answer is not a well-formed expression (bad character, missing operand, unbalanced brackets)."""

    code = "syntax"


class InputTooLarge(ParseError):
    """The answer exceeds a safety limit (length, nesting, literal size, number of terms)."""

    code = "limit"


class UnknownName(StudentError):
    """The answer uses a name the question does not define."""

    code = "unknown_name"

    def __init__(
        self, name: str, position: int, allowed: list[str], suggestion: str | None = None, what: str = ""
    ) -> None:
        hint = f" Did you mean `{suggestion}`?" if suggestion else ""
        listing = ", ".join(allowed) if allowed else "(none)"
        head = f"`{name}` {what}." if what else f"Unknown name `{name}`."
        super().__init__(f"{head}{hint} Names you can use here: {listing}.", position)
        self.name = name


class ShapeError(StudentError):
    """The answer combines matrices whose dimensions do not fit (e.g. an @ with mismatched inner sizes)."""

    code = "shape"


class EvaluationError(StudentError):
    """The answer parsed but cannot be evaluated (non-integer sum bound, too much work, ...)."""

    code = "evaluation"


class AuthorError(Exception):
    """A problem spec is inconsistent; the message is written for the problem's author. `where` is the path of the
    offending field in the problem file (e.g. ("variables", "z1", "expr")), when known, so it can be given a line."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where
