"""The QTI 2.1 package: structurally valid (tests/export/qti_checker.py), with the exam's answers at seed 0,
the documented scoring, well-formed XHTML, and the same bytes on every export."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.export import ExportSet, qti_package
from app.export.collect import collect, report
from tests.export.qti_checker import CP, QTI, check_package

ITEM = "items/{}.xml"


@pytest.fixture(scope="module")
def midterm_docs(midterm_export: ExportSet) -> dict[str, ET.Element]:
    data, _ = qti_package(midterm_export)
    return check_package(data)


@pytest.fixture(scope="module")
def edge_docs(edge_export: ExportSet) -> dict[str, ET.Element]:
    data, _ = qti_package(edge_export)
    return check_package(data)


def correct(item: ET.Element) -> list[str]:
    return [v.text or "" for v in item.findall(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value")]


def mapping(item: ET.Element) -> dict[str, float]:
    entries = item.findall(f"{QTI}responseDeclaration/{QTI}mapping/{QTI}mapEntry")
    return {e.get("mapKey", ""): float(e.get("mappedValue", "nan")) for e in entries}


def test_the_manifest_is_an_ims_cp_of_qti_21_resources(midterm_docs: dict[str, ET.Element]) -> None:
    manifest = midterm_docs["imsmanifest.xml"]
    assert manifest.tag == f"{CP}manifest"
    assert "http://www.imsglobal.org/xsd/imscp_v1p1" in manifest.get(
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", ""
    )
    types = sorted({r.get("type", "") for r in manifest.iter(f"{CP}resource")})
    assert types == ["imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1", "webcontent"]
    assert all(doc.tag.startswith(QTI) for name, doc in midterm_docs.items() if name != "imsmanifest.xml")
    interactions = [e.text for e in manifest.iter("{http://www.imsglobal.org/xsd/imsqti_metadata_v2p1}interactionType")]
    assert sorted({text or "" for text in interactions}) == [
        "choiceInteraction",
        "matchInteraction",
        "textEntryInteraction",
    ]


def test_the_exported_parts_are_the_exams_choice_numeric_and_matching_parts(midterm_export: ExportSet) -> None:
    _, lines = qti_package(midterm_export)
    exported = [line.label for line in report(midterm_export, lines) if line.exported]
    assert exported == ["1a", "1b", "1c", "1d", "2d", "3c.iii", "4a", "4b"]
    skipped = {line.label: line.kind for line in midterm_export.report}
    assert skipped["2a"] == "text" and skipped["2b.i"] == "shape" and skipped["3b"] == "matrix"
    assert skipped["2b.iii"] == "condition" and skipped["4c.i"] == "expression"
    assert len(skipped) == 23


def test_1a_is_a_multiple_choice_whose_correct_response_is_a_and_b(midterm_docs: dict[str, ET.Element]) -> None:
    item = midterm_docs[ITEM.format("c147-w23-1.initialization.s0")]
    assert item.find(f"{QTI}itemBody/{QTI}choiceInteraction").get("maxChoices") == "0"  # type: ignore[union-attr]
    assert item.find(f"{QTI}responseDeclaration").get("cardinality") == "multiple"  # type: ignore[union-attr]
    assert set(correct(item)) == {"A", "B"}
    assert mapping(item) == {"A": 2.5, "B": 2.5, "C": -5.0}  # 5 points: true options share them, C takes them back
    template = item.find(f"{QTI}responseProcessing").get("template")  # type: ignore[union-attr]
    assert template == "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"


def test_1d_is_an_integer_text_entry_whose_answer_is_140(midterm_docs: dict[str, ET.Element]) -> None:
    item = midterm_docs[ITEM.format("c147-w23-1.conv_parameters.s0")]
    assert item.find(f"{QTI}responseDeclaration").get("baseType") == "integer"  # type: ignore[union-attr]
    assert correct(item) == ["140"]
    assert item.find(f".//{QTI}textEntryInteraction") is not None


def test_2d_is_a_single_choice_whose_answer_is_sparse(midterm_docs: dict[str, ET.Element]) -> None:
    item = midterm_docs[ITEM.format("c147-w23-2.l1_vs_l2.s0")]
    assert item.find(f"{QTI}itemBody/{QTI}choiceInteraction").get("maxChoices") == "1"  # type: ignore[union-attr]
    assert correct(item) == ["sparse"]
    assert mapping(item) == {"sparse": 1.0}


def test_4a_has_the_answer_computed_from_the_figure_and_ships_the_figure(
    midterm: list[ProblemSpec], midterm_docs: dict[str, ET.Element]
) -> None:
    problem = next(p for p in midterm if p.id == "c147-w23-4")
    item = midterm_docs[ITEM.format("c147-w23-4.momentum_or_nesterov.s0")]
    assert correct(item) == ["nesterov"]  # seed 0 draws the textbook case: momentum overshoots, Nesterov does not
    assert make_variant(problem, 0).params["fig1.faster"] == "nesterov"
    sources = [img.get("src") for img in item.iter(f"{QTI}img")]
    assert sources == ["media/c147-w23-4.fig1.s0.svg", "media/c147-w23-4.fig2.s0.svg"]


def test_4b_is_a_match_interaction_with_the_figures_mapping(midterm_docs: dict[str, ET.Element]) -> None:
    item = midterm_docs[ITEM.format("c147-w23-4.which_optimizer.s0")]
    assert correct(item) == ["a momentum", "b adagrad", "c adam"]
    assert sum(mapping(item).values()) == pytest.approx(4.0)  # 4 points, a third per right pair


def test_parameters_are_rendered_and_math_is_wrapped_for_mathjax(midterm_docs: dict[str, ET.Element]) -> None:
    element = midterm_docs[ITEM.format("c147-w23-1.conv_parameters.s0")].find(f".//{QTI}div[@class='prompt']")
    assert element is not None
    prompt = "".join(element.itertext())
    assert "uses 5 filters of size \\(3 \\times 3\\)" in prompt
    assert "{{" not in prompt and "$" not in prompt


@pytest.mark.parametrize(
    ("identifier", "mode", "tolerance"),
    [
        ("_9-edge.ratio.s0", "relative", 0.5),
        ("_9-edge.negative.s0", "absolute", 0.025),
        ("_9-edge.zero.s0", "absolute", 0.001),
    ],
)
def test_numbers_are_float_entries_with_a_tolerance(
    edge_docs: dict[str, ET.Element], identifier: str, mode: str, tolerance: float
) -> None:
    item = edge_docs[ITEM.format(identifier)]
    assert item.find(f"{QTI}responseDeclaration").get("baseType") == "float"  # type: ignore[union-attr]
    equal = item.find(f"{QTI}responseProcessing//{QTI}equal")
    assert equal is not None and equal.get("toleranceMode") == mode
    assert float(equal.get("tolerance", "nan")) == pytest.approx(tolerance, rel=1e-6)
    assert [local.tag for local in equal] == [f"{QTI}variable", f"{QTI}correct"]


def test_a_number_answer_is_computed_from_the_parameters(edge_docs: dict[str, ET.Element]) -> None:
    assert correct(edge_docs[ITEM.format("_9-edge.ratio.s0")]) == ["1"]  # lr * 4 with lr = 0.25


def test_ids_that_are_not_ncnames_are_mapped_and_kept_distinct(edge_docs: dict[str, ET.Element]) -> None:
    choice = edge_docs[ITEM.format("_9-edge.1st.s0")]
    assert [c.get("identifier") for c in choice.iter(f"{QTI}simpleChoice")] == ["_1-2", "_1"]
    assert correct(choice) == ["_1-2"]
    match = edge_docs[ITEM.format("_9-edge.pairs.s0")]
    assert correct(match) == ["a a-2", "b a-2"]  # the choice `a` is renamed: item and choice ids share a space


def test_hostile_markdown_becomes_well_formed_qti_xhtml(edge_docs: dict[str, ET.Element]) -> None:
    statement = edge_docs[ITEM.format("_9-edge.ratio.s0")].find(f".//{QTI}div[@class='statement']")
    assert statement is not None
    text = "".join(statement.itertext())
    assert "A rate of 0.25" in text and "<script>alert(1)</script>" in text and "R&D" in text
    assert "\\(a < b\\)" in text and "\\[x^2\\]" in text
    tags = {e.tag.removeprefix(QTI) for e in statement.iter()}
    assert "script" not in tags and {"table", "th", "ol", "a"} <= tags
    assert all(set(e.attrib) <= {"class", "href"} for e in statement.iter())  # no style, title or start


def test_a_problem_with_one_exportable_part_gives_a_valid_package() -> None:
    parts = [
        {"id": "t", "label": "1", "kind": "text", "model_answer": "x"},
        {
            "id": "c",
            "label": "2",
            "kind": "choice",
            "answer": "a",
            "options": [{"id": "a", "text": "a"}, {"id": "b", "text": "b"}],
        },
    ]
    problem = ProblemSpec.model_validate({"id": "one", "title": "T", "set": "s", "parts": parts})
    export = collect([problem])
    data, lines = qti_package(export)
    check_package(data)
    assert [(line.label, line.exported) for line in report(export, lines)] == [("1", False), ("2", True)]


def test_exports_are_deterministic_with_fixed_zip_timestamps(midterm: list[ProblemSpec]) -> None:
    first, _ = qti_package(collect(midterm, seed=0))
    second, _ = qti_package(collect(midterm, seed=0))
    assert first == second
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert infos[0].filename == "imsmanifest.xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_identifiers_depend_on_the_seed_only(midterm: list[ProblemSpec]) -> None:
    seed0 = {q.stem.identifier for q in collect(midterm, seed=0).questions}
    seed7 = {q.stem.identifier for q in collect(midterm, seed=7).questions}
    assert "c147-w23-1.initialization.s0" in seed0 and "c147-w23-1.initialization.s7" in seed7
    check_package(qti_package(collect(midterm, seed=7))[0])


def rezip(data: bytes, name: str, old: str, new: str) -> bytes:
    """The package with one text replacement in one entry (the other entries unchanged)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode(), 1)
            target.writestr(info, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "imsmanifest.xml",
            'href="items/c147-w23-1.initialization.s0.xml"',
            'href="items/missing.xml"',
            "not in the zip",
        ),
        ("imsmanifest.xml", "imscp_v1p1", "imscp_v1p2", "not imscp_v1p1 manifest"),
        ("items/c147-w23-1.initialization.s0.xml", "<value>A</value>", "<value>Z</value>", "are not choices"),
        ("items/c147-w23-1.initialization.s0.xml", 'identifier="B"', 'identifier="A"', "repeated"),
        ("items/c147-w23-1.initialization.s0.xml", 'identifier="SCORE"', 'identifier="POINTS"', "SCORE"),
        (
            "items/c147-w23-1.initialization.s0.xml",
            'responseIdentifier="RESPONSE"',
            'responseIdentifier="R2"',
            "undeclared",
        ),
        (
            "items/c147-w23-1.initialization.s0.xml",
            '<div class="prompt">',
            '<div class="prompt" style="color:red">',
            "style",
        ),
        ("items/c147-w23-1.initialization.s0.xml", "<strong>", "<strong><b>x</b>", "not allowed"),
        ("items/c147-w23-4.momentum_or_nesterov.s0.xml", 'src="media/', 'src="img/', "not in the package"),
        ("assessmentTest.xml", 'identifier="c147-w23-2.s0"', 'identifier="c147-w23-1.s0"', "used twice"),
    ],
)
def test_the_structural_checker_rejects_broken_packages(
    midterm_export: ExportSet, name: str, old: str, new: str, message: str
) -> None:
    data, _ = qti_package(midterm_export)
    with pytest.raises(AssertionError, match=message):
        check_package(rezip(data, name, old, new))


def test_static_figures_are_packaged_or_reported_missing(tmp_path: Path) -> None:
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "net.png").write_bytes(b"\x89PNG fake")
    figures = [
        {"id": "net", "alt": "A network", "src": "figs/net.png"},
        {"id": "gone", "alt": "?", "src": "figs/no.png"},
    ]
    parts = [{"id": "n", "label": "1", "kind": "integer", "answer": 3}]
    problem = ProblemSpec.model_validate({"id": "p", "title": "T", "set": "s", "figures": figures, "parts": parts})
    export = collect([problem], static_dir=tmp_path)
    data, lines = qti_package(export)
    docs = check_package(data)
    assert [img.get("src") for img in docs["items/p.n.s0.xml"].iter(f"{QTI}img")] == ["media/p.net.s0.png"]
    assert zipfile.ZipFile(io.BytesIO(data)).read("items/media/p.net.s0.png") == b"\x89PNG fake"
    missing = report(export, lines)[0]
    assert (missing.label, missing.exported) == ("fig gone", False) and "figs/no.png" in missing.detail


def test_a_part_whose_answer_is_not_an_option_is_skipped_with_the_reason() -> None:
    options = [{"id": "a", "text": "a"}, {"id": "b", "text": "b"}]
    parts = [{"id": "c", "label": "1", "kind": "choice", "answer": "zz", "options": options}]
    export = collect([ProblemSpec.model_validate({"id": "p", "title": "T", "set": "s", "parts": parts})])
    assert export.groups == []
    assert [str(line) for line in export.report] == [
        "skipped  1          choice     no exportable answer at seed 0: "
        "the answer ['zz'] does not name options of the part"
    ]
