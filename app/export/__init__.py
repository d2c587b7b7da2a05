"""Export a problem set's auto-checkable parts for learning-management systems that import quizzes.

    export = collect(load_set(Path("problems"), "my-course"), seed=0)
    data, lines = qti_package(export)      # QTI 2.1 content package (zip)
    data, lines = moodle_xml(export)       # Moodle XML
    print("\\n".join(map(str, report(export, lines))))

`collect` renders the variant (seed 0 is the exam as printed) into format-neutral questions; the writers turn
them into bytes (deterministic: the same set and seed give the same bytes). See docs/export.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.export.collect import EXPORTED_KINDS, SKIPPED, ExportError, collect, load_set
from app.export.model import ExportSet, ReportLine
from app.export.moodle import moodle_xml
from app.export.qti import qti_package


def report(export: ExportSet, lines: Iterable[ReportLine]) -> list[ReportLine]:
    """The collector's skipped parts and a writer's lines together, in exam order."""
    return sorted([*export.report, *lines], key=lambda line: line.position)


__all__ = [
    "EXPORTED_KINDS",
    "SKIPPED",
    "ExportError",
    "ExportSet",
    "ReportLine",
    "collect",
    "load_set",
    "moodle_xml",
    "qti_package",
    "report",
]
