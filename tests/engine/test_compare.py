"""Comparing an answer's values with the truth's, trial by trial, within float64 round-off."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.compare import Tolerance, all_finite
from app.engine.evaluate import Value

TOL = Tolerance()


def test_round_off_passes_but_a_relative_1e8_or_an_absolute_1e9_does_not() -> None:
    want = [0.3, np.array([[1e3], [-2.0]])]
    assert TOL.all_close([0.1 + 0.2, want[1] * (1 + 1e-13)], want)
    assert not TOL.all_close([0.3 * (1 + 1e-8), want[1]], want)
    assert not TOL.all_close([0.3, want[1] + np.array([[0.0], [1e-8 * 1e3]])], want)  # relative to the norm
    assert not TOL.all_close([0.3 + 1e-9, want[1]], want)


def test_a_zero_truth_has_an_absolute_floor() -> None:
    assert TOL.all_close([1e-13], [0.0])
    assert not TOL.all_close([1e-11], [0.0])


@pytest.mark.parametrize(
    "got",
    [
        [1.0, np.array([[1.0, 2.0]])],  # the transpose
        [1.0, np.array([[1.0], [2.0], [3.0]])],  # another number of rows
        [np.array([[1.0]]), np.array([[1.0], [2.0]])],  # a matrix where a float is expected
        [float("nan"), np.array([[1.0], [2.0]])],
        [1.0, np.array([[np.inf], [2.0]])],
    ],
)
def test_a_value_of_another_shape_or_not_finite_is_never_close(got: list[Value]) -> None:
    assert not TOL.all_close(got, [1.0, np.array([[1.0], [2.0]])])


def _random_values(rng: np.random.Generator, shapes: list[tuple[int, ...] | None]) -> list[Value]:
    return [float(rng.normal()) if shape is None else rng.normal(size=shape) for shape in shapes]


def _nudged(rng: np.random.Generator, value: Value, bad: bool) -> Value:
    """The value within round-off, or (bad) just outside the tolerance, or NaN."""
    scale = rng.choice([1e-8, np.nan]) if bad else rng.choice([0.0, 1e-13])
    if isinstance(value, float):
        return value + scale * (1.0 + abs(value))
    return value + scale * (1.0 + np.abs(value)) * rng.choice([-1.0, 1.0], size=value.shape)


@pytest.mark.parametrize("seed", range(40))
def test_all_trials_at_once_agree_with_each_trial_alone(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shapes = [None if rng.random() < 0.3 else tuple(int(n) for n in rng.integers(1, 5, size=2)) for _ in range(12)]
    want = _random_values(rng, shapes)
    bad = int(rng.integers(12)) if seed % 2 else None  # odd seeds: one trial is off
    got = [_nudged(rng, w, k == bad) for k, w in enumerate(want)]
    each = [TOL.close(g, w) for g, w in zip(got, want, strict=True)]
    assert all(each) == (bad is None)
    assert TOL.all_close(got, want) == all(each)


def test_empty_matrices_are_equal() -> None:
    assert TOL.all_close([np.zeros((0, 3)), 1.0], [np.zeros((0, 3)), 1.0])


def test_the_number_of_trials_must_match() -> None:
    with pytest.raises(ValueError, match="2 values to compare with 1"):
        TOL.all_close([1.0, 2.0], [1.0])


@pytest.mark.parametrize(
    ("values", "finite"),
    [
        ([1.0, 2.0], True),
        ([1.0, float("inf")], False),
        ([float("nan")], False),
        ([1.0, np.array([[1.0], [2.0]])], True),
        ([np.array([[1.0, np.nan]]), 1.0], False),
        ([np.array([[-np.inf]])], False),
    ],
)
def test_finite_means_every_entry_of_every_trial(values: list[Value], finite: bool) -> None:
    assert all_finite(values) is finite
