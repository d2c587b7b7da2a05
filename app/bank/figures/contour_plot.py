"""Drawing figure 2: contours, the three runs' recent paths, the common point, the arrows to a, b, c, ticks and a
legend that names no optimizer; and the pixel checks that make a case legible.

The view fits every drawn point and the contours' centre (the minimum) with equal scales on both axes, so a step's
direction and its per-coordinate lengths read true. The contour through the common point is drawn, with evenly
spaced ones inside and outside it, clipped to the frame.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.bank.figures import svg
from app.bank.figures.labels import Box, Layout

SIZE = (480, 440)
X0, X1, Y0, Y1 = 52.0, 466.0, 26.0, 340.0
PAD = 18.0  # between the outermost drawn point and the frame
MIN_STEP_PX_NEXT, MIN_SEPARATION_PX = 22.0, 30.0  # from the common point to a, b, c; between a, b, c
MIN_STEP_PX = 12.0


@dataclass(frozen=True)
class PathStyle:
    name: str  # as the solution says it: "dashed path (squares)"
    dash: str | None
    marker: str
    color: str
    width: float


STYLES = (
    PathStyle("solid path (circles)", None, "circle", "#1f4e9c", 1.6),
    PathStyle("dashed path (squares)", "7 4", "square", "#2e7d32", 1.6),
    PathStyle("dotted path (triangles)", "0.5 4", "triangle", "#7b3f99", 2.4),
)


def _projection(case: dict[str, Any], steps: int):
    """Data to pixels: equal scales, and every drawn point and the contours' centre inside the frame with ``PAD``
    to spare."""
    t, runs = case["t"], case["runs"]
    pts = np.concatenate([run[t - steps : t + 2] for run in runs.values()] + [case["c"][None, :]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    scale = min((X1 - X0 - 2 * PAD) / span[0], (Y1 - Y0 - 2 * PAD) / span[1])
    mid = (lo + hi) / 2

    def px(p: np.ndarray) -> np.ndarray:
        return np.array([(X0 + X1) / 2 + (p[0] - mid[0]) * scale, (Y0 + Y1) / 2 - (p[1] - mid[1]) * scale])

    return px, scale


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    u = np.clip(np.dot(p - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0.0, 1.0)
    return float(np.linalg.norm(p - (a + u * (b - a))))


def _angle(u: np.ndarray, v: np.ndarray) -> float:
    cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def legible(case: dict[str, Any], steps: int) -> bool:
    """Every point, path and arrow can be told apart, the changes of pace are visible, and every label finds a
    free spot."""
    px, scale = _projection(case, steps)
    t, runs = case["t"], case["runs"]
    paths = {n: [px(p) for p in run[t - steps : t + 1]] for n, run in runs.items()}
    ends = [px(run[t + 1]) for run in runs.values()]
    along = {n: np.abs(np.diff(run[t - steps : t + 2, case["flat"]])) * scale for n, run in runs.items()}
    paced = np.min(along["momentum"][1:]) >= 12 and all(np.min(np.abs(np.diff(along[n]))) >= 4 for n in along
                                                         if n != "adam")  # fmt: skip
    sized = case["eps"] * scale >= 22 and paced
    return sized and _apart(px(case["P"]), paths, ends) and render(case, steps, 0) is not None


def _apart(P: np.ndarray, paths: dict[str, list[np.ndarray]], ends: list[np.ndarray]) -> bool:
    """The next points, the paths' iterates and the lines in and out of the common point are well apart."""
    if any(np.linalg.norm(e - P) < MIN_STEP_PX_NEXT for e in ends):
        return False
    if any(np.linalg.norm(p - q) < MIN_SEPARATION_PX for p, q in itertools.combinations(ends, 2)):
        return False
    if any(np.linalg.norm(q - p) < MIN_STEP_PX for path in paths.values() for p, q in itertools.pairwise(path)):
        return False
    inner = [(n, p) for n, path in paths.items() for p in path[:-1]]  # iterates before P
    if any(n != m and np.linalg.norm(p - q) < 12 for (n, p), (m, q) in itertools.combinations(inner, 2)):
        return False
    if any(np.linalg.norm(p - e) < 16 for _, p in inner for e in ends):
        return False
    segments = [(a, b) for path in paths.values() for a, b in itertools.pairwise(path)]
    if any(_seg_dist(e, a, b) < 9 for e in ends for a, b in segments):  # a, b, c off every path
        return False
    if any(_seg_dist((P + e) / 2, a, b) < 5 for e in ends for a, b in segments if not np.allclose(b, P)):
        return False  # an arrow is not drawn along a path
    incoming, outgoing = [path[-2] - P for path in paths.values()], [e - P for e in ends]
    return (
        all(_angle(u, v) >= 12 for u, v in itertools.combinations(incoming, 2))
        and all(_angle(u, v) >= 10 for u, v in itertools.combinations(outgoing, 2))
        and all(_angle(u, v) >= 20 for u in incoming for v in outgoing)
    )


def _ticks(lo: float, hi: float) -> np.ndarray:
    """Round tick values in [lo, hi], at most 8 of them."""
    for step in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0):
        if (hi - lo) / step <= 8:
            return np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step
    return np.array([])  # pragma: no cover - the drawn cases span a few units


def _frame(layout: Layout, px, scale: float) -> list[str]:
    """The frame, ticks with their values, and the axis names."""
    body = [f'<rect x="{X0}" y="{Y0}" width="{X1 - X0}" height="{Y1 - Y0}" fill="none" stroke="{svg.INK}"/>']
    layout.occupy_line([(X0, Y0), (X1, Y0), (X1, Y1), (X0, Y1), (X0, Y0)], 1.0)
    origin = px(np.zeros(2))
    w1 = _ticks((X0 - origin[0]) / scale, (X1 - origin[0]) / scale)
    w2 = _ticks((origin[1] - Y1) / scale, (origin[1] - Y0) / scale)
    for v in w1:
        x, label = origin[0] + v * scale, svg.tick_label(round(v, 6))
        body += [svg.line((x, Y1), (x, Y1 + 5)), svg.text(x, Y1 + 17, label, size=11)]
        layout.occupy_text(x, Y1 + 17, label, 11)
    for v in w2:
        y, label = origin[1] - v * scale, svg.tick_label(round(v, 6))
        body += [svg.line((X0 - 5, y), (X0, y)), svg.text(X0 - 8, y + 4, label, "end", size=11)]
        layout.occupy_text(X0 - 8, y + 4, label, 11, "end")
    body += [svg.text((X0 + X1) / 2, Y1 + 33, "w₁", extra=' font-style="italic"'),
             svg.text(X0, Y0 - 9, "w₂", extra=' font-style="italic"')]  # fmt: skip
    layout.occupy_text((X0 + X1) / 2, Y1 + 33, "w₁")
    layout.occupy_text(X0, Y0 - 9, "w₂")
    return body


def _contours(case: dict[str, Any], px, scale: float, uid: str) -> list[str]:
    """Ellipses evenly spaced in sqrt(L), one through the common point, clipped to the frame."""
    lam, c = case["lam"], case["c"]
    r_p = float(np.sqrt(np.sum(lam * (case["P"] - c) ** 2)))
    cx, cy = px(c)
    reach = max(np.hypot(x - cx, y - cy) for x in (X0, X1) for y in (Y0, Y1))
    body = [f'<clipPath id="{uid}-clip"><rect x="{X0}" y="{Y0}" width="{X1 - X0}" height="{Y1 - Y0}"/></clipPath>',
            f'<g clip-path="url(#{uid}-clip)" fill="none" stroke="#9a9a9a" stroke-width="1.1">']  # fmt: skip
    for k in range(1, 13):
        rx, ry = r_p * k / 3 / np.sqrt(lam) * scale
        body.append(f'<ellipse cx="{svg.f1(cx)}" cy="{svg.f1(cy)}" rx="{svg.f1(rx)}" ry="{svg.f1(ry)}"/>')
        if min(rx, ry) > reach:
            break
    return [*body, "</g>", svg.cross(np.array([cx, cy]))]


def _legend(layout: Layout) -> list[str]:
    """Three rows under the plot: the common point, the arrows, the three path styles; no optimizer is named."""
    x, (y1, y2, y3) = X0 - 8, (SIZE[1] - 46.0, SIZE[1] - 28.0, SIZE[1] - 10.0)
    body = [svg.dot(np.array([x + 44, y1 - 4]), svg.INK, 4.5),
            svg.arrow(np.array([x + 28, y2 - 4]), np.array([x + 60, y2 - 4]), svg.HOT, gap=0.0)]  # fmt: skip
    for i, style in enumerate(STYLES):
        ends = [np.array([x + 32 * i + 4, y3 - 4]), np.array([x + 32 * i + 26, y3 - 4])]
        body += [svg.polyline(ends, style.color, style.width, style.dash), svg.marker(ends[0], style.marker,
                 style.color)]  # fmt: skip
    rows = [(y1, "t: the common point at iteration t"), (y2, "a, b, c: the three points at iteration t + 1"),
            (y3, "one optimizer each: its iterates t \u2212 3, \u2026, t")]  # fmt: skip
    for y, words in rows:
        body.append(svg.text(x + 100, y, words, "start", size=12))
        layout.occupy_text(x + 100, y, words, 12, "start")
    return body


def render(case: dict[str, Any], steps: int, seed: int) -> tuple[str, str] | None:
    """The SVG and its text alternative, or None when a label finds no free spot."""
    px, scale = _projection(case, steps)
    t, runs, uid = case["t"], case["runs"], f"fig4b-{seed}"
    layout = Layout(SIZE, bounds=Box(X0, Y0, X1, Y1))  # labels stay on the plot
    body = _contours(case, px, scale, uid) + _frame(layout, px, scale) + _legend(layout)
    layout.occupy_points([px(case["c"])], 6.0)
    P = px(case["P"])
    for name, run in runs.items():
        style, path = case["styles"][name], [px(p) for p in run[t - steps : t + 1]]
        body.append(svg.polyline(path, style.color, style.width, style.dash))
        body += [svg.marker(p, style.marker, style.color) for p in path[:-1]]
        layout.occupy_line(path, 2.0)
        layout.occupy_points(path[:-1], 5.0)
    ends = {k: px(runs[v][t + 1]) for k, v in case["letters"].items()}
    body += [svg.arrow(P, q, svg.HOT, gap=5.0) for q in ends.values()]
    body += [svg.dot(P, svg.INK, 5.0, ' data-point="t"')]
    body += [svg.dot(q, svg.HOT, 4.5, f' data-point="{k}"') for k, q in ends.items()]
    for q in ends.values():
        layout.occupy_line([P, q], 2.0)
    layout.occupy_points([P, *ends.values()], 5.0)
    for k, q in [("t", P), *ends.items()]:
        spot = layout.place(q, k, near=8.0, bold=True)
        if spot is None:
            return None
        body.append(svg.text(spot[0], spot[1], k, extra=' font-weight="bold"', halo=True))
    title = "Figure 2: contour plot, three optimizers' recent paths to a common point, and three next points"
    desc = _description(case, steps)
    return svg.document(uid, SIZE, title, desc, body), desc


def _description(case: dict[str, Any], steps: int) -> str:
    t, runs, c = case["t"], case["runs"], case["c"]

    def xy(p: np.ndarray) -> str:
        return f"({p[0]:.2f}, {p[1]:.2f})"

    paths = "; ".join(
        f"the {case['styles'][n].name} passes {', '.join(xy(p) for p in run[t - steps : t])}"
        for n, run in sorted(runs.items(), key=lambda item: case["styles"][item[0]].name)
    )
    ends = ", ".join(f"{k} {xy(runs[v][t + 1])}" for k, v in case["letters"].items())
    return (
        f"Contour plot of a loss over two weights w1 and w2: concentric axis-aligned ellipses centred at {xy(c)}, "
        f"elongated along w{1 + case['flat']}. Three optimizers' recent paths, one line style each, end at the "
        f"common point t at {xy(case['P'])}: {paths}. Arrows lead from t to the points {ends}."
    )
