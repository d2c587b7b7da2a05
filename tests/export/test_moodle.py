"""Moodle XML: parses, one category per problem, the right question types, fractions Moodle accepts,
tolerances, embedded figures, and the same bytes on every export."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from app.bank.models import ProblemSpec
from app.export import ExportSet, moodle_xml
from app.export.collect import collect, report
from app.export.model import MOODLE_FRACTIONS, checkbox_weights, moodle_fraction


def parse(export: ExportSet) -> ET.Element:
    data, _ = moodle_xml(export)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(data)


@pytest.fixture(scope="module")
def quiz(midterm_export: ExportSet) -> ET.Element:
    return parse(midterm_export)


@pytest.fixture(scope="module")
def edge_quiz(edge_export: ExportSet) -> ET.Element:
    return parse(edge_export)


def question(quiz: ET.Element, idnumber: str) -> ET.Element:
    found = [q for q in quiz.findall("question") if q.findtext("idnumber") == idnumber]
    assert len(found) == 1, idnumber
    return found[0]


def fractions(element: ET.Element) -> list[float]:
    return [float(a.get("fraction", "nan")) for a in element.findall("answer")]


def test_the_quiz_has_a_category_per_problem_then_its_questions(quiz: ET.Element) -> None:
    assert quiz.tag == "quiz"
    categories = [q.findtext("category/text") for q in quiz.findall("question") if q.get("type") == "category"]
    assert categories == [
        "$course$/top/c147-w23-midterm (seed 0)/Multiple choice and short answer",
        "$course$/top/c147-w23-midterm (seed 0)/Binary classification on unbalanced data: backpropagation with "
        "weighted cross-entropy loss",
        "$course$/top/c147-w23-midterm (seed 0)/Regularization",
        "$course$/top/c147-w23-midterm (seed 0)/Gradient-based optimization algorithms",
    ]
    types = [q.get("type") for q in quiz.findall("question") if q.get("type") != "category"]
    assert types == ["multichoice"] * 3 + ["numerical", "multichoice", "multichoice", "multichoice", "matching"]


def test_1a_is_multiple_answer_with_a_and_b_worth_half_and_c_a_penalty(quiz: ET.Element) -> None:
    q1a = question(quiz, "c147-w23-1.initialization.s0")
    assert q1a.findtext("single") == "false" and q1a.findtext("defaultgrade") == "5"
    assert fractions(q1a) == [50.0, 50.0, -100.0]
    assert q1a.findtext("answernumbering") == "ABCD"
    assert "gradients differ" in (q1a.findtext("answer[3]/feedback/text") or "")


def test_single_choices_give_100_to_the_right_option(quiz: ET.Element) -> None:
    q2d = question(quiz, "c147-w23-2.l1_vs_l2.s0")
    assert q2d.findtext("single") == "true"
    assert fractions(q2d) == [100.0, 0.0, 0.0]
    assert "sparser" in (q2d.findtext("answer[1]/text") or "")


def test_1d_is_numerical_140_with_tolerance_0(quiz: ET.Element) -> None:
    q1d = question(quiz, "c147-w23-1.conv_parameters.s0")
    assert q1d.get("type") == "numerical"
    assert (q1d.findtext("answer/text"), q1d.findtext("answer/tolerance"), fractions(q1d)) == ("140", "0", [100.0])


def test_4a_embeds_the_figures_and_points_at_them(quiz: ET.Element) -> None:
    q4a = question(quiz, "c147-w23-4.momentum_or_nesterov.s0")
    files = q4a.findall("questiontext/file")
    assert [f.get("name") for f in files] == ["c147-w23-4.fig1.s0.svg", "c147-w23-4.fig2.s0.svg"]
    assert base64.b64decode(files[0].text or "").startswith(b"<svg")
    html = q4a.findtext("questiontext/text") or ""
    assert '<img src="@@PLUGINFILE@@/c147-w23-4.fig1.s0.svg"' in html
    ET.fromstring(html)  # the HTML is well-formed XHTML too


def test_4b_is_a_matching_question_from_the_figures_mapping(quiz: ET.Element) -> None:
    q4b = question(quiz, "c147-w23-4.which_optimizer.s0")
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in q4b.findall("subquestion")]
    assert pairs == [("point a", "Gradient Descent with Momentum"), ("point b", "Adagrad"), ("point c", "Adam")]


def test_numbers_are_numerical_with_the_platforms_tolerance(edge_quiz: ET.Element) -> None:
    for idnumber, value, tolerance in [
        ("_9-edge.ratio.s0", 1.0, 0.005),
        ("_9-edge.negative.s0", -2.5, 0.025),
        ("_9-edge.zero.s0", 0.0, 0.001),
    ]:
        element = question(edge_quiz, idnumber)
        assert element.get("type") == "numerical"
        assert float(element.findtext("answer/text") or "nan") == value
        assert float(element.findtext("answer/tolerance") or "nan") == pytest.approx(tolerance, rel=1e-6)


def test_matching_keeps_unused_choices_as_distractors_in_plain_text(edge_quiz: ET.Element) -> None:
    pairs = [
        (s.findtext("text"), s.findtext("answer/text"))
        for s in question(edge_quiz, "_9-edge.pairs.s0").findall("subquestion")
    ]
    assert pairs == [("A", "alpha \\(\\alpha\\)"), ("B", "alpha \\(\\alpha\\)"), ("", "zeta"), ("", "q")]


def test_a_checkbox_whose_share_moodle_cannot_grade_is_skipped(edge_export: ExportSet) -> None:
    _, lines = moodle_xml(edge_export)
    by_label = {line.label: line for line in report(edge_export, lines)}
    assert not by_label["9g"].exported and "100/11" in by_label["9g"].detail
    assert not by_label["9h"].exported and by_label["9h"].kind == "text"
    assert by_label["9e"].exported and "x 50, y 50" in by_label["9e"].detail


@pytest.mark.parametrize(
    ("n_true", "n_false", "right", "wrong"),
    [
        (2, 1, 50.0, -100.0),
        (3, 3, 33.33333, -33.33333),
        (1, 7, 100.0, -14.28571),
        (4, 13, 25.0, -10.0),
        (2, 0, 50.0, 0.0),
    ],
)
def test_checkbox_fractions_are_ones_moodle_lists(n_true: int, n_false: int, right: float, wrong: float) -> None:
    plus, minus = checkbox_weights(n_true, n_false)
    assert (moodle_fraction(plus), moodle_fraction(minus)) == (right, wrong)
    assert abs(right) in MOODLE_FRACTIONS and (wrong == 0 or abs(wrong) in MOODLE_FRACTIONS)


def test_a_true_share_moodle_does_not_list_has_no_fraction() -> None:
    assert moodle_fraction(1 / 11) is None


def test_a_slash_in_a_title_is_escaped_in_the_category_path() -> None:
    problem = ProblemSpec.model_validate(
        {
            "id": "p",
            "title": "Train/test split",
            "set": "s",
            "parts": [{"id": "n", "label": "1", "kind": "integer", "answer": 3}],
        }
    )
    path = parse(collect([problem])).findtext("question/category/text")
    assert path == "$course$/top/s (seed 0)/Train//test split"


def test_moodle_exports_are_deterministic(midterm: list[ProblemSpec]) -> None:
    assert moodle_xml(collect(midterm, seed=0))[0] == moodle_xml(collect(midterm, seed=0))[0]
