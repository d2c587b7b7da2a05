"""Variants: a problem at a seed. Seed 0 is the exam as printed; other seeds redraw what may change."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.bank.figures import render_figure
from app.bank.models import Parameter, ProblemSpec
from app.engine.errors import AuthorError
from app.engine.parameters import calculate
from app.engine.variables import stable_seed
from app.kinds.base import Variant

MAX_REDRAWS = 200


def make_variant(problem: ProblemSpec, seed: int) -> Variant:
    """The parameter values of `problem` at `seed`, satisfying its constraints."""
    rng = np.random.default_rng(stable_seed(problem.id, seed))
    for _ in range(MAX_REDRAWS):
        params: dict[str, Any] = {}
        for name, spec in problem.parameters.items():
            params[name] = _value(name, spec, params, rng, seed)
        params.update(figure_answers(problem, seed))
        if all(_truth(c, params) for c in problem.constraints):
            return Variant(problem.id, seed, params, problem.variables, problem.dims)
        if seed == 0:
            raise AuthorError(f"{problem.id}: the exam values break a constraint")
    raise AuthorError(f"{problem.id}: no values satisfying the constraints found in {MAX_REDRAWS} draws")


def figure_answers(problem: ProblemSpec, seed: int) -> dict[str, Any]:
    """Answers computed by a figure's generator from the run it draws, as parameters `figure_id.key`."""
    answers: dict[str, Any] = {}
    for figure in problem.figures:
        if figure.generator is not None:
            try:
                result = render_figure(figure.generator, seed)
            except KeyError as error:
                raise AuthorError(f"figure {figure.id}: {error}") from None
            answers.update({f"{figure.id}.{key}": value for key, value in result.answers.items()})
            letters = {k: v for k, v in result.answers.items() if len(k) == 1 and isinstance(v, str)}
            if letters:  # the point → label mapping of a figure, for matching parts
                answers[f"{figure.id}.mapping"] = letters
    return answers


def _value(name: str, spec: Parameter, params: dict[str, Any], rng: np.random.Generator, seed: int) -> Any:
    if spec.expr is not None:
        return calculate(spec.expr, params)
    if seed == 0:
        return spec.exam
    if spec.integer is not None:
        return int(rng.integers(spec.integer[0], spec.integer[1], endpoint=True))
    if spec.uniform is not None:
        value = float(rng.uniform(*spec.uniform))
        return round(value, spec.decimals) if spec.decimals is not None else value
    if spec.choice is not None:
        return spec.choice[int(rng.integers(len(spec.choice)))]
    return spec.exam


def _truth(constraint: str, params: dict[str, Any]) -> bool:
    return bool(calculate(constraint, params))
