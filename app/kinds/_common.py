"""Helpers the answer kinds share: reading hostile student input, parameter look-ups and rendering texts.

Student input arrives as arbitrary JSON. Every reader here returns a value or raises a `StudentError`
(`FormatError` for an answer of the wrong form) whose message is written for the student; `invalid` turns
it into a verdict that costs no attempt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import Value, check_constant_exponents, evaluate
from app.engine.functions import FUNCTIONS
from app.engine.graph import VariableGraph
from app.engine.memo import BoundedCache
from app.engine.parameters import calculate as calculate_params
from app.engine.parameters import render_text
from app.engine.parse import parse
from app.engine.syntax import Call, Compare, Index, Name, Sum
from app.engine.variables import VariableSpec
from app.engine.verdict import Verdict
from app.export._ids import unique_ncnames
from app.export.model import ChoiceQuestion, Option, Question, Stem
from app.kinds.base import Variant

ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
DEFAULT_RTOL = 1e-9  # exact up to round-off: 1/8 is 0.125, not 0.1255 (ask for `sig_figs` to accept rounding)
DEFAULT_ATOL = 1e-12
MAX_NUMBER_TEXT = 200
MAX_INTEGER_DIGITS = 30
NUMBER_HELP = "Enter a number, e.g. 0.25, 1e-3 or 1/4."

_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_INTEGER = re.compile(r"[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)")
_BAD_GROUPS = re.compile(r"[+-]?[0-9][0-9,]*")
_DECIMAL = re.compile(r"[+-]?[0-9,]*\.[0-9]*([eE][+-]?[0-9]+)?|[+-]?[0-9,]+[eE][+-]?[0-9]+")
_WHOLE_DECIMAL = re.compile(r"([-+]?[\d,]+)\.0+")


class FormatError(StudentError):
    """The answer has the wrong form for its kind (a list where one option id is expected, a word for a number)."""

    def __init__(self, message: str, code: str = "format", position: int | None = None) -> None:
        super().__init__(message, position)
        self.code = code


class Choice(BaseModel):
    """Something a student picks or matches: an id and a Markdown text."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN, description="Stable id, what the student's answer contains.")
    text: str = Field(description="Markdown with $…$ math; {{ name }} inserts a parameter.")


def invalid(error: StudentError) -> Verdict:
    return Verdict.invalid(error.message, error.code, error.position)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def be(n: int) -> str:
    return "is" if n == 1 else "are"


def render(text: str, variant: Variant) -> str:
    """`text` with its `{{ name }}` placeholders replaced by the variant's parameter values."""
    return render_text(text, dict(variant.params))


def calculate(expr: str, variant: Variant) -> float | int:
    """An author's arithmetic over the variant's parameters, with the engine's safe parser."""
    return calculate_params(expr, dict(variant.params))


def question_variables(variant: Variant) -> dict[str, VariableSpec]:
    """The question's variables plus its parameters as fixed values (numbers, or matrices given as rows)."""
    variables = dict(variant.variables)
    for name, value in variant.params.items():
        if name in variables or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            variables[name] = VariableSpec(choice=[float(value)])  # one value: the same in every trial
        elif _is_grid(value):
            variables[name] = VariableSpec(value=[[float(e) for e in row] for row in value])
    return variables


def _is_grid(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(row, list) and row and all(isinstance(e, int | float) for e in row) for row in value)
    )


_truth_graphs: BoundedCache[str, VariableGraph] = BoundedCache(256)


def target_value(variant: Variant, target: str) -> Value:
    """The value of a derived variable computed from the variant's parameters alone (no random trials)."""
    variables = question_variables(variant)
    if target not in variables:
        raise AuthorError(f"target {target!r} is not a variable")
    graph = _truth_graphs.get(variant.key, lambda: VariableGraph(variables, variant.dims))
    drawn = sorted(n for n in graph.reads(target) | {target} if not variables[n].derived and n not in variant.params)
    if drawn:
        raise AuthorError(f"target {target!r} depends on randomly drawn variables ({', '.join(drawn)}); "
                          "it must be computed from parameters only")  # fmt: skip
    fixed = {n: spec.value if spec.value is not None else (spec.choice or [0.0])[0] for n, spec in variables.items()
             if n in variant.params and not spec.derived}  # fmt: skip
    env: dict[str, Any] = {
        n: float(v) if isinstance(v, int | float) else np.array(v, dtype=float) for n, v in fixed.items()
    }
    value: Value = graph.evaluate(env, {}, only=target)[target]
    return value


def param(variant: Variant, name: str) -> Any:
    if name not in variant.params:
        known = ", ".join(sorted(variant.params)) or "(none)"
        raise AuthorError(f"parameter {name!r} does not exist; parameters: {known}")
    return variant.params[name]


def exactly_one(what: str, *values: object) -> None:
    """For model validators: exactly one of the alternative fields `what` is given."""
    if sum(v is not None for v in values) != 1:
        raise ValueError(f"give exactly one of {what}")


def unique_ids(entries: Sequence[Choice], what: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ValueError(f"two {what}s have the id {entry.id!r}")
        seen.add(entry.id)


def rendering_problems(texts: Iterable[str], variant: Variant) -> list[str]:
    problems = []
    for text in texts:
        try:
            render(text, variant)
        except AuthorError as error:
            problems.append(str(error))
    return problems


def read_id(raw: Any, known: Sequence[str], what: str) -> str:
    """One id among `known`; a student picks from a list, so anything else is a form error."""
    if not isinstance(raw, str) or not raw.strip():
        raise FormatError(f"Choose one {what}.")
    text = raw.strip()
    if text not in known:
        raise FormatError(f"Choose one of the {what}s: {', '.join(known)}.", "unknown_id")
    return text


def read_integer(raw: Any) -> int:
    """A whole number: an int, an integral float, or text such as `140`, `-3`, `1,400` (digits grouped by three)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise FormatError("Enter a whole number, in digits.")
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise FormatError(f"Enter a whole number: {raw:g} is not one.")
        raw = int(raw)
    if isinstance(raw, int):
        if abs(raw) >= 10**MAX_INTEGER_DIGITS:
            raise FormatError(f"That number has more than {MAX_INTEGER_DIGITS} digits.", "limit")
        return raw
    text = raw.strip().replace("−", "-")
    if len(text) > MAX_INTEGER_DIGITS + 10:
        raise FormatError(f"That number has more than {MAX_INTEGER_DIGITS} digits.", "limit")
    if _INTEGER.fullmatch(text):
        return int(text.replace(",", ""))
    if (whole := _WHOLE_DECIMAL.fullmatch(text)) is not None:  # `140.0` is the whole number 140
        return read_integer(whole.group(1))
    if _DECIMAL.fullmatch(text):
        raise FormatError(f"Enter a whole number: `{text}` is not one.")
    if _BAD_GROUPS.fullmatch(text):
        raise FormatError("Group digits in threes, as in 1,400, or leave the commas out.")
    raise FormatError("Enter a whole number, in digits.")


def read_number(raw: Any) -> float:
    """A finite number: JSON number, or text the engine's parser reads with numbers only (`1/3`, `1e-3`, `sqrt(2)`)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise FormatError(NUMBER_HELP)
    if isinstance(raw, int | float):
        try:
            return finite(float(raw))
        except OverflowError:
            raise FormatError("That number is too large.", "limit") from None
    if not raw.strip():
        raise FormatError(NUMBER_HELP, "empty")
    if len(raw) > MAX_NUMBER_TEXT:
        raise FormatError(f"That number is {len(raw):,} characters long; the limit is {MAX_NUMBER_TEXT}.", "limit")
    text = raw.replace(",", "") if _GROUPED.fullmatch(raw.strip()) else raw
    try:
        return _evaluate_number(text)
    except StudentError as error:
        raise FormatError(error.explained(text), error.code, error.position) from None


def _evaluate_number(text: str) -> float:
    node = parse(text)
    for sub in node.walk():
        if isinstance(sub, Name | Index | Sum):
            raise FormatError(f"{NUMBER_HELP} Names are not allowed here.", "format", sub.start)
        if isinstance(sub, Compare):
            raise FormatError(f"{NUMBER_HELP} Comparisons are not allowed here.", "format", sub.start)
        if isinstance(sub, Call) and not FUNCTIONS[sub.func].in_numbers:
            usable = ", ".join(sorted(name for name, f in FUNCTIONS.items() if f.in_numbers))
            message = f"`{sub.func}` cannot be used in a number; these can: {usable}."
            raise FormatError(message, "format", sub.start)
    check_constant_exponents(node)
    return finite(float(evaluate(node, {})))


def finite(value: float) -> float:
    if not math.isfinite(value):
        raise FormatError("That is not a finite number (a division by zero?).", "evaluation")
    return value


def close(got: float, want: float, rtol: float, atol: float, sig_figs: int | None = None) -> bool:
    """Equal within the tolerance; with `sig_figs`, equal once both are rounded to that many significant figures
    of the reference (half a unit in its last kept place)."""
    if sig_figs is not None and want != 0:
        return abs(got - want) <= 0.5 * 10 ** (math.floor(math.log10(abs(want))) - sig_figs + 1) * (1 + 1e-9)
    return abs(got - want) <= atol + rtol * max(abs(got), abs(want))


SIG_FIGS = "Accept decimals rounded to this many significant figures (e.g. 3); none: exact up to round-off."


def choice_question(stem: Stem, options: Sequence[Any], right: set[str], variant: Variant, multiple: bool) -> Question:
    """A choice or select-all part as an LMS question: its options (with their feedback) and which are right."""
    params = dict(variant.params)
    ids = unique_ncnames(o.id for o in options)
    exported = tuple(
        Option(ids[o.id], o.id, render_text(o.text, params), o.id in right,
               render_text(o.feedback, params) if getattr(o, "feedback", None) else None)
        for o in options
    )  # fmt: skip
    if not right or not right <= {o.id for o in options}:
        raise AuthorError(f"the answer {sorted(right)} does not name options of the part")
    return ChoiceQuestion(stem, exported, multiple=multiple)
