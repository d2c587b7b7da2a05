"""QTI 2.1 `assessmentItem` documents, one per exported part.

Every item declares `RESPONSE` (with its `correctResponse`), the outcomes `SCORE` and `MAXSCORE` (the part's
points), an `itemBody` (statement, figures, prompt, interaction) and response processing:

- `choice` → `choiceInteraction maxChoices="1"`, `checkbox` → `choiceInteraction maxChoices="0"`,
  `matching` → `matchInteraction` (`directedPair` item → choice), `integer` → `textEntryInteraction` with
  `baseType="integer"`: the standard `map_response` template, whose `mapping` carries the credit in points.
  For a checkbox each true option is worth points/n_true and each false one costs points/n_false, floored at
  0 (`checkbox_weights`); for matching each right pair is worth points/n_items (the platform's own rule).
- `number` → `textEntryInteraction baseType="float"` with its own response processing:
  `<equal toleranceMode="relative" tolerance="…">` (a percentage, `rtol × 100`) for a positive answer, and
  `toleranceMode="absolute"` (`atol + rtol·|answer|`) for zero or a negative answer, where QTI's relative bounds
  `y(1 ∓ t/100)` would be empty or reversed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from app.export._xml import number, sub, to_bytes
from app.export.model import ChoiceQuestion, MatchingQuestion, Media, NumericQuestion, Question, checkbox_weights
from app.export.xhtml import XHTML_TAGS, append_stem, inline_into

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MAP_RESPONSE = TEMPLATES + "map_response"
RESPONSE, SCORE, MAXSCORE = "RESPONSE", "SCORE", "MAXSCORE"
MEDIA_DIR = "media"  # figures, relative to the items
LEAVES = XHTML_TAGS | {"simpleChoice", "simpleAssociableChoice", "prompt"}


@dataclass(frozen=True)
class Item:
    """One item file of the package."""

    identifier: str
    interaction: str
    points: float
    media: tuple[Media, ...]
    document: bytes


def qti_root(tag: str, identifier: str, title: str) -> ET.Element:
    """The root element of a QTI 2.1 document, with its namespace and schema location."""
    return ET.Element(
        tag,
        {
            "xmlns": QTI_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": identifier,
            "title": title,
        },
    )


def item(question: Question) -> Item:
    """The `assessmentItem` of one question."""
    stem = question.stem
    root = qti_root("assessmentItem", stem.identifier, stem.title)
    root.set("adaptive", "false")
    root.set("timeDependent", "false")
    interaction = _declare_response(root, question)
    outcomes(root, stem.points)
    body = sub(root, "itemBody")
    append_stem(body, stem.statement, stem.figures, stem.prompt, f"{MEDIA_DIR}/")
    _interaction(body, question)
    _response_processing(root, question)
    return Item(stem.identifier, interaction, stem.points, stem.figures, to_bytes(root, LEAVES))


def _declare_response(root: ET.Element, question: Question) -> str:
    points = question.stem.points
    if isinstance(question, ChoiceQuestion):
        cardinality = "multiple" if question.multiple else "single"
        declaration = sub(root, "responseDeclaration",
                          {"identifier": RESPONSE, "cardinality": cardinality, "baseType": "identifier"})  # fmt: skip
        _correct(declaration, question.correct)
        if question.multiple:
            n_true = len(question.correct)
            plus, minus = checkbox_weights(n_true, len(question.options) - n_true)
            entries = [(o.identifier, (plus if o.correct else minus) * points) for o in question.options]
        else:
            entries = [(o.identifier, points) for o in question.options if o.correct]
        _mapping(declaration, entries, points)
        return "choiceInteraction"
    if isinstance(question, MatchingQuestion):
        declaration = sub(root, "responseDeclaration",
                          {"identifier": RESPONSE, "cardinality": "multiple", "baseType": "directedPair"})  # fmt: skip
        pairs = [f"{item} {choice}" for item, choice in question.key]
        _correct(declaration, pairs)
        _mapping(declaration, [(pair, points / len(pairs)) for pair in pairs], points)
        return "matchInteraction"
    base_type = "integer" if question.integer else "float"
    declaration = sub(root, "responseDeclaration",
                      {"identifier": RESPONSE, "cardinality": "single", "baseType": base_type})  # fmt: skip
    _correct(declaration, [number(question.value)])
    if question.integer:
        _mapping(declaration, [(number(question.value), points)], points)
    return "textEntryInteraction"


def _correct(declaration: ET.Element, values: list[str] | tuple[str, ...]) -> None:
    correct = sub(declaration, "correctResponse")
    for value in values:
        sub(correct, "value", text=value)


def _mapping(declaration: ET.Element, entries: list[tuple[str, float]], points: float) -> None:
    mapping = sub(declaration, "mapping", {"lowerBound": "0", "upperBound": number(points), "defaultValue": "0"})
    for key, value in entries:
        sub(mapping, "mapEntry", {"mapKey": key, "mappedValue": number(value)})


def outcomes(root: ET.Element, points: float) -> None:
    """Declare `SCORE` (default 0) and `MAXSCORE` (`points`), single floats."""
    for identifier, default in ((SCORE, 0.0), (MAXSCORE, points)):
        attributes = {"identifier": identifier, "cardinality": "single", "baseType": "float"}
        sub(sub(sub(root, "outcomeDeclaration", attributes), "defaultValue"), "value", text=number(default))


def _interaction(body: ET.Element, question: Question) -> None:
    if isinstance(question, ChoiceQuestion):
        max_choices = "0" if question.multiple else "1"
        interaction = sub(body, "choiceInteraction",
                          {"responseIdentifier": RESPONSE, "shuffle": "false", "maxChoices": max_choices})  # fmt: skip
        for option in question.options:
            inline_into(sub(interaction, "simpleChoice", {"identifier": option.identifier}), option.text)
    elif isinstance(question, MatchingQuestion):
        interaction = sub(body, "matchInteraction",
                          {"responseIdentifier": RESPONSE, "shuffle": "false",
                           "maxAssociations": str(len(question.items))})  # fmt: skip
        for entries, match_max in ((question.items, 1), (question.choices, len(question.items))):
            match_set = sub(interaction, "simpleMatchSet")
            for entry in entries:
                choice = sub(match_set, "simpleAssociableChoice",
                             {"identifier": entry.identifier, "matchMax": str(match_max)})  # fmt: skip
                inline_into(choice, entry.text)
    else:
        paragraph = sub(body, "p", {"class": "answer"}, text="Answer: ")
        sub(paragraph, "textEntryInteraction", {"responseIdentifier": RESPONSE, "expectedLength": "15"})


def _response_processing(root: ET.Element, question: Question) -> None:
    if not isinstance(question, NumericQuestion) or question.integer:
        sub(root, "responseProcessing", {"template": MAP_RESPONSE})
        return
    if question.value > 0 and question.atol <= question.rtol * question.value * 1e-3:
        tolerance = {"toleranceMode": "relative", "tolerance": f"{question.rtol * 100:.12g}"}
    else:
        tolerance = {"toleranceMode": "absolute", "tolerance": f"{question.tolerance:.12g}"}
    condition = sub(sub(root, "responseProcessing"), "responseCondition")
    branch = sub(condition, "responseIf")
    equal = sub(branch, "equal", tolerance)
    sub(equal, "variable", {"identifier": RESPONSE})
    sub(equal, "correct", {"identifier": RESPONSE})
    _set_score(branch, question.stem.points)
    _set_score(sub(condition, "responseElse"), 0.0)


def _set_score(parent: ET.Element, value: float) -> None:
    outcome = sub(parent, "setOutcomeValue", {"identifier": SCORE})
    sub(outcome, "baseValue", {"baseType": "float"}, text=number(value))
