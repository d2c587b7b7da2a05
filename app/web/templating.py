"""What the pages render with: templates and their filters (the request dependencies are in `app.deps`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.web.markdown import message_html, to_html
from app.web.mathml import to_mathml


def format_points(value: float) -> str:
    """Points as people write them: at most two decimals, no trailing zeros (18.33, 2.5, 5)."""
    return f"{round(float(value), 2):g}"


def answer_text(answer: Any) -> str:
    """A stored answer as a person reads it: `alpha = 1, beta = 10`, `A, C`, rows as `[0, 1; 2, 3]`."""
    if isinstance(answer, dict):
        return ", ".join(f"{key} = {answer_text(value)}" for key, value in answer.items())
    if isinstance(answer, list | tuple):
        if answer and all(isinstance(row, list | tuple) for row in answer):
            return "[" + "; ".join(", ".join(answer_text(v) for v in row) for row in answer) + "]"
        return ", ".join(answer_text(v) for v in answer) if answer else "(none selected)"
    if isinstance(answer, float):
        return f"{answer:.6g}"  # 0.009999999906542057 → 0.01
    return str(answer)


def make_templates(directory: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=directory)
    templates.env.filters["points"] = format_points
    templates.env.filters["answer_text"] = answer_text
    templates.env.filters["mathml"] = to_mathml
    templates.env.filters["markdown_block"] = to_html
    templates.env.filters["message"] = message_html  # a verdict's feedback: text with $…$ math
    return templates


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
