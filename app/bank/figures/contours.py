"""Figure 2 (problem 4b): momentum, Adagrad and Adam meet at a common point; which one steps to a, b and c?

Contours (axis-aligned ellipses) of ``L(w) = 1/2 sum_i lam_i (w_i - c_i)^2``, condition number 4-7. Momentum,
Adagrad and Adam (same epsilon) each start from their own point, found by Newton's method so that their own run
is at the common point ``P`` at iteration ``t`` (3: the drawn paths are the whole runs). The figure draws each
run's last ``PATH_STEPS`` steps up to ``P`` (one line style, marker and colour per run, shuffled per seed and
named nowhere) and, as three identical arrows, the next step of each run to the points a, b and c (letters
shuffled per seed; seed 0: a = momentum, b = adagrad, c = adam). The valley lies along the figure's wider side.

The student matches by reasoning from the paths. Along the valley's long axis the three histories differ in kind:
momentum's steps grow as its velocity builds up, Adam's stay close to epsilon (an average gradient over the root
of an average squared gradient), Adagrad's shrink (it divides by the root of a sum that only grows). Each next
step continues its own path: momentum's is 0.9 times its last step plus ``-epsilon g``, Adam's is about epsilon
per coordinate again, Adagrad's is shorter still. A seed is redrawn until all of that holds with a margin
(``_clear``) and can be seen in the drawing (``contour_plot.legible``); so a student who knows the three update
rules can tell the paths apart and follow each to its point, while the figure itself names nothing.

Answers: ``a``, ``b``, ``c`` (algorithm names) and for checking ``point``, ``coords`` (letter -> [w1, w2]),
``paths`` (name -> drawn iterates), ``starts``, ``t``, ``epsilon``, ``alpha``, ``beta1``, ``beta2``, ``nu``,
``curvature`` (lam) and ``center`` (c); for the solution ``grad1``/``grad2`` (the gradient at P), ``kick1``/
``kick2`` (-epsilon times it), ``flat_axis``, and per algorithm ``<name>_letter``, ``<name>_style``,
``<name>_step1``/``2`` (the step to its point), ``<name>_last1``/``2`` (its last drawn step) and
``<name>_flat_steps`` (its step lengths along the valley, drawn then next, as text).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from app.bank.figures import contour_plot
from app.bank.figures.contour_plot import STYLES
from app.bank.figures.svg import FigureResult, sig3
from app.engine.reference.optimizers import run_optimizer

ALPHA = 0.9
BETA1, BETA2, NU = 0.9, 0.999, 1e-7
ALGORITHMS = ("momentum", "adagrad", "adam")
PATH_STEPS = 3
MAX_REDRAWS = 400


def _hyper(name: str, eps: float) -> dict[str, float]:
    """Keyword arguments of the reference ``*_step`` of ``name``; epsilon is shared by all three."""
    if name == "momentum":
        return {"epsilon": eps, "alpha": ALPHA}
    return {"epsilon": eps, "nu": NU, **({"beta1": BETA1, "beta2": BETA2} if name == "adam" else {})}


def _solve_start(name: str, grad: Any, target: np.ndarray, t: int, guess: np.ndarray, eps: float):
    """Newton's method on ``start -> theta_t``: a start whose own run is at ``target`` at iteration t."""
    hyper = _hyper(name, eps)

    def reach(s: np.ndarray) -> np.ndarray:
        return run_optimizer(name, grad, s, t, **hyper)[t]

    s = guess.astype(np.float64)
    with np.errstate(all="ignore"):  # a diverging attempt just fails and the seed is redrawn
        for _ in range(40):
            r = reach(s) - target
            if np.max(np.abs(r)) < 1e-10:
                return s
            jac = np.column_stack([(reach(s + 1e-6 * e) - reach(s - 1e-6 * e)) / 2e-6 for e in np.eye(2)])
            if not np.all(np.isfinite(jac)) or abs(np.linalg.det(jac)) < 1e-8:
                return None
            s = s - np.linalg.solve(jac, r)
    return None


def _runs(lam: np.ndarray, c: np.ndarray, P: np.ndarray, t: int, eps: float, guesses: list[np.ndarray]):
    """Each optimizer's run from its solved start through P (iteration t) to its next point (t + 1)."""
    runs = {}
    for name, guess in zip(ALGORITHMS, guesses, strict=True):
        start = _solve_start(name, lambda w: lam * (w - c), P, t, guess, eps)
        if start is None:
            return None
        runs[name] = run_optimizer(name, lambda w: lam * (w - c), start, t + 1, **_hyper(name, eps))
    return runs


def _clear(runs: dict[str, np.ndarray], t: int, eps: float, flat: int) -> bool:
    """The paths show their optimizer's character along the valley, and each next step continues its own path
    better than any other matching would."""
    along = {n: np.abs(np.diff(run[t - PATH_STEPS : t + 2, flat])) for n, run in runs.items()}
    if not (
        np.all(along["momentum"][1:-1] > 1.12 * along["momentum"][:-2])  # speeding up...
        and along["momentum"][-1] > 0.8 * along["momentum"][-2]  # ...and not stopping
        and np.all(along["adagrad"][1:] < 0.9 * along["adagrad"][:-1])  # slowing down, in all:
        and np.all(np.diff(np.linalg.norm(np.diff(runs["adagrad"][t - PATH_STEPS : t + 2], axis=0), axis=1)) < 0)
        and np.all(along["adam"] > 0.75 * eps)  # about epsilon
        and np.all(np.abs(np.diff(runs["adam"][t - PATH_STEPS : t + 2], axis=0)) < 1.05 * eps)
    ):
        return False
    last = {n: run[t] - run[t - 1] for n, run in runs.items()}
    nxt = {n: run[t + 1] - run[t] for n, run in runs.items()}

    def misfit(order: tuple[str, ...]) -> float:  # path of ALGORITHMS[i] continued by the step of order[i]
        pairs = zip(ALGORITHMS, order, strict=True)
        return float(sum(np.linalg.norm(nxt[o] - last[n]) / np.linalg.norm(last[n]) for n, o in pairs))

    right, *others = sorted(itertools.permutations(ALGORITHMS), key=lambda o: o != ALGORITHMS)
    return all(misfit(o) > 1.5 * misfit(right) + 0.2 for o in others)


def _draw(rng: np.random.Generator) -> dict[str, Any] | None:
    """One random case in the seed's stream; None when it is not clear-cut or not legible."""
    kappa, eps, q = rng.uniform(4.0, 7.0), rng.uniform(0.3, 0.8), rng.uniform(0.1, 0.14)
    r1, r2, t = rng.uniform(1.6, 3.2), rng.uniform(0.1, 0.6), 3
    sign = rng.choice([-1.0, 1.0], 2)
    center, far = np.round(rng.uniform(-2.0, 2.0, 2), 1), rng.uniform(0.5, 2.0, 3)
    order = tuple(str(n) for n in rng.permutation(ALGORITHMS))
    styles = tuple(int(i) for i in rng.permutation(len(STYLES)))
    return _case(kappa, eps, q, (r1, r2), t, sign, center, far, order, styles)


def _case(
    kappa: float,
    eps: float,
    q: float,
    r: tuple[float, float],
    t: int,
    sign: Any,
    center: np.ndarray,
    far: Any,
    order: tuple[str, ...],
    styles: tuple[int, ...],
) -> dict[str, Any] | None:
    """The runs of the three optimizers for these numbers (P's offset from the centre ``r`` in units of epsilon
    along and across the valley, ``q = epsilon lam_flat``, ``far``: how much farther out each run's guessed start
    lies), if the figure they make is clear and legible."""
    lam, off = np.array([q / eps, kappa * q / eps]), np.array(sign) * np.array(r) * eps
    P = center + off
    runs = _runs(lam, center, P, t, eps, [P + f * off for f in far])  # each run came in from farther out
    if runs is None or not _clear(runs, t, eps, 0):
        return None
    drawn = np.concatenate([run[t - PATH_STEPS : t + 2] for run in runs.values()])
    flat = int(np.ptp(drawn[:, 1]) > np.ptp(drawn[:, 0]))  # the wider extent goes along the wider side
    if flat:  # every update acts per coordinate, so swapping w1 and w2 swaps the runs exactly
        lam, center, P = lam[::-1], center[::-1], P[::-1]
        runs = {n: run[:, ::-1] for n, run in runs.items()}
    letters = dict(zip("abc", order, strict=True))
    case = {"lam": lam, "c": center, "P": P, "t": t, "eps": eps, "runs": runs, "flat": flat, "letters": letters,
            "styles": {n: STYLES[i] for n, i in zip(ALGORITHMS, styles, strict=True)}}  # fmt: skip
    return case if contour_plot.legible(case, PATH_STEPS) else None


def _answers(case: dict[str, Any]) -> dict[str, Any]:
    t, runs, eps, flat = case["t"], case["runs"], case["eps"], case["flat"]
    g = case["lam"] * (case["P"] - case["c"])
    answers: dict[str, Any] = {
        **case["letters"], "point": [float(x) for x in case["P"]],
        "coords": {k: [float(x) for x in runs[v][t + 1]] for k, v in case["letters"].items()},
        "paths": {n: run[t - PATH_STEPS : t + 1].tolist() for n, run in runs.items()},
        "starts": {n: run[0].tolist() for n, run in runs.items()}, "t": t, "epsilon": float(eps), "alpha": ALPHA,
        "beta1": BETA1, "beta2": BETA2, "nu": NU, "curvature": case["lam"].tolist(), "center": case["c"].tolist(),
        "grad1": float(g[0]), "grad2": float(g[1]), "kick1": float(-eps * g[0]), "kick2": float(-eps * g[1]),
        "flat_axis": f"w_{flat + 1}",
    }  # fmt: skip
    for letter, name in case["letters"].items():
        run = runs[name]
        step, last = run[t + 1] - run[t], run[t] - run[t - 1]
        along = [sig3(abs(x)) for x in np.diff(run[t - PATH_STEPS : t + 2, flat])]
        answers |= {
            f"{name}_letter": letter, f"{name}_style": case["styles"][name].name,
            f"{name}_step1": float(step[0]), f"{name}_step2": float(step[1]),
            f"{name}_last1": float(last[0]), f"{name}_last2": float(last[1]),
            f"{name}_flat_steps": f"{', '.join(along[:-1])} and then {along[-1]}",
        }  # fmt: skip
    return answers


def contour_optimizers(seed: int) -> FigureResult:
    """Figure 2 (problem 4b): the recent paths of momentum, Adagrad and Adam to a common point, and their next
    points a, b, c."""
    if seed == 0:  # the fixed exam-like figure
        case = _case(5.0, 0.5, 0.12, (2.4, 0.4), 3, (-1.0, 1.0), np.zeros(2), [1.0] * 3, ALGORITHMS, (0, 1, 2))
    else:
        rng = np.random.default_rng(seed)
        case = next((c for c in (_draw(rng) for _ in range(MAX_REDRAWS)) if c is not None), None)
    if case is None:
        raise RuntimeError(f"contour_optimizers: no clear, legible figure for seed {seed}")
    drawn = contour_plot.render(case, PATH_STEPS, seed)
    if drawn is None:  # pragma: no cover - a legible case has room for its labels at any seed
        raise RuntimeError(f"contour_optimizers: no room for the labels at seed {seed}")
    return FigureResult(drawn[0], _answers(case), drawn[1])
