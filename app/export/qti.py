"""A QTI 2.1 content package (IMS Content Packaging 1.1): a zip holding `imsmanifest.xml`, an `assessmentTest`
with one section per problem, one `assessmentItem` per exported part and the figures those items show.

Layout of the zip (every entry with a fixed timestamp, so the same export gives the same bytes)::

    imsmanifest.xml
    assessmentTest.xml
    items/<problem>.<part>.s<seed>.xml
    items/media/<problem>.<figure>.s<seed>.svg

The manifest lists the test (`imsqti_test_xmlv2p1`), each item (`imsqti_item_xmlv2p1`, with QTI metadata naming
its interaction) and each figure (`webcontent`), with `dependency` links test → items → figures.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.export._xml import sub, to_bytes, zip_bytes
from app.export.model import ChoiceQuestion, ExportSet, MatchingQuestion, Media, Question, ReportLine
from app.export.qti_items import MEDIA_DIR, SCORE, XSI_NS, Item, item, outcomes, qti_root

CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"
QTI_METADATA_NS = "http://www.imsglobal.org/xsd/imsqti_metadata_v2p1"
QTI_METADATA_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_metadata_v2p1.xsd"
ITEM_TYPE, TEST_TYPE, MEDIA_TYPE = "imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1", "webcontent"
MANIFEST, TEST_FILE, ITEM_DIR = "imsmanifest.xml", "assessmentTest.xml", "items"
TOOL = "quizzes"


def qti_package(export: ExportSet) -> tuple[bytes, list[ReportLine]]:
    """The zip package of `export`, and a report line per exported part."""
    items: list[Item] = []
    report: list[ReportLine] = []
    for question in export.questions:
        built = item(question)
        items.append(built)
        stem = question.stem
        report.append(ReportLine(stem.position, stem.label, stem.kind, True, f"→ {_summary(question, built)}"))
    media = {m.filename: m for i in items for m in i.media}
    entries = {MANIFEST: _manifest(export, items, list(media.values())), TEST_FILE: _test(export, items)}
    entries |= {_item_href(i): i.document for i in items}
    entries |= {f"{ITEM_DIR}/{MEDIA_DIR}/{name}": m.data for name, m in media.items()}
    return zip_bytes(entries), report


def _summary(question: Question, built: Item) -> str:
    """The interaction and its key, for the instructor to check against the exam."""
    if isinstance(question, ChoiceQuestion):
        return (
            f"{built.interaction} maxChoices={0 if question.multiple else 1}, correct {{{', '.join(question.correct)}}}"
        )
    if isinstance(question, MatchingQuestion):
        return f"{built.interaction}, correct {', '.join(f'{i}→{c}' for i, c in question.key)}"
    if question.integer:
        return f"{built.interaction} integer, correct {question.value}"
    return f"{built.interaction} float, correct {question.value:.6g} ± {question.tolerance:.3g}"


def _item_href(built: Item) -> str:
    return f"{ITEM_DIR}/{built.identifier}.xml"


def _test(export: ExportSet, items: list[Item]) -> bytes:
    """The `assessmentTest`: one section per problem; SCORE sums the items' SCOREs (points), MAXSCORE is the total."""
    by_id = {i.identifier: i for i in items}
    root = qti_root("assessmentTest", export.identifier, f"{export.set_id} (seed {export.seed})")
    outcomes(root, sum(i.points for i in items))
    modes = {"navigationMode": "nonlinear", "submissionMode": "simultaneous"}
    part = sub(root, "testPart", {"identifier": "testPart1", **modes})
    for group in export.groups:
        section = sub(
            part, "assessmentSection", {"identifier": group.identifier, "title": group.title, "visible": "true"}
        )
        for question in group.questions:
            built = by_id[question.stem.identifier]
            sub(section, "assessmentItemRef", {"identifier": built.identifier, "href": _item_href(built)})
    processing = sub(root, "outcomeProcessing")
    total = sub(sub(processing, "setOutcomeValue", {"identifier": SCORE}), "sum")
    sub(total, "testVariables", {"variableIdentifier": SCORE})
    return to_bytes(root)


def _manifest(export: ExportSet, items: list[Item], media: list[Media]) -> bytes:
    root = ET.Element(
        "manifest",
        {
            "xmlns": CP_NS,
            "xmlns:imsqti": QTI_METADATA_NS,
            "xmlns:xsi": XSI_NS,
            "identifier": f"MANIFEST-{export.identifier}",
            "xsi:schemaLocation": f"{CP_NS} {CP_XSD} {QTI_METADATA_NS} {QTI_METADATA_XSD}",
        },
    )
    metadata = sub(root, "metadata")
    sub(metadata, "schema", text="QTIv2.1 Package")
    sub(metadata, "schemaversion", text="1.0.0")
    sub(root, "organizations")
    resources = sub(root, "resources")
    test = _resource(resources, export.identifier, TEST_TYPE, TEST_FILE)
    for built in items:
        sub(test, "dependency", {"identifierref": built.identifier})
    for built in items:
        resource = _resource(resources, built.identifier, ITEM_TYPE, _item_href(built), built.interaction)
        for figure in built.media:
            sub(resource, "dependency", {"identifierref": figure.identifier})
    for figure in media:
        _resource(resources, figure.identifier, MEDIA_TYPE, f"{ITEM_DIR}/{MEDIA_DIR}/{figure.filename}")
    return to_bytes(root)


def _resource(
    resources: ET.Element, identifier: str, kind: str, href: str, interaction: str | None = None
) -> ET.Element:
    resource = sub(resources, "resource", {"identifier": identifier, "type": kind, "href": href})
    if interaction is not None:
        qti = sub(sub(resource, "metadata"), "imsqti:qtiMetadata")
        sub(qti, "imsqti:timeDependent", text="false")
        sub(qti, "imsqti:interactionType", text=interaction)
        sub(qti, "imsqti:feedbackType", text="none")
        sub(qti, "imsqti:solutionAvailable", text="false")
        sub(qti, "imsqti:toolName", text=TOOL)
    sub(resource, "file", {"href": href})
    return resource
