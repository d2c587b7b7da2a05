"""Variants built directly, so that each kind is tested without the problem bank."""

from __future__ import annotations

import pytest

from app.engine.variables import VariableSpec
from app.kinds.base import Variant


@pytest.fixture
def variant() -> Variant:
    """The exam's numbers (seed 0) for problems 1d, 2b and 3b, plus answers a figure generator computed."""
    return Variant(
        problem_id="kinds",
        seed=0,
        params={
            "filters": 5,
            "kernel": 3,
            "channels": 3,
            "n_neg": 10000,
            "n_pos": 1000,
            "W": [[1, -2, 0], [3, 1, -1], [0, 2, 2]],
            "lam": 0.5,
            "n": 4,
            "fig2.faster": "nesterov",
            "fig2.mapping": {"a": "momentum", "b": "adagrad", "c": "adam"},
        },
        variables={
            "x": VariableSpec(shape=["D_x", 1]),
            "W1": VariableSpec(shape=["D_a1", "D_x"]),
            "R_i": VariableSpec(expr="lam / n * norm(W, inf)"),
            "dR_dW": VariableSpec(grad={"of": "R_i", "wrt": "W"}),
        },
        dims={"D_a1": (2, 7), "D_x": (3, 8)},
    )
