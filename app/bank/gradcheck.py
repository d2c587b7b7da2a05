"""Cross-check every gradient the engine computes against central finite differences of its loss.

`quizzes validate` runs this on every validated seed: reverse mode and finite differences agree unless a sample
sits on a kink (a ReLU input at 0, an argmax tie), and then the variable and the seed are named so the author can
see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from app.engine.autodiff import central_differences
from app.engine.errors import AuthorError
from app.engine.graph import VariableGraph
from app.engine.variables import sample_trials, stable_seed
from app.kinds import Variant
from app.kinds._common import question_variables

STEP = 1e-6
TRIALS = 2
RTOL, ATOL = 1e-4, 1e-6


def gradient_failures(variant: Variant) -> Iterator[str]:
    """One message per `grad` variable that disagrees with finite differences in this variant."""
    variables = question_variables(variant)
    grads = {name: spec.grad for name, spec in variables.items() if spec.grad is not None}
    if not grads:
        return
    try:
        graph = VariableGraph(variables, variant.dims)
        trials = sample_trials(variables, variant.dims, TRIALS, stable_seed(variant.key, "gradcheck"),
                               derive=graph.evaluate)  # fmt: skip
    except AuthorError as error:
        yield str(error)
        return
    for name, grad in grads.items():
        for trial in trials:
            numeric = _numeric_gradient(graph, grad.of, grad.wrt, trial.env, trial.dims)
            analytic = np.asarray(trial.env[name], dtype=float)
            if not (np.all(np.isfinite(analytic)) and np.all(np.isfinite(numeric))):
                yield f"variable {name} (∂{grad.of}/∂{grad.wrt}) is not finite at a sample (the log of 0? an overflow?)"
                break
            if not np.allclose(analytic, numeric, rtol=RTOL, atol=ATOL * max(1.0, float(np.max(np.abs(numeric))))):
                yield (
                    f"variable {name} (∂{grad.of}/∂{grad.wrt}) disagrees with central finite differences "
                    f"(largest difference {float(np.max(np.abs(analytic - numeric))):.3g}); a sample may sit on a kink"
                )
                break


def moment_failures(variant: Variant) -> Iterator[str]:
    """A moment is exact only for a variable affine in its random inputs: say so when it is not."""
    variables = question_variables(variant)
    moments = [n for n, s in variables.items() if s.expectation is not None or s.second_moment is not None]
    if not moments:
        return
    graph = VariableGraph(variables, variant.dims)
    rng = np.random.default_rng(stable_seed(variant.key, "moments"))
    for trial in sample_trials(variables, variant.dims, TRIALS, stable_seed(variant.key, "moments"),
                               derive=graph.evaluate):  # fmt: skip
        for name in moments:
            if not graph.is_affine(name, trial.env, trial.dims, rng):
                yield f"variable {name}: its moment is exact only for a variable affine in the random inputs"
        return


def _numeric_gradient(graph: VariableGraph, of: str, wrt: str, env: dict[str, Any], sizes: dict[str, int]) -> Any:
    return central_differences(lambda value: float(graph.value_with(of, env, {wrt: value}, sizes)), env[wrt], STEP)
