"""Answers satisfying relations (2b.iii: any α, β with α/β = n_neg/n_pos)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.kinds.base import Variant
from app.kinds.condition import ConditionPart

HELP = "Enter a number, e.g. 0.25, 1e-3 or 1/4."
UNSATISFIED = "Your values do not meet the condition the question asks for."
POSITIVE = "Weights of a loss are positive: a negative weight rewards the errors it should punish."
UNDEFINED = "With your values the condition is undefined (a division by zero?)."
FIELDS = [{"name": "alpha", "label": "α"}, {"name": "beta", "label": "β"}]


@pytest.fixture
def part() -> ConditionPart:
    return ConditionPart(
        id="weights",
        label="2b.iii",
        fields=FIELDS,
        relation="alpha / beta = n_neg / n_pos",
        relations=[{"relation": "alpha > 0", "message": POSITIVE}, "beta > 0"],
        example={"alpha": "n_neg / n_pos", "beta": 1},
    )


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        ({"alpha": 10, "beta": 1}, "correct", "correct", "Correct."),
        ({"alpha": "10000", "beta": "1,000"}, "correct", "correct", "Correct."),
        ({"alpha": "1/1000", "beta": "1/10000"}, "correct", "correct", "Correct."),
        ({"alpha": 1, "beta": 0.1001}, "incorrect", "wrong", UNSATISFIED),  # exact: 0.1001 is not 1/10
        ({"alpha": 1, "beta": 10}, "incorrect", "wrong", UNSATISFIED),
        ({"alpha": 1, "beta": 1}, "incorrect", "wrong", UNSATISFIED),
        ({"alpha": -10, "beta": -1}, "incorrect", "wrong", POSITIVE),
        ({"alpha": 0, "beta": 0}, "incorrect", "undefined", UNDEFINED),
        ({"alpha": 1e300, "beta": 1e-300}, "incorrect", "undefined", UNDEFINED),
        ({"alpha": 10}, "invalid", "incomplete", "Enter a value for every field: beta is empty."),
        ({"alpha": "", "beta": None}, "invalid", "incomplete", "Enter a value for every field: alpha, beta are empty."),
        ({"alpha": "n_neg", "beta": 1}, "invalid", "format", f"alpha: {HELP} Names are not allowed here.\nn_neg\n^"),
        ({"alpha": 10, "beta": [1]}, "invalid", "format", f"beta: {HELP}"),
        ({"alpha": 10, "beta": {"v": 1}}, "invalid", "format", f"beta: {HELP}"),
        ({"alpha": 10, "beta": "1" * 10**6}, "invalid", "limit",
         "beta: That number is 1,000,000 characters long; the limit is 200."),
        ({"alpha": 10, "beta": 1, "gamma": 2}, "invalid", "unknown_id", "Enter values for alpha, beta only."),
        ({"alpha": 10, "gamma": 2}, "invalid", "unknown_id", "Enter values for alpha, beta only."),
        ({str(i): 1 for i in range(10**5)}, "invalid", "unknown_id", "Enter values for alpha, beta only."),
        ([10, 1], "invalid", "format", "Enter a value for each of alpha, beta."),
        ("10, 1", "invalid", "format", "Enter a value for each of alpha, beta."),
        (None, "invalid", "format", "Enter a value for each of alpha, beta."),
    ],
)  # fmt: skip
def test_check(part: ConditionPart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


def test_a_single_relation_without_sign_constraints(variant: Variant) -> None:
    part = ConditionPart(
        id="w", label="2b.iii", fields=FIELDS, relation="alpha n_pos = beta n_neg", example={"alpha": 10, "beta": 1}
    )
    assert part.check({"alpha": -10, "beta": -1}, variant).status == "correct"
    assert part.check({"alpha": 0, "beta": 0}, variant).status == "correct"


def test_reference_answer_and_public_view(part: ConditionPart, variant: Variant) -> None:
    assert part.reference_answer(variant) == {"alpha": 10, "beta": 1}
    assert part.public_view(variant) == {"fields": [{"name": "alpha", "label": "α"}, {"name": "beta", "label": "β"}]}
    other = Variant("kinds", 5, {"n_neg": 23417, "n_pos": 1789})
    assert part.check(part.reference_answer(other), other).status == "correct"
    assert part.check({"alpha": "23417", "beta": "1789"}, other).status == "correct"


@pytest.mark.parametrize(
    ("relation", "example", "problems"),
    [
        ("alpha / beta = n_neg / n_pos", {"alpha": 10, "beta": 1}, []),
        ("alpha / beta = n_neg / n_pos", {"alpha": 1, "beta": 10},
         [f"the example does not satisfy the relations: {UNSATISFIED}"]),
        ("alpha / beta = m / n_pos", {"alpha": 10, "beta": 1},
         ["relation 'alpha / beta = m / n_pos' uses 'm', neither a field nor a number parameter"]),
        ("alpha / beta = W", {"alpha": 10, "beta": 1},
         ["relation 'alpha / beta = W' uses 'W', neither a field nor a number parameter"]),
        ("alpha / beta", {"alpha": 10, "beta": 1},
         ["relation 'alpha / beta' must be an equation `a = b` or a comparison `a > b`"]),
        ("alpha = beta = 1", {"alpha": 1, "beta": 1},
         ["relation 'alpha = beta = 1' must be an equation `a = b` or a comparison `a > b`"]),
        ("alpha / = 1", {"alpha": 1, "beta": 1}, ["relation 'alpha / = 1': `/` needs something after it."]),
        ("alpha = beta", {"alpha": "nope", "beta": 1}, ["expression 'nope' uses unknown parameter 'nope'"]),
    ],
)  # fmt: skip
def test_author_problems(variant: Variant, relation: str, example: dict[str, object], problems: list[str]) -> None:
    part = ConditionPart(id="w", label="2b.iii", fields=FIELDS, relation=relation, example=example)
    assert part.author_problems(variant) == problems


def test_a_field_hiding_a_parameter_is_reported(variant: Variant) -> None:
    part = ConditionPart(id="w", label="x", fields=[{"name": "n"}], relation="n > 0", example={"n": 1})
    assert part.author_problems(variant) == ["field 'n' hides the parameter of that name"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fields": FIELDS, "example": {"alpha": 1, "beta": 1}}, "give relation or relations"),
        ({"fields": FIELDS, "relation": "alpha = beta", "example": {"alpha": 1}}, "example must give"),
        ({"fields": [*FIELDS, FIELDS[0]], "relation": "alpha = beta", "example": {"alpha": 1, "beta": 1}}, "same name"),
        ({"fields": [{"name": "2x"}], "relation": "x = 1", "example": {"2x": 1}}, "should match pattern"),
    ],
)  # fmt: skip
def test_inconsistent_specs_fail_at_load_time(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ConditionPart(id="w", label="2b.iii", **fields)
