"""Figures of optimizer runs, drawn as hand-written SVG per seed, with the answers read off the same run.

Each generator in ``FIGURES`` takes a seed (0 = the exam-like figure; other seeds redraw the free numbers with
``np.random.default_rng(seed)``) and returns a ``FigureResult``. The answers, and the numbers the solutions cite,
come from the run of the NumPy reference engine (``app.engine.reference.optimizers``) whose iterates are drawn;
nothing is typed in. One module per figure: ``loss_curve`` (4a: momentum or Nesterov on a 1-D loss) and
``contours`` (4b: which of momentum, Adagrad and Adam steps where, drawn by ``contour_plot``); ``svg`` writes the
elements and ``labels`` places text clear of everything else.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import replace

from app.bank.figures.contours import contour_optimizers
from app.bank.figures.loss_curve import loss_curve_momentum
from app.bank.figures.svg import FigureResult

__all__ = ["FIGURES", "FigureResult", "render_figure"]

FIGURES: dict[str, Callable[[int], FigureResult]] = {
    "loss_curve_momentum": loss_curve_momentum,
    "contour_optimizers": contour_optimizers,
}


@functools.lru_cache(maxsize=256)
def _cached(name: str, seed: int) -> FigureResult:
    return FIGURES[name](seed)


def render_figure(name: str, seed: int) -> FigureResult:
    """The figure ``name`` at ``seed`` (cached); the answers are a fresh copy the caller may change.

    Raises:
        KeyError: If no generator is called ``name``.
    """
    if name not in FIGURES:
        raise KeyError(f"unknown figure generator {name!r}; expected one of {sorted(FIGURES)}")
    result = _cached(name, int(seed))
    return replace(result, answers=copy.deepcopy(result.answers))
