"""Figures for midterm problem 4 (a) and (b): well-formed SVG, determinism, and answers that survive an
independent recomputation of the optimiser steps."""

import itertools
import json
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from app.bank.figures import FIGURES, FigureResult, render_figure
from app.engine.reference.optimizers import momentum_step, nesterov_step

NS = "{http://www.w3.org/2000/svg}"
SEEDS = range(31)


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- both figures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIGURES))
@pytest.mark.parametrize("seed", [0, 1, 2, 7])
def test_svg_is_clean_accessible_xml(name: str, seed: int) -> None:
    result = render_figure(name, seed)
    assert isinstance(result, FigureResult)
    root = _root(result.svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root.get("font-family") == "sans-serif"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text and desc is not None and desc.text
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby", "").split()) == {title.get("id"), desc.get("id")} <= ids
    assert desc.text == result.description
    # The only URL allowed is the SVG namespace itself; nothing is fetched or executed.
    assert "http" not in result.svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not any(el.tag in (f"{NS}script", f"{NS}image", f"{NS}foreignObject") for el in root.iter())
    assert not any("href" in key or key.startswith("on") for el in root.iter() for key in el.attrib)
    fonts = {el.get("font-family") for el in root.iter() if el.get("font-family")}
    assert fonts == {"sans-serif"}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_deterministic_and_seed_dependent(name: str) -> None:
    generate = FIGURES[name]
    assert generate(3).svg == generate(3).svg
    assert generate(3).answers == generate(3).answers
    assert render_figure(name, 3).svg == generate(3).svg
    svgs = [render_figure(name, seed).svg for seed in range(6)]
    assert len(set(svgs)) == len(svgs)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_answers_are_plain_json(name: str) -> None:
    answers = render_figure(name, 0).answers
    assert json.loads(json.dumps(answers)) == answers


def test_unknown_name_and_cached_answers_are_safe() -> None:
    with pytest.raises(KeyError, match="no_such_figure"):
        render_figure("no_such_figure", 0)
    first = render_figure("contour_optimizers", 0)
    first.answers["a"] = "tampered"
    assert render_figure("contour_optimizers", 0).answers["a"] == "momentum"


# --- 4a: momentum vs Nesterov on a 1-D loss ----------------------------------------------------------------


def _loss_4a(params: dict[str, float]):
    """The documented valley, differentiated numerically (independent of the module's analytic gradient)."""
    h, s, k, c = params["h"], params["s"], params["k"], params["w_star"]

    def loss(w: float) -> float:
        return -h * math.exp(-((w - c) ** 2) / (2 * s * s)) + k * (w - c) ** 2

    def grad(w: float) -> float:
        step = 1e-6
        return (loss(w + step) - loss(w - step)) / (2 * step)

    return loss, grad


@pytest.mark.parametrize("seed", SEEDS)
def test_4a_answer_matches_an_independent_fifth_step(seed: int) -> None:
    a = render_figure("loss_curve_momentum", seed).answers
    loss, grad = _loss_4a(a["loss"])
    eps, alpha, w_star = a["epsilon"], a["alpha"], a["w_star"]
    assert alpha == 0.9
    assert a["w_star"] == a["loss"]["w_star"]
    assert abs(grad(w_star)) < 1e-6  # the star is a minimum...
    grid = np.linspace(w_star - 10, w_star + 10, 4001)
    assert min(loss(float(x)) for x in grid) >= loss(w_star) - 1e-12  # ...and the lowest point

    w, v = a["w_gd"][0], 0.0
    for drawn in a["w_gd"][1:]:  # four vanilla steps; v accumulates beside them
        g = grad(w)
        v = alpha * v - eps * g
        w = w - eps * g
        assert w == pytest.approx(drawn, abs=1e-6)
    assert v == pytest.approx(a["v4"], abs=1e-6)

    w_momentum = w + alpha * v - eps * grad(w)
    w_nesterov = w + alpha * v - eps * grad(w + alpha * v)
    assert w_momentum == pytest.approx(a["w_momentum"], abs=1e-6)
    assert w_nesterov == pytest.approx(a["w_nesterov"], abs=1e-6)
    d_m, d_n = abs(w_momentum - w_star), abs(w_nesterov - w_star)
    assert a["faster"] == ("nesterov" if d_n < d_m else "momentum")
    assert abs(d_m - d_n) >= 0.25 * max(d_m, d_n)  # clear-cut

    # The reference engine agrees too, given this test's own gradient.
    theta, vel = np.array([a["w_gd"][4]]), np.array([a["v4"]])
    ref_m = momentum_step(theta, vel, np.array([grad(theta[0])]), eps, alpha)[0][0]
    ref_n = nesterov_step(theta, vel, lambda x: np.array([grad(float(x[0]))]), eps, alpha)[0][0]
    assert (ref_m, ref_n) == pytest.approx((a["w_momentum"], a["w_nesterov"]), abs=1e-6)


def test_4a_seed_0_is_the_exam_situation() -> None:
    a = render_figure("loss_curve_momentum", 0).answers
    start, w4, w_star = a["w_gd"][0], a["w_gd"][4], a["w_star"]
    assert a["faster"] == "nesterov"
    assert np.sign(w4 - w_star) == np.sign(start - w_star)  # gradient descent has not reached the minimum
    assert np.sign(a["w_momentum"] - w_star) == -np.sign(start - w_star)  # momentum overshoots it
    assert abs(a["w_nesterov"] - w_star) < 0.5 * abs(a["w_momentum"] - w_star)


def test_4a_answers_vary_across_seeds() -> None:
    answers = [render_figure("loss_curve_momentum", seed).answers["faster"] for seed in SEEDS]
    assert set(answers) == {"nesterov", "momentum"}


def test_4a_figure_does_not_give_the_answer_away() -> None:
    for seed in range(5):
        result = render_figure("loss_curve_momentum", seed)
        assert "nesterov" not in result.svg.lower()
        steps = _root(result.svg).findall(f".//{NS}circle[@data-step]")
        assert [int(c.get("data-step")) for c in steps] == [0, 1, 2, 3, 4]


# --- 4b: momentum vs Adagrad vs Adam on a contour plot ---------------------------------------------------


def _step(name: str, state: dict, g: np.ndarray, t: int, a: dict) -> np.ndarray:
    """One update written out from the exam's formulas; returns the displacement."""
    eps, nu = a["epsilon"], a["nu"]
    if name == "momentum":
        state["v"] = a["alpha"] * state["v"] - eps * g
        return state["v"]
    if name == "adagrad":
        state["a"] = state["a"] + g * g
        return -eps / (np.sqrt(state["a"]) + nu) * g
    state["v"] = a["beta1"] * state["v"] + (1 - a["beta1"]) * g
    state["a"] = a["beta2"] * state["a"] + (1 - a["beta2"]) * g * g
    v_hat, a_hat = state["v"] / (1 - a["beta1"] ** t), state["a"] / (1 - a["beta2"] ** t)
    return -eps / (np.sqrt(a_hat) + nu) * v_hat


@pytest.mark.parametrize("seed", SEEDS)
def test_4b_mapping_matches_an_independent_run(seed: int) -> None:
    a = render_figure("contour_optimizers", seed).answers
    assert sorted(a[k] for k in "abc") == ["adagrad", "adam", "momentum"]
    lam, c = np.array(a["curvature"]), np.array(a["center"])
    assert max(lam) / min(lam) >= 4  # ill-conditioned
    for letter in "abc":
        name = a[letter]
        theta, state = np.array(a["starts"][name]), {"v": np.zeros(2), "a": np.zeros(2)}
        for t in range(1, a["t"] + 1):
            theta = theta + _step(name, state, lam * (theta - c), t, a)
        assert theta == pytest.approx(a["point"], abs=1e-6)  # every run is at the common point at t
        delta = _step(name, state, lam * (theta - c), a["t"] + 1, a)
        assert theta + delta == pytest.approx(a["coords"][letter], abs=1e-6)
        if name == "adagrad":
            assert np.all(np.abs(delta) <= a["epsilon"])  # per-coordinate normalisation bounds the step


@pytest.mark.parametrize("seed", SEEDS)
def test_4b_points_are_well_separated_in_the_drawing(seed: int) -> None:
    root = _root(render_figure("contour_optimizers", seed).svg)
    _, _, width, height = (float(x) for x in root.get("viewBox").split())
    points = {c.get("data-point"): (float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{NS}circle")
              if c.get("data-point")}  # fmt: skip
    assert set(points) == {"t", "a", "b", "c"}
    for p, q in itertools.combinations(points.values(), 2):
        assert math.dist(p, q) >= 22  # an arrow from t, or room between two next points
    for p, q in itertools.combinations([points[k] for k in "abc"], 2):
        assert math.dist(p, q) >= 30
    assert all(10 <= x <= width - 10 and 10 <= y <= height - 10 for x, y in points.values())
    labels = {t.text for t in root.iter(f"{NS}text")}
    assert {"t", "a", "b", "c"} <= labels


def _independent_run(name: str, a: dict, steps: int) -> np.ndarray:
    """The optimizer's iterates 0 .. steps from its start, written out from the exam's formulas."""
    lam, c = np.array(a["curvature"]), np.array(a["center"])
    theta, state = np.array(a["starts"][name]), {"v": np.zeros(2), "a": np.zeros(2)}
    out = [theta]
    for t in range(1, steps + 1):
        theta = theta + _step(name, state, lam * (theta - c), t, a)
        out.append(theta)
    return np.array(out)


@pytest.mark.parametrize("seed", SEEDS)
def test_4b_each_path_is_its_own_run_up_to_the_common_point(seed: int) -> None:
    result = render_figure("contour_optimizers", seed)
    a, root = result.answers, _root(result.svg)
    for name, drawn in a["paths"].items():
        run = _independent_run(name, a, a["t"])
        assert len(drawn) == 4
        assert np.allclose(drawn, run[-4:], atol=1e-6)
        assert np.allclose(drawn[-1], a["point"], atol=1e-9)
    # Three polylines of four iterates each, in three different dash patterns, all ending at the dot of t.
    t_dot = next(c for c in root.iter(f"{NS}circle") if c.get("data-point") == "t")
    paths = [p for p in root.iter(f"{NS}polyline") if len(p.get("points").split()) == 4]
    assert len(paths) == 3
    assert len({p.get("stroke-dasharray") for p in paths}) == 3
    assert len({p.get("stroke") for p in paths}) == 3
    for p in paths:
        end = [float(v) for v in p.get("points").split()[-1].split(",")]
        assert math.dist(end, (float(t_dot.get("cx")), float(t_dot.get("cy")))) < 0.2


@pytest.mark.parametrize("seed", SEEDS)
def test_4b_paths_show_what_tells_the_optimizers_apart(seed: int) -> None:
    """Along the valley (the axis of smaller curvature) momentum's steps grow, Adagrad's shrink and Adam's stay
    close to epsilon; each next point continues its own path better than any other matching would."""
    a = render_figure("contour_optimizers", seed).answers
    flat, eps = int(np.argmin(a["curvature"])), a["epsilon"]
    assert a["flat_axis"] == f"w_{flat + 1}"
    letter_of = {name: letter for letter, name in ((k, a[k]) for k in "abc")}
    walks = {n: np.array([*a["paths"][n], a["coords"][letter_of[n]]]) for n in a["paths"]}
    along = {n: np.abs(np.diff(w[:, flat])) for n, w in walks.items()}
    assert np.all(np.diff(along["momentum"][:-1]) > 0)
    assert np.all(np.diff(along["adagrad"]) < 0)
    assert np.all(np.diff(np.linalg.norm(np.diff(walks["adagrad"], axis=0), axis=1)) < 0)  # every step shorter
    assert np.all((0.75 * eps < along["adam"]) & (along["adam"] <= 1.05 * eps))
    last = {n: w[-2] - w[-3] for n, w in walks.items()}
    nxt = {n: w[-1] - w[-2] for n, w in walks.items()}

    def misfit(pairing: dict[str, str]) -> float:  # path -> whose next step continues it
        return sum(np.linalg.norm(nxt[m] - last[n]) / np.linalg.norm(last[n]) for n, m in pairing.items())

    names = sorted(walks)
    right = misfit({n: n for n in names})
    assert all(misfit(dict(zip(names, p, strict=True))) > right for p in itertools.permutations(names) if
               list(p) != names)  # fmt: skip


def test_4b_line_styles_do_not_identify_the_optimizer() -> None:
    styles: dict[str, set[str]] = {}
    for seed in SEEDS:
        a = render_figure("contour_optimizers", seed).answers
        for name in ("momentum", "adagrad", "adam"):
            styles.setdefault(name, set()).add(a[f"{name}_style"])
    assert all(len(s) == 3 for s in styles.values())


def test_4b_seed_0_order_and_shuffling() -> None:
    first = render_figure("contour_optimizers", 0).answers
    assert [first[k] for k in "abc"] == ["momentum", "adagrad", "adam"]
    orders = {tuple(render_figure("contour_optimizers", seed).answers[k] for k in "abc") for seed in SEEDS}
    assert len(orders) >= 4
    for seed in range(5):
        text = render_figure("contour_optimizers", seed).svg.lower()
        assert not any(name in text for name in ("momentum", "adagrad", "adam"))


# --- labels: legible at every seed ---------------------------------------------------------------------------


def _text_boxes(root: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each text's box, estimated from its font size and length (sans-serif: 0.6 em a character, 0.75 em above
    the baseline and 0.2 em below)."""
    base = float(root.get("font-size"))
    boxes = []
    for el in root.iter(f"{NS}text"):
        words = "".join(el.itertext())
        size = float(el.get("font-size", base))
        width = 0.6 * size * len(words) * (1.05 if el.get("font-weight") == "bold" else 1.0)
        x, y = float(el.get("x")), float(el.get("y"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[el.get("text-anchor", "start")]
        boxes.append((words, (left, y - 0.75 * size, left + width, y + 0.2 * size)))
    return boxes


def _strokes(root: ET.Element) -> list[np.ndarray]:
    """The drawn lines (curves, axes, paths, arrows and tick marks; not the contours), sampled every pixel."""
    lines: list[list[tuple[float, float]]] = []
    for el in root.iter():
        if el.tag in (f"{NS}polyline", f"{NS}polygon"):
            pts = [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]
            lines.append(pts + pts[:1] if el.tag == f"{NS}polygon" else pts)
        elif el.tag == f"{NS}line":
            lines.append([(float(el.get("x1")), float(el.get("y1"))), (float(el.get("x2")), float(el.get("y2")))])
        elif el.tag == f"{NS}path":  # absolute M, L, V and H commands (the 4a axes)
            pts, x, y = [], 0.0, 0.0
            tokens = re.findall(r"[MLVH]|-?[\d.]+", el.get("d"))
            while tokens:
                command = tokens.pop(0)
                if command in "ML":
                    x, y = float(tokens.pop(0)), float(tokens.pop(0))
                elif command == "V":
                    y = float(tokens.pop(0))
                else:
                    x = float(tokens.pop(0))
                pts.append((x, y))
            lines.append(pts)
    samples = []
    for pts in lines:
        for p, q in itertools.pairwise(np.array(pts)):
            n = max(2, int(np.linalg.norm(q - p)) + 1)
            samples.append(p + np.linspace(0, 1, n)[:, None] * (q - p))
    return samples


def _dots(root: ET.Element) -> list[tuple[float, float, float]]:
    return [(float(c.get("cx")), float(c.get("cy")), float(c.get("r"))) for c in root.iter(f"{NS}circle")]


def _inside(point: np.ndarray, box: tuple[float, float, float, float], margin: float = 1.0) -> np.ndarray:
    """Which points are in the box or less than ``margin`` from it."""
    x0, y0, x1, y1 = box
    return (
        (x0 - margin < point[:, 0])
        & (point[:, 0] < x1 + margin)
        & (y0 - margin < point[:, 1])
        & (point[:, 1] < y1 + margin)
    )


@pytest.mark.parametrize("name", sorted(FIGURES))
@pytest.mark.parametrize("seed", SEEDS)
def test_labels_keep_clear_of_each_other_the_drawing_and_the_edges(name: str, seed: int) -> None:
    root = _root(render_figure(name, seed).svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    boxes = _text_boxes(root)
    for words, (x0, y0, x1, y1) in boxes:
        assert min(x0, y0) >= 0 and x1 <= width and y1 <= height, f"{words!r} leaves the figure"
    for (w1, b1), (w2, b2) in itertools.combinations(boxes, 2):
        overlap = min(b1[2], b2[2]) > max(b1[0], b2[0]) and min(b1[3], b2[3]) > max(b1[1], b2[1])
        assert not overlap, f"{w1!r} and {w2!r} overlap"
    strokes, dots = _strokes(root), _dots(root)
    for words, box in boxes:
        assert not any(np.any(_inside(s, box)) for s in strokes), f"a line runs through {words!r}"
        for cx, cy, r in dots:
            dx, dy = max(box[0] - cx, 0, cx - box[2]), max(box[1] - cy, 0, cy - box[3])
            assert math.hypot(dx, dy) > r + 1, f"{words!r} covers a point"


# --- solutions cite the drawn run ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 7, 13])
def test_the_solutions_of_4a_and_4b_cite_the_numbers_of_the_drawn_figures(bank, seed: int) -> None:  # type: ignore[no-untyped-def]
    from app.bank.variants import make_variant
    from app.engine.parameters import render_text

    problem = bank.problems["c147-w23-4"]
    params = dict(make_variant(problem, seed).params)
    one = render_figure("loss_curve_momentum", seed).answers
    solution = render_text(problem.part("momentum_or_nesterov").solution, params)
    for key in ("w4", "v4", "lookahead", "w_momentum", "w_nesterov", "w_star"):
        assert f"{one[key]:.3g}" in solution
    assert ("Nesterov momentum" if one["faster"] == "nesterov" else "gradient descent with momentum") in solution
    two = render_figure("contour_optimizers", seed).answers
    solution = render_text(problem.part("which_optimizer").solution, params)
    for name, title in (("momentum", "gradient descent with momentum"), ("adagrad", "Adagrad"), ("adam", "Adam")):
        letter = next(k for k in "abc" if two[k] == name)
        assert f"**{letter}: {title}**" in solution
        step = np.array(two["coords"][letter]) - np.array(two["point"])
        assert f"({step[0]:.3g}, {step[1]:.3g})" in solution
    assert "{{" not in solution
