"""Figure 1 (problem 4a): four gradient-descent steps on a 1-D loss; does momentum or Nesterov step better next?

Loss ``L(w) = -h exp(-(w - w*)^2 / (2 s^2)) + k (w - w*)^2``, a valley whose only minimum is ``w*`` (star). From
the start ``w_0`` four vanilla gradient-descent steps ``w_1..w_4`` are drawn while ``v_t = alpha v_{t-1} - epsilon
g_t`` (alpha = 0.9) accumulates beside them. The fifth step is taken both ways from ``(w_4, v_4)``: momentum
(gradient at ``w_4``) and Nesterov (gradient at the look-ahead ``w_4 + alpha v_4``); ``faster`` names the one
landing closer to ``w*``. Seed 0 is the classic case: the built-up velocity carries momentum well past the minimum,
and the look-ahead gradient, taken beyond it, pulls Nesterov back. Momentum wins when its coasting point ``w_4 +
alpha v_4`` stops just short of the minimum: the look-ahead gradient there is nearly zero (Nesterov stalls) or
steeper (Nesterov overshoots), while momentum's own kick lands it close. Only a narrow band of starts does that, so
each other seed picks which case to look for (half each) and searches valleys and starts until the run gives that
answer with a clear margin (distances to ``w*`` differing by a quarter and by 4% of the axis) and every drawn step
is long enough to label. The ticked w axis lets v_4 be measured off the drawn steps.

Answers: ``faster``; the numbers a solution cites: ``w4``, ``v4``, ``coast`` (alpha v_4), ``lookahead``,
``slope_w4`` and ``slope_lookahead`` (L' there), ``kick_momentum`` and ``kick_nesterov`` (-epsilon times those),
``w_momentum``, ``w_nesterov``, ``w_star``, ``dist_momentum``, ``dist_nesterov``; the words ``momentum_side``,
``nesterov_side``, ``lookahead_side`` ("past" or "short of" the minimum), ``faster_name`` and ``slower_name``; and
for checking ``w_gd`` (w_0..w_4), ``epsilon``, ``alpha`` and ``loss = {h, s, k, w_star}``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from app.bank.figures import svg
from app.bank.figures.labels import Layout, text_box
from app.bank.figures.svg import FigureResult
from app.engine.reference.optimizers import momentum_step, nesterov_step, run_optimizer

ALPHA = 0.9
MAX_REDRAWS = 400
SIZE = (480, 320)
LEFT, RIGHT, TOP, BOTTOM = 56.0, SIZE[0] - 28.0, 40.0, SIZE[1] - 46.0
MIN_STEP_PX = 18.0  # room for an arrow between two iterates
BLUE = "#1f4e9c"
NAMES = {"momentum": "gradient descent with momentum", "nesterov": "Nesterov momentum"}


def _valley(h: float, s: float, k: float, c: float) -> tuple[Callable, Callable]:
    def loss(w):
        return -h * np.exp(-((w - c) ** 2) / (2 * s * s)) + k * (w - c) ** 2

    def grad(w):
        return (w - c) * (h / (s * s) * np.exp(-((w - c) ** 2) / (2 * s * s)) + 2 * k)

    return loss, grad


def _projection(loss: Callable, lo: float, hi: float) -> Callable[[float], np.ndarray]:
    """Data ``w`` to the pixel of the point ``(w, L(w))`` on the drawn curve."""
    ys = loss(np.linspace(lo, hi, 241))
    y_lo, y_hi = ys.min(), ys.max()

    def px(w: float) -> np.ndarray:
        return np.array([LEFT + (w - lo) / (hi - lo) * (RIGHT - LEFT),
                         BOTTOM - 16 - (loss(w) - y_lo) / (y_hi - y_lo) * (BOTTOM - TOP - 24)])  # fmt: skip

    return px


def _momentum_case(h: float, s: float, k: float, c: float, w0: float, eps: float) -> dict[str, Any] | None:
    """Run 4a; None when the figure would not be clear-cut or readable."""
    loss, grad = _valley(h, s, k, c)
    w = run_optimizer("sgd", grad, np.array([w0]), 4, epsilon=eps)[:, 0]
    v = np.zeros(1)
    for t in range(1, 5):  # velocity accumulated along the gradient-descent path; w itself is not moved
        _, v = momentum_step(w[t - 1 : t], v, grad(w[t - 1 : t]), eps, ALPHA)
    w_m = float(momentum_step(w[4:5], v, grad(w[4:5]), eps, ALPHA)[0][0])
    w_n = float(nesterov_step(w[4:5], v, grad, eps, ALPHA)[0][0])
    half = 1.08 * max(abs(w0 - c), 1.5 * s)  # axis centred on w*, so its extent does not hint at the answer
    lo, hi, span = c - half, c + half, 2 * half
    d_m, d_n = abs(w_m - c), abs(w_n - c)
    if (
        np.any(np.sign(w - c) != np.sign(w0 - c))  # gradient descent approaches from one side
        or np.min(np.abs(np.diff(w))) < 0.035 * span  # every step visible (checked in pixels below)
        or abs(w[4] - c) < 0.05 * span
        or abs(d_m - d_n) < max(0.25 * max(d_m, d_n), 0.04 * span)  # clear-cut answer
    ):
        return None
    px = _projection(loss, lo, hi)
    if min(np.linalg.norm(px(a) - px(b)) for a, b in itertools.pairwise(w)) < MIN_STEP_PX:
        return None
    return {"loss": loss, "grad": grad, "w": w, "v4": float(v[0]), "w_m": w_m, "w_n": w_n, "lo": lo, "hi": hi,
            "px": px, "params": {"h": h, "s": s, "k": k, "w_star": c}, "epsilon": eps,
            "faster": "nesterov" if d_n < d_m else "momentum"}  # fmt: skip


def _draw_momentum_case(seed: int) -> dict[str, Any] | None:
    """Random valleys, each with starts tried in random order, until the run answers the seed's target."""
    rng = np.random.default_rng(seed)
    target = ("nesterov", "momentum")[int(rng.integers(2))]
    for _ in range(MAX_REDRAWS):
        s, c = rng.uniform(0.7, 1.4), rng.uniform(-1.0, 1.0)
        h, k, side = rng.uniform(1.0, 3.0), rng.uniform(0.02, 0.12), rng.choice([-1.0, 1.0])
        eps = rng.uniform(0.3, 0.8) * s * s / (0.3 * h)
        for f in rng.permutation(np.arange(1.4, 5.0, 0.02)):
            case = _momentum_case(h, s, k, c, c + side * s * f, eps)
            if case is not None and case["faster"] == target:
                return case
    return None


def _answers(case: dict[str, Any]) -> dict[str, Any]:
    """The answer and the numbers (and words) of this run that the solution cites."""
    w, v4, eps, grad = case["w"], case["v4"], case["epsilon"], case["grad"]
    c, w4 = case["params"]["w_star"], float(case["w"][4])
    ahead = w4 + ALPHA * v4

    def side(x: float) -> str:  # gradient descent comes from the side of w_0
        return "past" if np.sign(x - c) != np.sign(w[0] - c) else "short of"

    slower = "momentum" if case["faster"] == "nesterov" else "nesterov"
    return {
        "faster": case["faster"], "faster_name": NAMES[case["faster"]], "slower_name": NAMES[slower],
        "w4": w4, "v4": v4, "coast": ALPHA * v4, "lookahead": ahead, "lookahead_side": side(ahead),
        "slope_w4": float(grad(w4)), "slope_lookahead": float(grad(ahead)),
        "kick_momentum": -eps * float(grad(w4)), "kick_nesterov": -eps * float(grad(ahead)),
        "w_momentum": case["w_m"], "w_nesterov": case["w_n"], "w_star": float(c),
        "dist_momentum": abs(case["w_m"] - c), "dist_nesterov": abs(case["w_n"] - c),
        "momentum_side": side(case["w_m"]), "nesterov_side": side(case["w_n"]),
        "w_gd": [float(x) for x in w], "epsilon": float(eps), "alpha": ALPHA,
        "loss": {key: float(val) for key, val in case["params"].items()},
    }  # fmt: skip


def _axes(layout: Layout, lo: float, hi: float) -> list[str]:
    """The L and w axes with ticks at the whole numbers; tick labels too close to the L axis are left out."""
    body = [f'<path d="M{LEFT},{TOP - 14} V{BOTTOM} H{RIGHT + 8}" fill="none" stroke="{svg.INK}" '
            f'stroke-width="1.2"/>']  # fmt: skip
    layout.occupy_line([(LEFT, TOP - 14), (LEFT, BOTTOM), (RIGHT + 8, BOTTOM)], 1.2)
    body.append(svg.text(RIGHT + 12, BOTTOM + 4, "w", "start", extra=' font-style="italic"'))
    layout.occupy_text(RIGHT + 12, BOTTOM + 4, "w", anchor="start")
    body.append(svg.text(LEFT - 8, TOP - 20, "L(w)", "start", extra=' font-style="italic"'))
    layout.occupy_text(LEFT - 8, TOP - 20, "L(w)", anchor="start")
    for tick in np.arange(np.ceil(lo), np.floor(hi) + 1):  # ticks let v_4 be measured off the figure
        x, label = LEFT + (tick - lo) / (hi - lo) * (RIGHT - LEFT), svg.tick_label(tick)
        body.append(svg.line((x, BOTTOM), (x, BOTTOM + 5)))
        layout.occupy_line([(x, BOTTOM), (x, BOTTOM + 5)], 1.0)
        box = text_box(x, BOTTOM + 18, label, 12)
        if layout.clearance(box) >= 3.0:
            layout.occupy_box(box)
            body.append(svg.text(x, BOTTOM + 18, label, size=12))
    return body


def loss_curve_momentum(seed: int) -> FigureResult:
    """Figure 1 (problem 4a): four gradient-descent steps on a 1-D loss; momentum or Nesterov next?"""
    case = _momentum_case(2.0, 1.0, 0.06, 0.5, -2.0, 0.45) if seed == 0 else _draw_momentum_case(seed)
    if case is None:
        raise RuntimeError(f"loss_curve_momentum: no clear-cut figure for seed {seed}")
    w, px, c = case["w"], case["px"], case["params"]["w_star"]
    layout = Layout(SIZE)
    legend = "● iterate w_t (0 = start)   ★ minimum"
    body = [svg.text(SIZE[0] - 24, 22, legend, "end", size=12)]
    layout.occupy_text(SIZE[0] - 24, 22, legend, 12, "end")
    body += _axes(layout, case["lo"], case["hi"])
    curve = [px(x) for x in np.linspace(case["lo"], case["hi"], 241)]
    body.append(svg.polyline(curve, "#555555", 2.0))
    layout.occupy_line(curve, 2.0)
    pts, star = [px(x) for x in w], px(c)
    body += [svg.arrow(p, q, BLUE) for p, q in itertools.pairwise(pts)]
    body += [svg.dot(p, BLUE, attrs=f' data-step="{i}"') for i, p in enumerate(pts)]
    body.append(svg.star(star))
    layout.occupy_line(pts, 3.0)
    layout.occupy_points(pts, 4.5)
    layout.occupy_points([star], 9.0)
    for i, p in enumerate(pts):
        spot = layout.place(p, str(i), near=8.0)
        if spot is None:
            raise RuntimeError(f"loss_curve_momentum: no room for the label of w_{i} at seed {seed}")
        body.append(svg.text(spot[0], spot[1], str(i)))
    desc = (
        f"A one-dimensional loss curve L(w) with a single valley whose minimum, marked with a star, is at "
        f"w = {c:.2f}. The starting point is w = {w[0]:.2f}; four vanilla gradient-descent steps, drawn as "
        f"arrows along the curve, reach w = {', '.join(f'{x:.2f}' for x in w[1:])}."
    )
    title = "Figure 1: loss curve with four gradient-descent steps"
    return FigureResult(svg.document(f"fig4a-{seed}", SIZE, title, desc, body), _answers(case), desc)
