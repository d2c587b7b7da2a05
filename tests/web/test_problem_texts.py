"""What a problem page prints: a given matrix once, typeset with exact entries."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _tex(page: str) -> list[str]:
    """The TeX behind each formula of the page (kept in the MathML's annotation)."""
    return re.findall(r'<annotation encoding="application/x-tex">([^<]*)</annotation>', page)


def test_3b_prints_its_weight_matrix_once_as_a_typeset_matrix(client: TestClient) -> None:
    page = client.get("/problems/c147-w23-3").text
    part = page[page.index('id="label-linf_gradient"') : page.index('name="a.linf_gradient.0.0"')]
    matrices = [t for t in _tex(page) if "bmatrix" in t]
    rows = "1 &amp; -2 &amp; 0 \\\\ 3 &amp; 1 &amp; -1 \\\\ 0 &amp; 2 &amp; 2"
    assert matrices == [f"\\mathbf{{W}}_i = \\begin{{bmatrix}}{rows}\\end{{bmatrix}},"]
    assert "[[" not in part and "1.0" not in part and "Given" not in part  # no list, no floats, no second copy
