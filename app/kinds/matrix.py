"""Numeric matrices entered in a grid, e.g. the L-∞ regularizer's gradient for a given W (3b).

The reference is computed per variant, either by the engine (`target`, a derived variable of the question
computed from the parameters, e.g. the gradient of a regularizer declared with `expr` and `grad`), or from
`answer`, a literal grid whose entries are numbers or expressions over the parameters.
A parameter may hold a matrix as a list of lists (its `exam` value, or a `choice` among several matrices);
`matrix_param` names the given matrix so that the page can show it as a grid.

Students send a list of rows (`[["1", "0"], ["-1", "2"]]`, numbers or number texts such as `1/3`) or one
string, rows separated by `;` or new lines and entries by spaces or commas (`"1 0; -1 2"`). The size is
fixed by the reference: another size is unreadable. No partial credit: feedback says how many entries
are wrong, never which.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.mathtext import quantity, shape_math
from app.engine.verdict import Verdict
from app.kinds._common import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    SIG_FIGS,
    FormatError,
    be,
    calculate,
    close,
    exactly_one,
    invalid,
    param,
    read_number,
    target_value,
)
from app.kinds.base import ANSWER_NAME_HELP, Answer, PartBase, Variant

MAX_SIDE = 20
MAX_TEXT = 5000
USAGE = "Enter the matrix as rows of numbers, e.g. `1 0; -1 2`."


class MatrixPart(PartBase):
    """A matrix of numbers, every entry right within the tolerance."""

    widget: ClassVar[tuple[str, ...]] = ("matrix",)

    not_exported: ClassVar[str | None] = "a matrix of numbers: LMS numeric questions hold a single number"

    kind: Literal["matrix"] = "matrix"
    target: str | None = Field(
        None, description="A derived variable computed from the parameters (the engine's truth), e.g. `dR_dW`."
    )
    answer: list[list[float | str]] | None = Field(None, description="A grid of numbers or parameter expressions.")
    matrix_param: str | None = Field(None, description="Parameter holding the given matrix (a list of lists).")
    answer_name: str = Field(
        "the answer",
        description=ANSWER_NAME_HELP,
    )
    rtol: float = Field(DEFAULT_RTOL, ge=0, description="Relative tolerance per entry (by default, round-off only).")
    atol: float = Field(DEFAULT_ATOL, ge=0, description="Absolute tolerance per entry.")
    sig_figs: int | None = Field(None, ge=1, le=15, description=SIG_FIGS)

    @model_validator(mode="after")
    def _consistent(self) -> MatrixPart:
        exactly_one("target, answer", self.target, self.answer)
        if self.answer is not None and (not self.answer or not self.answer[0] or len(set(map(len, self.answer))) > 1):
            raise ValueError("answer must be a non-empty grid whose rows have equal lengths")
        return self

    def reference(self, variant: Variant) -> np.ndarray:
        if self.answer is not None:
            value: Any = [
                [e if isinstance(e, float | int) else calculate(e, variant) for e in row] for row in self.answer
            ]
        else:
            value = target_value(variant, str(self.target))
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise AuthorError(f"{self.answer_name} is not a matrix of numbers") from None
        if array.ndim != 2 or not np.all(np.isfinite(array)):
            raise AuthorError(f"{self.answer_name} must be a finite 2-D matrix, not of shape {array.shape}")
        return array

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        want = self.reference(variant)
        try:
            got = read_matrix(answer, want.shape)
        except StudentError as error:
            return invalid(error)
        wrong = int(np.sum(~self._close(got, want)))
        if not wrong:
            return Verdict.correct()
        if np.any(want) and np.all(self._close(-got, want)):
            return Verdict.incorrect("Every entry has the wrong sign.", "sign")
        if got.shape[0] == got.shape[1] and np.all(self._close(got.T, want)):
            return Verdict.incorrect(f"Your matrix is the transpose of {quantity(self.answer_name)}.", "transpose")
        return Verdict.incorrect(f"{wrong} of the {want.size} entries {be(wrong)} wrong.", "wrong")

    def _close(self, got: np.ndarray, want: np.ndarray) -> np.ndarray:
        """Entry by entry, as a number part compares one number."""
        return np.vectorize(lambda g, w: close(g, w, self.rtol, self.atol, self.sig_figs))(got, want)

    def reference_answer(self, variant: Variant) -> Answer:
        return self.reference(variant).tolist()

    def author_problems(self, variant: Variant) -> list[str]:
        problems = []
        if self.matrix_param is not None:
            try:
                _grid(param(variant, self.matrix_param))
            except AuthorError as error:
                problems.append(f"matrix_param: {error}")
        try:
            rows, cols = self.reference(variant).shape
        except AuthorError as error:
            return [*problems, f"the reference cannot be computed: {error}"]
        if rows > MAX_SIDE or cols > MAX_SIDE:
            problems.append(f"the answer is {rows} × {cols}; students can enter at most {MAX_SIDE} × {MAX_SIDE}")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        rows, cols = self.reference(variant).shape
        view: dict[str, Any] = {"rows": rows, "cols": cols}
        if self.matrix_param is not None:
            view["given"] = {"name": self.matrix_param, "value": _grid(param(variant, self.matrix_param))}
        return view


def read_matrix(raw: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The student's matrix as floats, or FormatError; it must have exactly `shape`."""
    if isinstance(raw, str):
        if len(raw) > MAX_TEXT:
            raise FormatError(f"Your matrix is {len(raw):,} characters long; the limit is {MAX_TEXT:,}.", "limit")
        text = re.sub(r"\]\s*,?\s*\[", ";", raw).replace("[", "").replace("]", "")  # also `[[1, 0], [-1, 2]]`
        raw = [[e for e in re.split(r"[,\s]+", line.strip()) if e] for line in re.split(r"[;\n]", text) if line.strip()]
    if not isinstance(raw, list | tuple) or not raw:
        raise FormatError(USAGE)
    if len(raw) > MAX_SIDE:
        raise FormatError(f"A matrix here has at most {MAX_SIDE} rows and {MAX_SIDE} columns.", "limit")
    if not all(isinstance(row, list | tuple) for row in raw):
        raise FormatError(USAGE)
    if any(len(row) > MAX_SIDE for row in raw):
        raise FormatError(f"A matrix here has at most {MAX_SIDE} rows and {MAX_SIDE} columns.", "limit")
    for i, row in enumerate(raw[1:], start=2):
        if len(row) != len(raw[0]):
            raise FormatError(f"Row {i} has {len(row)} entries but row 1 has {len(raw[0])}.", "size")
    if (len(raw), len(raw[0])) != shape:
        got, want = shape_math((len(raw), len(raw[0]))), shape_math(shape)
        raise FormatError(f"Your matrix is {got}; expected {want}.", "size")
    values = np.empty(shape)
    for (i, j), _ in np.ndenumerate(values):
        try:
            values[i, j] = read_number(raw[i][j])
        except StudentError as error:
            raise FormatError(f"Row {i + 1}, column {j + 1}: {error.message}", error.code) from None
    return values


def _grid(value: Any) -> list[list[float]]:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AuthorError("the given matrix is not a list of lists of numbers") from None
    if array.ndim != 2:
        raise AuthorError("the given matrix is not a list of lists of numbers")
    return array.tolist()
