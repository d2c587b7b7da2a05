"""The mutation test: for every expression part of the bank, programmatic rewrites of the reference answer are all
accepted and programmatic mutations (a sign, a transpose, a dropped factor, same-shaped names swapped, y ↔ 1 − y,
off-by-one bounds and exponents, shifted thresholds, clamps, steps and parity factors, 1e-7 and 1e-9 perturbations)
all rejected. Counts per part are printed (`pytest -s`) and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bank.loader import load_bank
from app.bank.variants import make_variant
from app.engine.expression_check import check_expression, read
from app.kinds import ExpressionPart
from tests.engine.mutations import mutations, rewrites

ROOT = Path(__file__).resolve().parents[2] / "problems"
BANK = load_bank(ROOT)
PARTS = [
    (problem, part)
    for problem in BANK
    for part in problem.parts
    if isinstance(part, ExpressionPart) and part.answer is not None
]


# Mutations the mathematics makes equal to the reference (the checker is right to accept them), by part.
EQUIVALENT = {
    # x̂ sums (averages) to 0 over the normalized entries, so adding a constant to the upstream gradient changes nothing.
    "dlp-batchnorm:grad_gamma": {"sum(((g + 1) * xhat))", "sum(((g - 1) * xhat))"},
    "dlp-batchnorm:grad_x": {
        "((gamma / s) * ((g - mean(g)) - (xhat * mean(((g + 1) * xhat)))))",
        "((gamma / s) * ((g - mean(g)) - (xhat * mean(((g - 1) * xhat)))))",
    },
    "dlp-layernorm:grad_x": {
        "(((delta_xhat - mean(delta_xhat)) - (xhat * mean(((delta_xhat + 1) * xhat)))) / s)",
        "(((delta_xhat - mean(delta_xhat)) - (xhat * mean(((delta_xhat - 1) * xhat)))) / s)",
    },
    # Each column of δ_S sums to 0 (a softmax's outputs sum to 1), so a matrix of ones added to K changes nothing.
    "dlp-attention:delta_Q": {"(((K + 1) delta_S) / tau)", "(((K - 1) delta_S) / tau)"},
}


MUTATIONS, REWRITES = 40, 20  # at least, for every expression part


@pytest.mark.parametrize(("problem", "part"), PARTS, ids=[f"{p.id}:{q.id}" for p, q in PARTS])
def test_rewrites_are_accepted_and_mutations_rejected(problem, part) -> None:  # type: ignore[no-untyped-def]
    variant = make_variant(problem, 0)
    task = part.task(variant)
    scope = task.scope()
    tree = read(part.answer, scope)[0]
    same, other = rewrites(tree, scope), mutations(tree, scope, dict(task.variables))
    refused = [text for text in same if check_expression(task, text, variant.seed).status != "correct"]
    passed = [
        text
        for text in other
        if text not in EQUIVALENT.get(f"{problem.id}:{part.id}", set())
        and check_expression(task, text, variant.seed).status == "correct"
    ]
    print(f"{problem.id}:{part.id}: {len(same)} rewrites, {len(other)} mutations")
    assert len(same) >= REWRITES and len(other) >= MUTATIONS, (len(same), len(other))
    assert refused == [], f"equivalent forms refused: {refused}"
    assert passed == [], f"mutations graded correct: {passed}"
