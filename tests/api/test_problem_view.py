"""A problem's variant as students and integrators get it, and what must never be in it (or in check feedback)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.parameters import render_text
from app.kinds import PartSpec, Variant
from tests.api.conftest import Api

SEEDS = range(4)
# No key anywhere in a student-facing document may name something only the server should know.
FORBIDDEN_KEYS = {
    "answer", "answers", "answer_param", "solution", "solution_after", "correct", "mistakes", "model_answer",
    "rubric", "keywords", "example", "relation", "relations", "target", "feedback", "reference", "answer_quantity",
}  # fmt: skip
MIN_SECRET = 10  # shorter texts (option ids such as `no`, numbers) legitimately appear in questions
VOCABULARY = {"scalar"}  # words of an input's syntax (a shape is `rows × columns` or `scalar`), not answers
JUNK = [{"not": "an answer"}, 3.5, "(", "zzz qqq", ["x"], True]  # wrong types and unreadable text for every kind


def part_secrets(part: PartSpec, variant: Variant, feedback_too: bool = True) -> list[str]:
    """Every text of a part that only the server, or a student after answering, may see.

    With `feedback_too`, also the texts written to be feedback (mistake messages, keyword suggestions, an option's
    feedback, a relation's message): never in a question, but the check shows them to the student they concern.
    """
    params = dict(variant.params)
    texts: list[str] = [render_text(part.solution, params)] if part.solution else []
    if part.kind in ("expression", "text"):  # other kinds' references are option ids or values, checked apart
        texts.append(part.reference_answer(variant))
    texts += [render_text(item, params) for item in getattr(part, "rubric", [])]
    for mistake in getattr(part, "mistakes", []):  # a mistake that is a bare name is a name the question shows
        texts += [] if str(mistake.answer).isidentifier() else [str(mistake.answer)]
        texts += [mistake.message] if feedback_too else []
    if feedback_too:
        texts += [keyword.suggestion for keyword in getattr(part, "keywords", [])]
        texts += [option.feedback for option in getattr(part, "options", []) if getattr(option, "feedback", None)]
        for relation in [getattr(part, "relation", None), *getattr(part, "relations", [])]:
            texts += [relation] if isinstance(relation, str) else [relation.message or ""] if relation else []
    lines = [line.strip() for text in texts for line in text.splitlines()]
    return sorted({t for t in [*texts, *lines] if len(t.strip()) >= MIN_SECRET})


def strings_and_keys(document: Any) -> Iterator[tuple[str, str]]:
    """("key", name) for every key and ("value", text) for every string, however deep."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield "key", key
            yield from strings_and_keys(value)
    elif isinstance(document, list):
        for item in document:
            yield from strings_and_keys(item)
    elif isinstance(document, str):
        yield "value", document


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("seed", SEEDS)
def test_no_variant_shows_an_answer_solution_or_rubric(api: Api, bank, seed: int) -> None:  # type: ignore[no-untyped-def]
    for problem in bank:
        response = api.client.get(f"/api/v1/problems/{problem.id}?seed={seed}")
        assert response.status_code == 200, (problem.id, response.text)
        found = list(strings_and_keys(response.json()))
        keys = {name for kind, name in found if kind == "key"}
        assert not keys & FORBIDDEN_KEYS, (problem.id, keys & FORBIDDEN_KEYS)
        values = [squeeze(text) for kind, text in found if kind == "value"]
        variant = make_variant(problem, seed)
        for part in problem.parts:
            for secret in part_secrets(part, variant):
                assert not any(squeeze(secret) in value for value in values), (problem.id, part.id, secret)


def test_a_variant_has_its_statement_figures_and_inputs(api: Api, bank) -> None:  # type: ignore[no-untyped-def]
    two = api.client.get("/api/v1/problems/c147-w23-2").json()
    assert (two["id"], two["seed"], two["set"]) == ("c147-w23-2", 0, "c147-w23-midterm")
    assert "10,000 chest X-rays" in two["statement"] and "{{" not in two["statement"]
    assert [p["id"] for p in two["parts"]] == [p.id for p in bank.problems["c147-w23-2"].parts]
    w1 = next(p for p in two["parts"] if p["id"] == "delta_W1")
    assert {key: w1[key] for key in ("label", "kind", "points", "max_attempts")} == {
        "label": "2b.viii", "kind": "expression", "points": 3.0, "max_attempts": None,
    }  # fmt: skip
    assert two["due"] is None  # the midterm's set has no due date: its solutions show on request
    assert w1["solutions"] == {
        "after_attempts": None, "on_request": True, "after_due": True,
        "words": "Solutions: on request (forfeits the part's points).",
    }  # fmt: skip
    names = {n["name"]: n["shape"] for n in w1["public_view"]["names"]}
    assert names["x"] == "D_x × 1" and names["delta_b1"] == "D_a1 × 1" and "delta_W1" not in names
    four = [api.client.get(f"/api/v1/problems/c147-w23-4?seed={seed}").json() for seed in (0, 1)]
    svgs = [[f["svg"] for f in problem["figures"]] for problem in four]
    assert all(svg.startswith("<svg") for svg in svgs[0]) and len(svgs[0]) == 2
    assert svgs[0] != svgs[1]  # each variant draws its own figures
    choice = next(p for p in four[0]["parts"] if p["kind"] == "choice")
    assert {"id", "text"} == set(choice["public_view"]["options"][0])


@pytest.mark.parametrize(("path", "status"), [
    ("/api/v1/problems/no-such-problem", 404), ("/api/v1/problems/c147-w23-2?seed=-1", 422),
    ("/api/v1/problems/c147-w23-2?seed=2147483648", 422),
])  # fmt: skip
def test_errors_are_problem_details(api: Api, path: str, status: int) -> None:
    response = api.client.get(path)
    assert response.status_code == status and response.headers["content-type"] == "application/problem+json"


def mistakes(problem: ProblemSpec, variant: Variant) -> Iterator[tuple[PartSpec, Any, str]]:
    """Each listed mistake as a student would type it (numbers computed from the variant) and its message."""
    for part in problem.parts:
        for mistake in getattr(part, "mistakes", []):
            answer = mistake.answer
            if part.kind in ("integer", "number") and isinstance(answer, str):
                answer = part.value(answer, variant)  # type: ignore[union-attr]
            yield part, answer, render_text(mistake.message, dict(variant.params))


def shows_reference(part: PartSpec, variant: Variant, text: str) -> bool:
    """Whether `text` spells the part's reference answer (a number as a whole token, other answers squeezed)."""
    reference = part.reference_answer(variant)
    if isinstance(reference, bool) or (isinstance(reference, str) and reference in VOCABULARY):
        return False
    if isinstance(reference, int | float):
        return re.search(rf"(?<![\d.]){re.escape(f'{reference:g}')}(?![\d.])", text) is not None
    if isinstance(reference, str) and len(reference) >= 3 and part.kind in ("expression", "shape"):
        return squeeze(reference) in squeeze(text)
    return False


def leaks(part: PartSpec, variant: Variant, text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Answers, solutions and rubrics that `text` (feedback) shows."""
    secrets = part_secrets(part, variant, feedback_too=False)
    found = [s for s in secrets if s not in allowed and squeeze(s) in squeeze(text)]
    return found + (["the reference answer"] if shows_reference(part, variant, text) else [])


def test_check_feedback_on_every_listed_mistake_names_the_mistake_not_the_answer(api: Api, bank) -> None:  # type: ignore[no-untyped-def]
    checked: dict[str, int] = {}
    for problem in bank:
        variant = make_variant(problem, 0)
        for part, answer, message in mistakes(problem, variant):
            response = api.client.post(f"/api/v1/problems/{problem.id}/check", json={"answers": {part.id: answer}})
            verdict = response.json()["parts"][part.id]
            assert (verdict["status"], verdict["reason"]) == ("incorrect", "mistake"), (problem.id, part.id, verdict)
            assert squeeze(message) in squeeze(verdict["feedback"]), (problem.id, part.id)
            assert not leaks(part, variant, verdict["feedback"], allowed=(message, str(answer))), (problem.id, part.id)
            checked[problem.set] = checked.get(problem.set, 0) + 1
    assert checked == {"c147-w23-midterm": 19, "dl-practice": 100}  # every mistake each set lists


def test_no_feedback_on_an_unreadable_or_mistyped_answer_shows_the_answer(api: Api, bank) -> None:  # type: ignore[no-untyped-def]
    for problem in bank:
        for seed in (0, 1):
            variant = make_variant(problem, seed)
            for junk in JUNK:
                answers = {part.id: junk for part in problem.parts}
                body = {"seed": seed, "answers": answers}
                verdicts = api.client.post(f"/api/v1/problems/{problem.id}/check", json=body).json()["parts"]
                for part in problem.parts:
                    feedback = verdicts[part.id]["feedback"]
                    assert not leaks(part, variant, feedback), (problem.id, seed, part.id, junk, feedback)


def test_the_pages_input_hints_never_spell_an_answer(api: Api, bank) -> None:  # type: ignore[no-untyped-def]
    seen = 0
    for problem in bank:  # a new visitor's first variant: seed 0, the exam as printed
        page = api.client.get(f"/problems/{problem.id}")
        assert page.status_code == 200
        hints = [html.unescape(h) for h in re.findall(r'placeholder="([^"]*)"', page.text)]
        seen += len(hints)
        variant = make_variant(problem, 0)
        for part in problem.parts:
            assert not [h for h in hints if shows_reference(part, variant, h)], (problem.id, part.id, hints)
    assert seen >= 3  # the integer and shape inputs
