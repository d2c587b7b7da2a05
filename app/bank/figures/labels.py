"""Where text goes: labels placed clear of each other, of the drawing's points and lines, and inside the figure.

Without a font engine a text's box is estimated from its font size and length (sans-serif: about 0.62 em per
character, 0.76 em above the baseline and 0.24 em below; a little wider than the usual 0.55-0.6 em, so estimates
err on the roomy side). Lines and curves are kept as points sampled every pixel, each with the clearance it
needs, so one distance test covers dots, arrows, axes and curves alike.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.bank.figures.svg import FONT_SIZE

CHAR_EM, ASCENT_EM, DESCENT_EM = 0.62, 0.76, 0.24
GAP = 3.0  # the least room between a label and anything else


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def gap_to(self, other: Box) -> float:
        """Distance between the boxes (0 when they touch or overlap)."""
        dx = max(other.x0 - self.x1, self.x0 - other.x1, 0.0)
        dy = max(other.y0 - self.y1, self.y0 - other.y1, 0.0)
        return float(np.hypot(dx, dy))

    def distances(self, points: np.ndarray) -> np.ndarray:
        """Distance from the box to each point (0 inside)."""
        dx = np.maximum(np.maximum(self.x0 - points[:, 0], points[:, 0] - self.x1), 0.0)
        dy = np.maximum(np.maximum(self.y0 - points[:, 1], points[:, 1] - self.y1), 0.0)
        return np.hypot(dx, dy)


def text_box(x: float, y: float, s: str, size: float = FONT_SIZE, anchor: str = "middle") -> Box:
    """The estimated box of a text drawn at ``(x, y)`` (its baseline) with ``text-anchor`` ``anchor``."""
    width = CHAR_EM * size * len(s)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, y - ASCENT_EM * size, left + width, y + DESCENT_EM * size)


def sample(points: npt.ArrayLike, step: float = 1.0) -> np.ndarray:
    """Points every ``step`` pixels along the polyline through ``points``."""
    pts = np.asarray(points, dtype=np.float64)
    out = [pts[:1]]
    for a, b in itertools.pairwise(pts):
        n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
        out.append(a + np.linspace(0.0, 1.0, n + 1)[1:, None] * (b - a))
    return np.concatenate(out)


class Layout:
    """The figure's occupied space; ``place`` finds a label a free spot next to what it names."""

    def __init__(self, size: tuple[float, float], margin: float = 4.0, bounds: Box | None = None) -> None:
        """``bounds``: where placed labels must stay (default: the figure less ``margin``)."""
        self.frame = bounds or Box(margin, margin, size[0] - margin, size[1] - margin)
        self.boxes: list[Box] = []
        self._pts: list[np.ndarray] = [np.zeros((0, 2))]
        self._room: list[np.ndarray] = [np.zeros(0)]

    def occupy_box(self, box: Box) -> Box:
        self.boxes.append(box)
        return box

    def occupy_text(self, x: float, y: float, s: str, size: float = FONT_SIZE, anchor: str = "middle") -> Box:
        """A text drawn at a fixed spot (a title, a tick label) that later labels must avoid."""
        return self.occupy_box(text_box(x, y, s, size, anchor))

    def occupy_points(self, points: npt.ArrayLike, radius: float) -> None:
        """Dots (or markers) of ``radius``; labels keep ``GAP`` beyond it."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self._pts.append(pts)
        self._room.append(np.full(len(pts), radius))

    def occupy_line(self, points: npt.ArrayLike, width: float = 1.5) -> None:
        """A polyline (a curve, an axis, an arrow) of stroke ``width``."""
        self.occupy_points(sample(points), width / 2)

    def clearance(self, box: Box) -> float:
        """How far the box is from everything placed (negative: it overlaps something or leaves the frame)."""
        f = self.frame
        edge = min(box.x0 - f.x0, box.y0 - f.y0, f.x1 - box.x1, f.y1 - box.y1)
        if edge < 0:
            return edge
        pts, room = np.concatenate(self._pts), np.concatenate(self._room)
        near = [edge + GAP]  # the frame edge needs no extra gap
        if len(pts):
            near.append(float(np.min(box.distances(pts) - room)))
        near += [box.gap_to(other) for other in self.boxes]
        return min(near)

    def place(
        self, p: np.ndarray, s: str, size: float = FONT_SIZE, near: float = 6.0, bold: bool = False
    ) -> tuple[float, float] | None:
        """The baseline spot (for ``text-anchor="middle"``) of a label for the point ``p``, whose box is then
        occupied. Spots lie in 16 directions on rings ever farther from p (``near`` first); the nearest ring with
        a box keeping ``GAP`` from everything placed wins, and on it the roomiest spot. None when none is free."""
        width = CHAR_EM * size * len(s) * (1.06 if bold else 1.0)
        half = np.array([width / 2, (ASCENT_EM + DESCENT_EM) * size / 2])
        lift = (ASCENT_EM - DESCENT_EM) * size / 2  # baseline below the box's centre
        for dist in (near, near + 4, near + 9, near + 16, near + 26):
            ring = []
            for angle in np.arange(16) * np.pi / 8:
                u = np.array([np.cos(angle), np.sin(angle)])
                # the box's centre, so that its nearest edge is ``dist`` from p along u
                reach = min(half[0] / max(abs(u[0]), 1e-9), half[1] / max(abs(u[1]), 1e-9))
                c = p + (dist + reach) * u
                box = Box(c[0] - half[0], c[1] - half[1], c[0] + half[0], c[1] + half[1])
                ring.append((self.clearance(box), box, c))
            room, box, c = max(ring, key=lambda spot: spot[0])
            if room >= GAP:
                self.occupy_box(box)
                return float(c[0]), float(c[1] + lift)
        return None
