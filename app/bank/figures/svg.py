"""Hand-written SVG for the figures: the document, text, arrows, markers and paths, and the result they make.

Every element is written out here so the figures need no plotting library and carry nothing but SVG (no script,
no links, no fonts beyond the generic sans-serif).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

INK, MUTED, HOT = "#222222", "#555555", "#b03a2e"
FONT_SIZE = 13


@dataclass(frozen=True)
class FigureResult:
    """An SVG figure, its answer key (and the numbers its solutions cite) and a text alternative for screen
    readers."""

    svg: str
    answers: dict[str, Any]
    description: str


def f1(x: float) -> str:
    """A pixel coordinate: one decimal is finer than any screen needs."""
    return f"{x:.1f}"


def sig3(x: float) -> str:
    """A number to 3 significant figures for people to read (``0.496``, ``1.01``, ``-3.5``)."""
    text = f"{float(x):.3g}"
    return "0" if text == "-0" else text


def tick_label(x: float) -> str:
    """A tick value (rounded off, never "-0") with a typographic minus sign."""
    return f"{round(float(x), 9) + 0.0:g}".replace("-", "\u2212")


def document(uid: str, size: tuple[int, int], title: str, desc: str, body: Iterable[str]) -> str:
    """The whole figure: an accessible ``role="img"`` SVG titled and described for screen readers."""
    w, h = size
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" font-family="sans-serif" font-size="{FONT_SIZE}">'
    )
    meta = f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>'
    return "\n".join([head, meta, f'<rect width="{w}" height="{h}" fill="#ffffff"/>', *body, "</svg>"])


def text(
    x: float,
    y: float,
    s: str,
    anchor: str = "middle",
    size: float = FONT_SIZE,
    extra: str = "",
    fill: str = INK,
    halo: bool = False,
) -> str:
    """A text at baseline ``y``; with ``halo`` a white outline keeps it legible over contour lines."""
    attrs = f' font-size="{size:g}"' if size != FONT_SIZE else ""
    if halo:
        attrs += ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    return f'<text x="{f1(x)}" y="{f1(y)}" text-anchor="{anchor}" fill="{fill}"{attrs}{extra}>{escape(s)}</text>'


def line(p: Sequence[float], q: Sequence[float], color: str = INK, width: float = 1.0, extra: str = "") -> str:
    return (
        f'<line x1="{f1(p[0])}" y1="{f1(p[1])}" x2="{f1(q[0])}" y2="{f1(q[1])}" stroke="{color}" '
        f'stroke-width="{width:g}"{extra}/>'
    )


def polyline(points: Sequence[np.ndarray], color: str, width: float = 1.6, dash: str | None = None) -> str:
    pts = " ".join(f"{f1(p[0])},{f1(p[1])}" for p in points)
    dashed = f' stroke-dasharray="{dash}" stroke-linecap="round"' if dash else ""
    return (
        f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="{width:g}" '
        f'stroke-linejoin="round"{dashed}/>'
    )


def arrow(p: np.ndarray, q: np.ndarray, color: str, gap: float = 6.0, width: float = 1.6) -> str:
    """A line from p to q (pixels) with a filled head, both ends pulled back by ``gap``."""
    d = (q - p) / np.linalg.norm(q - p)
    a, b = p + gap * d, q - gap * d
    n = np.array([-d[1], d[0]])
    head = [b, b - 8 * d + 3.5 * n, b - 8 * d - 3.5 * n]
    pts = " ".join(f"{f1(x)},{f1(y)}" for x, y in head)
    return line(a, b - 6 * d, color, width) + f'<polygon points="{pts}" fill="{color}"/>'


def star(p: np.ndarray, r: float = 9.0) -> str:
    ang = -np.pi / 2 + np.arange(10) * np.pi / 5
    rad = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
    pts = " ".join(f"{f1(p[0] + q * np.cos(t))},{f1(p[1] + q * np.sin(t))}" for q, t in zip(rad, ang, strict=True))
    return f'<polygon points="{pts}" fill="#f2b705" stroke="#6b5000" stroke-width="1"/>'


def dot(p: np.ndarray, color: str, r: float = 4.5, attrs: str = "") -> str:
    return f'<circle cx="{f1(p[0])}" cy="{f1(p[1])}" r="{r:g}" fill="{color}"{attrs}/>'


def marker(p: np.ndarray, shape: str, color: str, r: float = 3.6) -> str:
    """A hollow marker (circle, square or triangle) for an iterate of a path."""
    style = f'fill="#ffffff" stroke="{color}" stroke-width="1.5"'
    if shape == "circle":
        return f'<circle cx="{f1(p[0])}" cy="{f1(p[1])}" r="{r:g}" {style}/>'
    if shape == "square":
        return f'<rect x="{f1(p[0] - r)}" y="{f1(p[1] - r)}" width="{f1(2 * r)}" height="{f1(2 * r)}" {style}/>'
    corners = [p + 1.25 * r * np.array([np.cos(a), np.sin(a)]) for a in (-np.pi / 2, np.pi / 6, 5 * np.pi / 6)]
    return f'<polygon points="{" ".join(f"{f1(x)},{f1(y)}" for x, y in corners)}" {style}/>'


def cross(p: np.ndarray, r: float = 5.0, color: str = MUTED) -> str:
    """A small plus sign (the centre of the contours)."""
    dx, dy = np.array([r, 0.0]), np.array([0.0, r])
    return line(p - dx, p + dx, color, 1.4) + line(p - dy, p + dy, color, 1.4)
