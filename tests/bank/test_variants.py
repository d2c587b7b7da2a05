"""Variants: seed 0 is the exam as printed, other seeds change what may change."""

from __future__ import annotations

from app.bank.variants import make_variant
from app.engine.parameters import render_text


def test_seed_0_is_the_exam(bank) -> None:  # type: ignore[no-untyped-def]
    variant = make_variant(bank.problems["c147-w23-2"], 0)
    assert variant.params == {"n_neg": 10000, "n_pos": 1000}
    statement = render_text(bank.problems["c147-w23-2"].statement, variant.params)
    assert "10,000 chest X-rays from patients without bronchitis" in statement


def test_other_seeds_vary_and_keep_the_constraints(bank) -> None:  # type: ignore[no-untyped-def]
    problem = bank.problems["c147-w23-2"]
    variants = [make_variant(problem, seed).params for seed in range(1, 30)]
    assert len({(v["n_neg"], v["n_pos"]) for v in variants}) > 20
    assert all(v["n_pos"] < v["n_neg"] for v in variants)
    assert make_variant(problem, 7).params == make_variant(problem, 7).params


EXAM_LABELS = {
    "1a", "1b", "1c", "1d", "2a", "2b.i", "2b.ii", "2b.iii", "2b.iv", "2b.v", "2b.vi", "2b.vii", "2b.viii",
    "2c", "2d", "3a", "3b", "3c.i", "3c.ii", "3c.iii", "4a", "4b", "4c.i", "4c.ii", "5",
}  # fmt: skip


def test_every_question_of_the_midterm_is_a_part(bank) -> None:  # type: ignore[no-untyped-def]
    labels = {part.label for problem in bank if problem.set == "c147-w23-midterm" for part in problem.parts}
    assert labels >= EXAM_LABELS


def test_seed_0_gives_the_printed_numbers(bank) -> None:  # type: ignore[no-untyped-def]
    one = bank.problems["c147-w23-1"]
    variant = make_variant(one, 0)
    assert one.part("conv_parameters").reference_answer(variant) == 140
    prompt = render_text(
        bank.problems["c147-w23-2"].part("balanced_weights").prompt, make_variant(bank.problems["c147-w23-2"], 0).params
    )
    assert "With 10,000 negative and 1,000 positive X-rays" in prompt


def test_other_seeds_change_the_convolution_and_the_figures(bank) -> None:  # type: ignore[no-untyped-def]
    one, four = bank.problems["c147-w23-1"], bank.problems["c147-w23-4"]
    answers = {one.part("conv_parameters").reference_answer(make_variant(one, s)) for s in range(1, 20)}
    assert len(answers) > 10
    faster = {make_variant(four, s).params["fig1.faster"] for s in range(0, 20)}
    assert faster == {"momentum", "nesterov"}
