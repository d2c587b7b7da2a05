"""Moodle XML (`<quiz>`), for Moodle's Question bank → Import → "Moodle XML format".

One `category` per problem (`$course$/top/<set> (seed N)/<problem title>`), then its questions:

- `choice` → `multichoice`, `<single>true</single>`: the right option 100 %, the others 0 %.
- `checkbox` → `multichoice`, `<single>false</single>`: each true option +100/n_true %, each false one
  −100/n_false % (Moodle floors the total at 0): the same rule as the QTI mapping (`checkbox_weights`).
  Moodle accepts only its listed grade percentages (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40,
  33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5), so a penalty is rounded up to the next one,
  and a part whose 100/n_true is not listed (11–19 or more than 20 true options) is skipped.
- `integer` → `numerical` with tolerance 0: accepts `140`, `140.0` or `1.4e2`, where a `shortanswer` would
  compare strings and reject all but `140`.
- `number` → `numerical` with the absolute tolerance `atol + rtol·|answer|` (Moodle's tolerance is absolute).
- `matching` → `matching`: one subquestion per item, an extra empty subquestion per unused choice; Moodle shows
  each distinct choice once and gives partial credit per item.

Texts are HTML (`format="html"`): the statement, the figures (embedded as base64 `file`s, shown through
`@@PLUGINFILE@@`) and the prompt; the solution becomes the general feedback.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from app.export._xml import number, sub, to_bytes
from app.export.model import (
    ChoiceQuestion,
    ExportSet,
    MatchingQuestion,
    NumericQuestion,
    Question,
    ReportLine,
    checkbox_weights,
    moodle_fraction,
)
from app.export.xhtml import append_stem, block, inline_html, plain, to_string

PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (used in interactive modes only)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Skip(Exception):
    """A question Moodle cannot hold; the message says why."""


def moodle_xml(export: ExportSet) -> tuple[bytes, list[ReportLine]]:
    """The Moodle XML of `export`, and a report line per exported or skipped part."""
    root = ET.Element("quiz")
    report: list[ReportLine] = []
    for group in export.groups:
        category = sub(root, "question", {"type": "category"})
        path = "/".join(_category_name(n) for n in ("$course$", "top", f"{export.set_id} (seed {export.seed})"))
        sub(sub(category, "category"), "text", text=f"{path}/{_category_name(group.title)}")
        sub(sub(category, "info", {"format": "html"}), "text", text="")
        sub(category, "idnumber", text=group.identifier)
        for question in group.questions:
            stem = question.stem
            try:
                element, detail = _question(question)
            except Skip as reason:
                report.append(ReportLine(stem.position, stem.label, stem.kind, False, str(reason)))
                continue
            root.append(element)
            report.append(ReportLine(stem.position, stem.label, stem.kind, True, detail))
    return to_bytes(root), report


def _category_name(name: str) -> str:
    """A category path segment: Moodle reads `/` as a separator, so a slash in a name is written `//`."""
    return name if name.startswith("$") else name.replace("/", "//")


def _question(question: Question) -> tuple[ET.Element, str]:
    if isinstance(question, ChoiceQuestion):
        element = _header("multichoice", question)
        return element, _choices(element, question)
    if isinstance(question, NumericQuestion):
        element = _header("numerical", question)
        answer = sub(element, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        sub(answer, "text", text=number(question.value))
        sub(answer, "tolerance", text=f"{question.tolerance:.12g}")
        sub(sub(answer, "feedback", {"format": "html"}), "text", text="")
        for tag, value in (
            ("unitgradingtype", "0"),
            ("unitpenalty", "0.1000000"),
            ("showunits", "3"),
            ("unitsleft", "0"),
        ):
            sub(element, tag, text=value)
        return element, f"→ numerical {number(question.value)} ± {question.tolerance:.3g}"
    return _matching(question)


def _header(kind: str, question: Question) -> ET.Element:
    stem = question.stem
    element = ET.Element("question", {"type": kind})
    sub(sub(element, "name"), "text", text=stem.title)
    text = sub(element, "questiontext", {"format": "html"})
    body = ET.Element("div", {"class": "question"})
    append_stem(body, stem.statement, stem.figures, stem.prompt, "@@PLUGINFILE@@/")
    sub(text, "text", text=to_string(body))
    for media in stem.figures:
        attributes = {"name": media.filename, "path": "/", "encoding": "base64"}
        sub(text, "file", attributes, text=base64.b64encode(media.data).decode("ascii"))
    feedback = to_string(block(stem.solution, "solution")) if stem.solution else ""
    sub(sub(element, "generalfeedback", {"format": "html"}), "text", text=feedback)
    sub(element, "defaultgrade", text=number(stem.points))
    sub(element, "penalty", text=PENALTY)
    sub(element, "hidden", text="0")
    sub(element, "idnumber", text=stem.identifier)
    return element


def _choices(element: ET.Element, question: ChoiceQuestion) -> str:
    ids = [o.source_id for o in question.options]
    numbering = "ABCD" if ids == list(LETTERS[: len(ids)]) else "none"
    if question.multiple:
        n_true = len(question.correct)
        plus, minus = checkbox_weights(n_true, len(question.options) - n_true)
        right, wrong = moodle_fraction(plus), moodle_fraction(minus)
        if right is None:
            raise Skip(f"{n_true} true options: Moodle has no grade of 100/{n_true} % to give each")
    else:
        right, wrong = 100.0, 0.0
    for tag, value in (("single", "false" if question.multiple else "true"), ("shuffleanswers", "false"),
                       ("answernumbering", numbering), ("showstandardinstruction", "0")):  # fmt: skip
        sub(element, tag, text=value)
    fractions = []
    for option in question.options:
        fraction = number(right if option.correct else wrong or 0.0)
        fractions.append(f"{option.source_id} {fraction}")
        answer = sub(element, "answer", {"fraction": fraction, "format": "html"})
        sub(answer, "text", text=inline_html(option.text))
        feedback = to_string(block(option.feedback, "feedback")) if option.feedback else ""
        sub(sub(answer, "feedback", {"format": "html"}), "text", text=feedback)
    single = "multiple answers" if question.multiple else "one answer"
    return f"→ multichoice, {single} ({', '.join(fractions)} %)"


def _matching(question: MatchingQuestion) -> tuple[ET.Element, str]:
    used = {choice for _, choice in question.key}
    unused = [c for c in question.choices if c.identifier not in used]
    if len(question.items) < 2 or len(question.items) + len(unused) < 3:
        raise Skip("Moodle's matching needs at least 2 items and 3 answers (items plus unused choices)")
    element = _header("matching", question)
    sub(element, "shuffleanswers", text="false")
    texts = {c.identifier: plain(c.text) for c in question.choices}
    rows = [
        (inline_html(item.text), texts[target]) for item, (_, target) in zip(question.items, question.key, strict=True)
    ]
    rows += [("", texts[c.identifier]) for c in unused]  # distractors: an answer without a subquestion
    for text, answer in rows:
        subquestion = sub(element, "subquestion", {"format": "html"})
        sub(subquestion, "text", text=text)
        sub(sub(subquestion, "answer"), "text", text=answer)
    return element, f"→ matching ({len(question.items)} items, {len(question.choices)} choices)"
