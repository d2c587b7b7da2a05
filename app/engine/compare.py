"""Numeric comparison of an answer with the true quantity over several trials, and the diagnosis of near misses.

Each diagnosis names a kind of mistake (sign, transpose, constant factor, a case that fails) without
revealing the correct expression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.engine.evaluate import Value


@dataclass(frozen=True)
class Tolerance:
    """Equal up to float64 round-off: relative `rtol` plus an absolute floor `atol` scaled to the reference's
    magnitude (at least 1), so that neither `(1 + 1e-7)·answer` nor `answer + 1e-9` passes as equal."""

    rtol: float = 1e-9
    atol: float = 1e-12

    def close(self, got: Value, want: Value) -> bool:
        if isinstance(got, float) and isinstance(want, float):  # the common scalar case, without NumPy
            size = abs(want)
            return math.isfinite(got) and abs(got - want) <= self.atol * max(1.0, size) + self.rtol * size
        return self.all_close([got], [want])

    def all_close(self, got: Sequence[Value], want: Sequence[Value]) -> bool:
        """`close` on every trial, computed for all trials at once: their values laid end to end, the norms
        summed per trial (a dozen small NumPy calls instead of a dozen per trial)."""
        if len(got) != len(want):
            raise ValueError(f"{len(got)} values to compare with {len(want)}")
        if all(type(g) is float for g in got) and all(type(w) is float for w in want):
            return all(self.close(g, w) for g, w in zip(got, want, strict=True))  # a dozen floats: faster in Python
        if any(np.shape(g) != np.shape(w) for g, w in zip(got, want, strict=True)):
            return False
        a, trial = _end_to_end(got)
        b, _ = _end_to_end(want)  # the same shapes, so the same trial of each entry
        error = np.sqrt(np.bincount(trial, weights=(a - b) ** 2, minlength=len(got)))
        size = np.sqrt(np.bincount(trial, weights=b * b, minlength=len(got)))
        bound = self.atol * np.maximum(1.0, size) + self.rtol * size
        with np.errstate(invalid="ignore"):  # a NaN or infinite answer is simply not close
            return bool(np.all((error <= bound) & np.isfinite(bound)))


def all_finite(values: Sequence[Value]) -> bool:
    """Whether every value of every trial is a finite number (not an infinity, not NaN)."""
    if all(type(v) is float for v in values):
        return all(math.isfinite(v) for v in values)
    return bool(np.isfinite(_end_to_end(values)[0]).all())


def _end_to_end(values: Sequence[Value]) -> tuple[np.ndarray, np.ndarray]:
    """The values' entries in one vector, and the trial each entry belongs to (an empty matrix has none)."""
    parts = [np.ravel(np.asarray(v, dtype=float)) for v in values]
    return np.concatenate(parts), np.repeat(np.arange(len(parts)), [part.size for part in parts])


@dataclass(frozen=True)
class Diagnosis:
    reason: str
    message: str


def diagnose(got: Sequence[Value], want: Sequence[Value], tol: Tolerance, name: str) -> Diagnosis | None:
    """The generic near misses, most specific first; None when the answer is simply different."""
    if tol.all_close([-np.asarray(g) for g in got], want):
        return Diagnosis("sign", f"Your answer has the opposite sign of {name}: check the signs.")
    if _square(want) and tol.all_close([np.asarray(g).T for g in got], want):
        return Diagnosis("transpose", f"Your answer is the transpose of {name}: check the order of the factors.")
    factor = _common_factor(got, want, tol)
    if factor is not None:
        return Diagnosis("factor", f"Your answer is off from {name} by a constant factor: check the coefficients.")
    return None


def _square(values: Sequence[Value]) -> bool:
    return all(np.ndim(v) == 2 and np.shape(v)[0] == np.shape(v)[1] and np.shape(v)[0] > 1 for v in values)


def _common_factor(got: Sequence[Value], want: Sequence[Value], tol: Tolerance) -> float | None:
    """c with got ≈ c·want on every trial (c ≠ 0, 1), found by least squares on the first informative trial."""
    factor = None
    for g, w in zip(got, want, strict=True):
        g_arr, w_arr = np.asarray(g, dtype=float), np.asarray(w, dtype=float)
        denom = float(np.sum(w_arr * w_arr))
        if denom > 1e-12 and np.all(np.isfinite(g_arr)):
            factor = float(np.sum(g_arr * w_arr) / denom)
            break
    if factor is None or abs(factor) < 1e-9 or abs(factor - 1) < 1e-6:
        return None
    return factor if tol.all_close(got, [factor * np.asarray(w) for w in want]) else None
