"""Variants: seed 0 is the exam as printed, other seeds change what may change."""

from __future__ import annotations

from app.bank.variants import make_variant, render_text


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
