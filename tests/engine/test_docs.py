"""The examples in the engine's docstrings run as written."""

from __future__ import annotations

import doctest

import pytest

from app.engine import expression_check


@pytest.mark.parametrize("module", [expression_check], ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:  # type: ignore[no-untyped-def]
    failures, tried = doctest.testmod(module, raise_on_error=False, report=True)
    assert tried > 0 and failures == 0
