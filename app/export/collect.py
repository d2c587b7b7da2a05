"""Turn a problem set at a seed into an `ExportSet`: the auto-checkable parts become questions, the others a
report line saying why they stay on this platform.

Texts are the author's Markdown with the variant's parameters filled in (`render_text`); answers come from
each kind's `reference_answer(variant)`, so an export grades exactly what the platform grades at that seed.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.bank.figures import render_figure
from app.bank.loader import SpecError, load_bank
from app.bank.models import Figure, ProblemSpec
from app.bank.variants import make_variant
from app.engine.errors import AuthorError
from app.engine.parameters import render_text
from app.export._ids import assign_ncnames
from app.export.model import (
    ExportSet,
    Media,
    ProblemGroup,
    Question,
    ReportLine,
    Stem,
)
from app.kinds import PART_KINDS, PartSpec

SKIPPED: dict[str, str] = {k.model_fields["kind"].default: k.not_exported for k in PART_KINDS if k.not_exported}
EXPORTED_KINDS = tuple(k.model_fields["kind"].default for k in PART_KINDS if k.not_exported is None)


class ExportError(Exception):
    """The export cannot be made (unknown set, broken problem files); the message is for the instructor."""


def load_set(problems_dir: Path, set_id: str) -> list[ProblemSpec]:
    """The problems of `set_id` under `problems_dir`, in exam order."""
    try:
        bank = load_bank(problems_dir)
    except SpecError as error:
        raise ExportError(f"the problem files have errors:\n{error}") from None
    problems = [p for p in bank if p.set == set_id]
    if not problems:
        known = ", ".join(bank.sets()) or "(none)"
        raise ExportError(f"no problem set {set_id!r} in {problems_dir}; sets: {known}")
    return problems


def collect(
    problems: Sequence[ProblemSpec], seed: int = 0, set_id: str | None = None, static_dir: Path | None = None
) -> ExportSet:
    """The export of `problems` (one set, in order) at `seed`; seed 0 is the exam as printed."""
    set_id = set_id or (problems[0].set if problems else "empty")
    ids = _identifiers(problems, set_id, seed)
    export = ExportSet(set_id=set_id, seed=seed, identifier=ids[("set",)])
    for index, problem in enumerate(problems):
        questions = _problem(problem, index, seed, ids, static_dir, export.report)
        if questions:
            export.groups.append(ProblemGroup(ids[("problem", problem.id)], problem.id, problem.title, questions))
    return export


def _identifiers(problems: Sequence[ProblemSpec], set_id: str, seed: int) -> dict[tuple[str, ...], str]:
    """Every identifier of the export, distinct across kinds (QTI and manifests want them unique together)."""
    wanted: list[tuple[tuple[str, ...], str]] = [(("set",), f"{set_id}.s{seed}")]
    for problem in problems:
        wanted.append((("problem", problem.id), f"{problem.id}.s{seed}"))
        wanted += [(("part", problem.id, part.id), f"{problem.id}.{part.id}.s{seed}") for part in problem.parts]
        wanted += [(("figure", problem.id, f.id), f"{problem.id}.{f.id}.s{seed}") for f in problem.figures]
    return assign_ncnames(wanted)


def _problem(
    problem: ProblemSpec,
    index: int,
    seed: int,
    ids: dict[tuple[str, ...], str],
    static_dir: Path | None,
    report: list[ReportLine],
) -> tuple[Question, ...]:
    try:
        variant = make_variant(problem, seed)
        params = dict(variant.params)
        statement = render_text(problem.statement, params)
    except AuthorError as error:
        report.extend(_skip(index, i, p, f"the problem has no variant at seed {seed}: {error}")
                      for i, p in enumerate(problem.parts))  # fmt: skip
        return ()
    figures = tuple(_figures(problem, index, seed, ids, static_dir, report))
    questions: list[Question] = []
    for part_index, part in enumerate(problem.parts):
        if part.not_exported is not None:  # the kind says why an LMS quiz cannot hold it
            report.append(_skip(index, part_index, part, part.not_exported))
            continue
        try:
            stem = Stem(
                identifier=ids[("part", problem.id, part.id)],
                position=(index, part_index),
                label=part.label,
                kind=part.kind,
                title=f"{part.label}: {problem.title}",
                points=part.points,
                statement=statement,
                prompt=render_text(part.prompt, params),
                figures=figures,
                solution=render_text(part.solution, params) if part.solution else None,
            )
            questions.append(part.export(stem, variant))
        except AuthorError as error:
            report.append(_skip(index, part_index, part, f"no exportable answer at seed {seed}: {error}"))
    return tuple(questions)


def _figures(
    problem: ProblemSpec,
    index: int,
    seed: int,
    ids: dict[tuple[str, ...], str],
    static_dir: Path | None,
    report: list[ReportLine],
) -> Iterable[Media]:
    for figure in problem.figures:
        identifier = ids[("figure", problem.id, figure.id)]
        data, suffix, media_type = _figure_file(figure, seed, static_dir)
        if data is None:
            where = static_dir if static_dir is not None else "the static folder (not given)"
            report.append(ReportLine((index, -1), f"fig {figure.id}", "figure", False,
                                     f"static file {figure.src!r} not found in {where}: left out"))  # fmt: skip
            continue
        yield Media(identifier, f"{identifier}{suffix}", data, media_type, figure.alt, figure.caption)


def _figure_file(figure: Figure, seed: int, static_dir: Path | None) -> tuple[bytes | None, str, str]:
    if figure.generator is not None:
        return render_figure(figure.generator, seed).svg.encode("utf-8"), ".svg", "image/svg+xml"
    path = (static_dir / figure.src) if static_dir is not None and figure.src else None
    if path is None or not path.is_file():
        return None, "", ""
    return path.read_bytes(), path.suffix.lower(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _skip(index: int, part_index: int, part: PartSpec, reason: str) -> ReportLine:
    return ReportLine((index, part_index), part.label, part.kind, False, reason)


def report(export: ExportSet, lines: Iterable[ReportLine]) -> list[ReportLine]:
    """The collector's skipped parts and a writer's lines together, in exam order."""
    return sorted([*export.report, *lines], key=lambda line: line.position)
