"""Figures for midterm problem 4 (a) and (b): well-formed SVG, determinism, and answers that survive an
independent recomputation of the optimiser steps."""

import itertools
import json
import math
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
    points = {c.get("data-point"): (float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{NS}circle")}
    assert set(points) == {"t", "a", "b", "c"}
    for p, q in itertools.combinations(points.values(), 2):
        assert math.dist(p, q) >= 30
    assert all(10 <= x <= width - 10 and 10 <= y <= height - 10 for x, y in points.values())
    labels = {t.text for t in root.iter(f"{NS}text")}
    assert {"t", "a", "b", "c"} <= labels


def test_4b_seed_0_order_and_shuffling() -> None:
    first = render_figure("contour_optimizers", 0).answers
    assert [first[k] for k in "abc"] == ["momentum", "adagrad", "adam"]
    orders = {tuple(render_figure("contour_optimizers", seed).answers[k] for k in "abc") for seed in SEEDS}
    assert len(orders) >= 4
    for seed in range(5):
        text = render_figure("contour_optimizers", seed).svg.lower()
        assert not any(name in text for name in ("momentum", "adagrad", "adam"))
