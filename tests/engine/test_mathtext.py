"""Math in messages: shapes and the names of quantities become `$…$` TeX spans; words stay words."""

from __future__ import annotations

import pytest

from app.engine.mathtext import quantity, shape_math, unicode_tex


@pytest.mark.parametrize(
    ("shape", "math"),
    [((), "a scalar"), (("D_x", "D_a1"), "$D_{x} \\times D_{a_{1}}$"), ((3, 1), "$3 \\times 1$"),
     (("n_in", "H"), "$n_{\\mathrm{in}} \\times H$")],
)  # fmt: skip
def test_a_shape_is_math_and_a_scalar_is_words(shape: tuple, math: str) -> None:  # type: ignore[type-arg]
    assert shape_math(shape) == math


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("δ_W1", "$\\delta_{W_{1}}$"),  # as `delta_W1` reads in "interpreted as"
        ("delta_W1", "$\\delta_{W_{1}}$"),
        ("∇_x L", "$\\nabla_{x} L$"),
        ("∂L/∂β", "$\\partial L/\\partial\\beta$"),
        ("m̂_t", "$\\hat{m}_{t}$"),
        ("δ_x̂", "$\\delta_{\\hat{x}}$"),
        ("∇_h̃ L", "$\\nabla_{\\tilde{h}} L$"),
        ("E(v_t v_tᵀ)", "$E(v_{t} v_{t}^{\\top})$"),
        ("Σ_k", "$\\Sigma_{k}$"),
        ("yhat", "$\\hat{y}$"),
        ("b1", "$b_{1}$"),
        ("the answer", "the answer"),
        ("W after the L1 step", "W after the L1 step"),
        ("loss", "loss"),
        ("$W$ after the L1 step", "$W$ after the L1 step"),  # the author marked the math
    ],
)
def test_a_quantity_is_named_in_math_when_it_is_a_symbol(name: str, written: str) -> None:
    assert quantity(name) == written


def test_greek_capitals_without_a_tex_command_stay_as_written() -> None:
    assert unicode_tex("Α_1") == "Α_{1}"  # a capital alpha
