"""Form fields → answers: grids only for matrix parts, and only within the largest matrix a student may enter."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from app.kinds.matrix import MAX_SIDE
from app.web.forms import FormError, answers_from_form


def parts(bank, problem_id: str, *part_ids: str):  # type: ignore[no-untyped-def]
    problem = bank.problems[problem_id]
    return [problem.part(pid) for pid in part_ids]


def test_a_matrix_grid_becomes_a_list_of_rows(bank) -> None:  # type: ignore[no-untyped-def]
    form = FormData([("a.linf_gradient.0.0", "1"), ("a.linf_gradient.0.1", "2"), ("a.linf_gradient.1.1", "4")])
    answers = answers_from_form(form, parts(bank, "c147-w23-3", "linf_gradient"))
    assert answers == {"linf_gradient": [["1", "2"], ["", "4"]]}


@pytest.mark.parametrize(
    "field",
    [f"a.linf_gradient.{MAX_SIDE}.0", f"a.linf_gradient.0.{MAX_SIDE}", "a.linf_gradient.3999.3999",
     "a.linf_gradient.99999999999999999999.1", "a.linf_gradient.1.x"],
)  # fmt: skip
def test_grid_indices_beyond_the_largest_matrix_are_refused_before_anything_is_built(bank, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FormError, match=f"at most {MAX_SIDE} rows and {MAX_SIDE} columns"):
        answers_from_form(FormData([(field, "1")]), parts(bank, "c147-w23-3", "linf_gradient"))


def test_grid_cells_for_a_part_that_is_no_matrix_are_refused(bank) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FormError, match=r"Part 2b\.viii is not a matrix"):
        answers_from_form(FormData([("a.delta_W1.3999.3999", "1")]), parts(bank, "c147-w23-2", "delta_W1"))


def test_keyed_fields_become_a_dict(bank) -> None:  # type: ignore[no-untyped-def]
    form = FormData([("a.delta_W1.b", "2"), ("a.delta_W1.a", "1")])
    assert answers_from_form(form, parts(bank, "c147-w23-2", "delta_W1")) == {"delta_W1": {"a": "1", "b": "2"}}
