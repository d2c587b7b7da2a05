"""Figures of optimizer runs: hand-written SVG of a 1-D loss valley and of 2-D loss contours.

Each generator in ``FIGURES`` takes a seed (0 = the exam-like figure; other seeds redraw the free numbers with
``np.random.default_rng(seed)``) and returns a ``FigureResult``. The answers are read off the same run of the
NumPy reference engine (``app.engine.reference.optimizers``) whose iterates are drawn; nothing is typed in.

``loss_curve_momentum`` (4a). Loss ``L(w) = -h exp(-(w - w*)^2 / (2 s^2)) + k (w - w*)^2``, a valley whose
only minimum is ``w*`` (star). From the start ``w_0`` four vanilla gradient-descent steps ``w_1..w_4`` are
drawn while ``v_t = alpha v_{t-1} - epsilon g_t`` (alpha = 0.9) accumulates beside them. The fifth step is
taken both ways from ``(w_4, v_4)``: momentum (gradient at ``w_4``) and Nesterov (gradient at the look-ahead
``w_4 + alpha v_4``); ``faster`` names the one landing closer to ``w*``. Seed 0 is the classic case: the
built-up velocity carries momentum well past the minimum, and the look-ahead gradient, taken beyond it,
pulls Nesterov back. Momentum wins when its coasting point ``w_4 + alpha v_4`` stops just short of the
minimum: the look-ahead gradient there is nearly zero (Nesterov stalls) or steeper (Nesterov overshoots),
while momentum's own kick lands it close. Only a narrow band of starts does that, so each other seed picks
which case to look for (half each) and searches valleys and starts until the run gives that answer with a
clear margin (distances to ``w*`` differing by a quarter and by 4% of the axis). The ticked w axis lets v_4
be measured off the drawn steps. Answers: ``faster``, ``w_momentum``, ``w_nesterov``, ``w_star``; for
checking ``w_gd`` (w_0..w_4), ``v4``, ``epsilon``, ``alpha`` and ``loss = {h, s, k, w_star}``.

``contour_optimizers`` (4b). Contours (axis-aligned ellipses) of ``L(w) = 1/2 sum_i lam_i (w_i - c_i)^2``,
condition number 4-9. Momentum, Adagrad and Adam (same epsilon) each start from their own point, found by
Newton's method so that their own run is at the common point ``P`` at iteration ``t``, so their accumulated
states differ. One more step of each run gives a, b, c (letters shuffled per seed; seed 0: a = momentum, b =
adagrad, c = adam). Momentum carries on along its velocity plus the negative gradient; Adagrad divides each
coordinate by the root of its growing sum of squared gradients (a short, roughly equalised step); Adam's
bias-corrected moments give about epsilon per coordinate, bent by its memory of past gradients. Seeds are
redrawn until P, a, b, c are ``MIN_SEPARATION_PX`` apart. Answers: ``a``, ``b``, ``c`` (algorithm names)
plus ``point``, ``coords`` (letter -> [w1, w2]), ``starts``, ``t``, ``epsilon``, ``alpha``, ``beta1``,
``beta2``, ``nu``, ``curvature`` (lam) and ``center`` (c).
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from app.engine.reference.optimizers import momentum_step, nesterov_step, run_optimizer

ALPHA = 0.9
BETA1, BETA2, NU = 0.9, 0.999, 1e-7
MAX_REDRAWS = 400
MIN_SEPARATION_PX = 36.0
ALGORITHMS = ("momentum", "adagrad", "adam")
_W, _H = 480, 320
_INK, _DOT, _HOT = "#222222", "#1f4e9c", "#b03a2e"


@dataclass(frozen=True)
class FigureResult:
    """An SVG figure, its answer key and a text alternative for screen readers."""

    svg: str
    answers: dict[str, Any]
    description: str


def _f(x: float) -> str:
    return f"{x:.1f}"


def _svg(uid: str, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" font-family="sans-serif" font-size="13">'
    )
    meta = f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>'
    return "\n".join([head, meta, f'<rect width="{_W}" height="{_H}" fill="#ffffff"/>', *body, "</svg>"])


def _text(x: float, y: float, s: str, anchor: str = "middle", extra: str = "", fill: str = _INK) -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(s)}</text>'


def _arrow(p: np.ndarray, q: np.ndarray, color: str, gap: float = 6.0) -> str:
    """A line from p to q (pixels) with a filled head, both ends pulled back by ``gap``."""
    d = (q - p) / np.linalg.norm(q - p)
    a, b = p + gap * d, q - gap * d
    n = np.array([-d[1], d[0]])
    head = [b, b - 8 * d + 3.5 * n, b - 8 * d - 3.5 * n]
    pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in head)
    return (
        f'<line x1="{_f(a[0])}" y1="{_f(a[1])}" x2="{_f(b[0] - 6 * d[0])}" y2="{_f(b[1] - 6 * d[1])}" '
        f'stroke="{color}" stroke-width="1.6"/><polygon points="{pts}" fill="{color}"/>'
    )


def _star(x: float, y: float, r: float = 9.0) -> str:
    ang = -np.pi / 2 + np.arange(10) * np.pi / 5
    rad = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
    pts = " ".join(f"{_f(x + q * np.cos(t))},{_f(y + q * np.sin(t))}" for q, t in zip(rad, ang, strict=True))
    return f'<polygon points="{pts}" fill="#f2b705" stroke="#6b5000" stroke-width="1"/>'


def _dot(p: np.ndarray, color: str, r: float = 4.5, attrs: str = "") -> str:
    return f'<circle cx="{_f(p[0])}" cy="{_f(p[1])}" r="{r}" fill="{color}"{attrs}/>'


def _label_spot(p: np.ndarray, avoid: list[np.ndarray], segs: list[tuple[np.ndarray, np.ndarray]]):
    """The spot 15 px around p (inside the frame) farthest from the other points and lines."""

    def clearance(q: np.ndarray) -> float:
        if not (24 <= q[0] <= _W - 24 and 48 <= q[1] <= _H - 20):
            return -1.0
        near = [np.linalg.norm(q - a) for a in avoid]
        for a, b in segs:
            u = np.clip(np.dot(q - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
            near.append(np.linalg.norm(q - (a + u * (b - a))))
        return min(near)

    spots = [p + 15 * np.array([np.cos(a), np.sin(a)]) for a in np.arange(8) * np.pi / 4]
    return max(spots, key=clearance)


def _valley(h: float, s: float, k: float, c: float) -> tuple[Callable, Callable]:
    def loss(w):
        return -h * np.exp(-((w - c) ** 2) / (2 * s * s)) + k * (w - c) ** 2

    def grad(w):
        return (w - c) * (h / (s * s) * np.exp(-((w - c) ** 2) / (2 * s * s)) + 2 * k)

    return loss, grad


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
        or np.min(np.abs(np.diff(w))) < 0.035 * span  # every step visible
        or abs(w[4] - c) < 0.05 * span
        or abs(d_m - d_n) < max(0.25 * max(d_m, d_n), 0.04 * span)  # clear-cut answer
    ):
        return None
    return {"loss": loss, "w": w, "v4": float(v[0]), "w_m": w_m, "w_n": w_n, "lo": lo, "hi": hi,
            "params": {"h": h, "s": s, "k": k, "w_star": c}, "epsilon": eps, "faster": "nesterov" if d_n < d_m
            else "momentum"}  # fmt: skip


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


def loss_curve_momentum(seed: int) -> FigureResult:
    """Figure 1 (problem 4a): four gradient-descent steps on a 1-D loss; momentum or Nesterov next?"""
    case = _momentum_case(2.0, 1.0, 0.06, 0.5, -2.0, 0.45) if seed == 0 else _draw_momentum_case(seed)
    if case is None:
        raise RuntimeError(f"loss_curve_momentum: no clear-cut figure for seed {seed}")
    loss, w, (lo, hi) = case["loss"], case["w"], (case["lo"], case["hi"])
    grid = np.linspace(lo, hi, 241)
    ys = loss(grid)
    y_lo, y_hi = ys.min(), ys.max()
    left, right, top, bottom = 56.0, _W - 20.0, 40.0, _H - 46.0

    def px(x: float, y: float) -> np.ndarray:
        return np.array([left + (x - lo) / (hi - lo) * (right - left),
                         bottom - 16 - (y - y_lo) / (y_hi - y_lo) * (bottom - top - 24)])  # fmt: skip

    c = case["params"]["w_star"]
    curve = " ".join(f"{'M' if i == 0 else 'L'}{_f(p[0])},{_f(p[1])}"
                     for i, p in enumerate(px(x, y) for x, y in zip(grid, ys, strict=True)))  # fmt: skip
    pts = [px(x, loss(x)) for x in w]
    body = [
        f'<path d="M{left},{top - 14} V{bottom} H{right}" fill="none" stroke="{_INK}" stroke-width="1.2"/>',
        _text(right, bottom + 30, "w", "end", ' font-style="italic"'),
        _text(left - 8, top - 20, "L(w)", "start", ' font-style="italic"'),
        f'<path d="{curve}" fill="none" stroke="#555555" stroke-width="2"/>',
    ]
    for tick in np.arange(np.ceil(lo), np.floor(hi) + 1):  # ticks let v_4 be measured off the figure
        x = px(tick, y_lo)[0]
        label = f"{tick:g}".replace("-", "\u2212")
        body += [f'<line x1="{_f(x)}" y1="{bottom}" x2="{_f(x)}" y2="{bottom + 5}" stroke="{_INK}"/>',
                 _text(x, bottom + 18, label, extra=' font-size="12"')]  # fmt: skip
    body += [_arrow(pts[i], pts[i + 1], _DOT) for i in range(4)]
    body += [_dot(p, _DOT, attrs=f' data-step="{i}"') for i, p in enumerate(pts)]
    star = px(c, loss(c))
    line = [px(x, y) for x, y in zip(grid[::6], ys[::6], strict=True)]
    segs = [*itertools.pairwise(line), *itertools.pairwise(pts)]
    avoid = [*pts, star]
    for i, p in enumerate(pts):
        spot = _label_spot(p, [a for a in avoid if a is not p], segs)
        avoid.append(spot)
        body.append(_text(spot[0], spot[1] + 4.5, str(i)))
    body.append(_star(star[0], star[1]))
    body += [_text(_W - 24, 22, "● iterate w_t (0 = start)   ★ minimum", "end", ' font-size="12"')]
    desc = (
        f"A one-dimensional loss curve L(w) with a single valley whose minimum, marked with a star, is at "
        f"w = {c:.2f}. The starting point is w = {w[0]:.2f}; four vanilla gradient-descent steps, drawn as "
        f"arrows along the curve, reach w = {', '.join(f'{x:.2f}' for x in w[1:])}."
    )
    answers = {
        "faster": case["faster"], "w_momentum": case["w_m"], "w_nesterov": case["w_n"], "w_star": float(c),
        "w_gd": [float(x) for x in w], "v4": case["v4"], "epsilon": float(case["epsilon"]), "alpha": ALPHA,
        "loss": {key: float(val) for key, val in case["params"].items()},
    }  # fmt: skip
    svg = _svg(f"fig4a-{seed}", "Figure 1: loss curve with four gradient-descent steps", desc, body)
    return FigureResult(svg, answers, desc)


def _hyper(name: str, eps: float) -> dict[str, float]:
    """Keyword arguments of the reference ``*_step`` of ``name``; epsilon is shared by all three."""
    if name == "momentum":
        return {"epsilon": eps, "alpha": ALPHA}
    return {"epsilon": eps, "nu": NU, **({"beta1": BETA1, "beta2": BETA2} if name == "adam" else {})}


def _solve_start(name: str, grad: Callable, target: np.ndarray, t: int, guess: np.ndarray, eps: float):
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


def _contour_case(lam, c, offset, t, eps, guesses, order):
    """Run 4b; None when a start cannot be found or the points are not well separated."""
    lam, c = np.asarray(lam, dtype=np.float64), np.asarray(c, dtype=np.float64)
    P = c + np.asarray(offset, dtype=np.float64)

    def grad(w):
        return lam * (w - c)

    starts, land = {}, {}
    for name, guess in zip(ALGORITHMS, guesses, strict=True):
        s = _solve_start(name, grad, P, t, P + np.asarray(guess), eps)
        if s is None:
            return None
        run = run_optimizer(name, grad, s, t + 1, **_hyper(name, eps))
        starts[name], land[name] = s, run[t + 1]
    pts = [P, *land.values()]
    radius = 1.15 * max(np.sqrt(np.sum(lam * (p - c) ** 2)) for p in pts)
    semi = radius / np.sqrt(lam)
    scale = min((_W - 40) / (2 * semi[0]), (_H - 70) / (2 * semi[1]))

    def px(p: np.ndarray) -> np.ndarray:
        return np.array([_W / 2 + (p[0] - c[0]) * scale, _H / 2 + 10 - (p[1] - c[1]) * scale])

    pix = [px(p) for p in pts]
    if min(np.linalg.norm(p - q) for i, p in enumerate(pix) for q in pix[i + 1 :]) < MIN_SEPARATION_PX:
        return None
    return {"lam": lam, "c": c, "P": P, "starts": starts, "land": land, "semi": semi, "scale": scale,
            "px": px, "t": t, "eps": eps, "letters": dict(zip("abc", order, strict=True))}  # fmt: skip


def contour_optimizers(seed: int) -> FigureResult:
    """Figure 2 (problem 4b): one step of momentum, Adagrad and Adam from a common point on a contour plot."""
    # In units of P's offset (d1 along the valley, d2 across): epsilon = e d1 keeps adaptive steps visible,
    # epsilon lam_1 = q sets momentum's pace along the valley floor, kappa is the condition number.
    d1, d2, e, kappa, q, t, flip, sign = 4.1, 0.9, 0.85, 5.1, 0.11, 3, False, (-1.0, 1.0)
    center, order, guess = np.zeros(2), ALGORITHMS, [2.0, 2.0, 2.0]
    rng = np.random.default_rng(seed)
    for _ in range(MAX_REDRAWS if seed else 1):  # seed 0 is the fixed exam-like figure
        if seed:
            d1, d2 = rng.uniform(3.0, 6.0), rng.uniform(0.5, 1.6)
            e, kappa = rng.uniform(0.6, 1.0), rng.uniform(4.0, 9.0)
            q, t, flip = rng.uniform(0.02, 0.15), int(rng.integers(3, 5)), rng.random() < 0.5
            sign = rng.choice([-1.0, 1.0], 2)
            center, guess = rng.uniform(-2.0, 2.0, 2), rng.uniform(1.0, 4.0, 3)
            order = tuple(str(name) for name in rng.permutation(ALGORITHMS))
        eps, off = e * d1, np.array(sign) * (d1, d2)
        lam = np.array([q / eps, kappa * q / eps])
        if flip:
            lam, off = lam[::-1], off[::-1]
        guesses = [g * off / np.linalg.norm(off) for g in guess]  # each run came in from farther out
        case = _contour_case(lam, center, off, t, eps, guesses, order)
        if case is not None:
            break
    if case is None:  # pragma: no cover - every drawn seed so far finds a figure within a few draws
        raise RuntimeError(f"contour_optimizers: no well-separated figure for seed {seed}")
    px, c, letters = case["px"], case["c"], case["letters"]
    P = px(case["P"])
    body = [f'<rect x="12" y="34" width="{_W - 24}" height="{_H - 46}" fill="none" stroke="{_INK}"/>']
    cx, cy = px(c)
    for f in (0.2, 0.4, 0.6, 0.8, 1.0):
        rx, ry = case["semi"] * case["scale"] * f
        body.append(f'<ellipse cx="{_f(cx)}" cy="{_f(cy)}" rx="{_f(rx)}" ry="{_f(ry)}" fill="none" '
                    f'stroke="#8a8a8a" stroke-width="1.2"/>')  # fmt: skip
    body.append(_text(cx, cy + 5, "+", extra=' font-size="16"', fill="#555555"))
    ends = {k: px(case["land"][v]) for k, v in letters.items()}
    body += [_arrow(P, q, _HOT, gap=5.0) for q in ends.values()]
    body += [_dot(P, _INK, 5.0, ' data-point="t"')]
    body += [_dot(q, _HOT, 4.5, f' data-point="{k}"') for k, q in ends.items()]
    avoid, segs = [P, *ends.values()], [(P, q) for q in ends.values()]
    for k, q in [("t", P), *ends.items()]:
        spot = _label_spot(q, [a for a in avoid if a is not q], segs)
        avoid.append(spot)
        body.append(_text(spot[0], spot[1] + 4.5, k, extra=' font-weight="bold"'))
    body.append(_text(_W / 2, 24, "t: common point at iteration t;  a, b, c: the updates at t + 1"))
    coords = {k: [float(x) for x in case["land"][v]] for k, v in letters.items()}
    desc = (
        f"Contour plot of a loss over two weights w1 and w2: concentric axis-aligned ellipses centred at "
        f"({c[0]:.2f}, {c[1]:.2f}), elongated along w{1 + int(case['lam'][1] < case['lam'][0])}. The common "
        f"point at iteration t is ({case['P'][0]:.2f}, {case['P'][1]:.2f}); arrows lead to the points "
        f"{', '.join(f'{k} ({x:.2f}, {y:.2f})' for k, (x, y) in coords.items())}."
    )
    answers = {
        **letters, "point": [float(x) for x in case["P"]], "coords": coords,
        "starts": {k: [float(x) for x in v] for k, v in case["starts"].items()}, "t": case["t"],
        "epsilon": float(case["eps"]), "alpha": ALPHA, "beta1": BETA1, "beta2": BETA2, "nu": NU,
        "curvature": [float(x) for x in case["lam"]], "center": [float(x) for x in c],
    }  # fmt: skip
    svg = _svg(f"fig4b-{seed}", "Figure 2: contour plot with a common point and three updates", desc, body)
    return FigureResult(svg, answers, desc)


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
