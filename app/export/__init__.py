"""Export a problem set's auto-checkable parts for learning-management systems that import quizzes.

    from app.export.collect import collect   # (`app.export.collect` is also the module's name)
    export = collect(load_set(Path("problems"), "my-course"), seed=0)
    data, lines = qti_package(export)      # QTI 2.1 content package (zip)
    data, lines = moodle_xml(export)       # Moodle XML
    print("\\n".join(map(str, report(export, lines))))

`collect` renders the variant (seed 0 is the exam as printed) into format-neutral questions; the writers turn
them into bytes (deterministic: the same set and seed give the same bytes). See docs/export.md.
"""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use (PEP 562), so the answer kinds can import the question model (`app.export.model`) that their
# `export` builds without importing the collector, which imports the kinds.
_PUBLIC = {
    "EXPORTED_KINDS": "app.export.collect", "SKIPPED": "app.export.collect", "ExportError": "app.export.collect",
    "load_set": "app.export.collect", "report": "app.export.collect", "ExportSet": "app.export.model",
    "ReportLine": "app.export.model", "moodle_xml": "app.export.moodle", "qti_package": "app.export.qti",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'app.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)


__all__ = sorted(_PUBLIC)
