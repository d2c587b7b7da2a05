"""A structural validator for QTI 2.1 content packages: the parts of the IMS CP 1.1 and QTI 2.1 schemas an LMS
importer relies on, checked with `xml.etree` (no XSD download, no lxml).

`check_package(data)` raises AssertionError naming the first violation, and returns the parsed documents by
path for further assertions. What it checks:

- the zip holds `imsmanifest.xml`; every entry that ends in `.xml` is well-formed;
- the manifest is `{imscp_v1p1}manifest` with `metadata/schema`, `organizations` and `resources`; resource
  identifiers are unique NCNames with a known type; every `href` (resource and file) is an entry of the zip;
  every `dependency` names a resource;
- the test and items are in the `imsqti_v2p1` namespace; test item refs point at item files;
- each item: identifier (NCName), title, adaptive, timeDependent; children in schema order
  (responseDeclaration*, outcomeDeclaration*, itemBody, responseProcessing); a `RESPONSE` declaration with a
  `correctResponse` holding values; an outcome `SCORE` of base type float; the itemBody holds one interaction
  whose `responseIdentifier` is declared, compatible with the declaration (choice: unique `simpleChoice`
  identifiers, maxChoices 1 ↔ single; match: two sets with unique ids, pairs from set 1 to set 2; text entry:
  inline, integer/float); correct values are among the choices; response processing is present (a standard
  template or rules); the body uses only the XHTML subset QTI allows, with no `style` attributes; images
  exist in the package.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile

CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
RESOURCE_TYPES = {"imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1", "webcontent"}
TEMPLATES = {
    f"http://www.imsglobal.org/question/qti_v2p1/rptemplates/{name}"
    for name in ("match_correct", "map_response", "map_response_point")
}
NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
XHTML = {
    "a", "br", "code", "em", "img", "span", "strong", "sub", "sup", "blockquote", "div", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "ul", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
INTERACTIONS = {"choiceInteraction", "matchInteraction", "textEntryInteraction"}
INSIDE_INTERACTIONS = {"simpleChoice", "simpleMatchSet", "simpleAssociableChoice", "prompt"}
ITEM_ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing"]


def check(condition: object, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def local(element: ET.Element) -> str:
    return element.tag.split("}", 1)[1] if element.tag.startswith("{") else element.tag


def check_package(data: bytes) -> dict[str, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    check("imsmanifest.xml" in names, "the package has no imsmanifest.xml")
    docs = {}
    for name in sorted(n for n in names if n.endswith(".xml")):
        try:
            docs[name] = ET.fromstring(archive.read(name))
        except ET.ParseError as error:
            raise AssertionError(f"{name} is not well-formed XML: {error}") from None
    resources = check_manifest(docs["imsmanifest.xml"], names)
    for identifier, (kind, href) in resources.items():
        if kind == "imsqti_item_xmlv2p1":
            check_item(docs[href], href, names)
        elif kind == "imsqti_test_xmlv2p1":
            check_test(docs[href], href, docs)
        check(NCNAME.fullmatch(identifier), f"resource identifier {identifier!r} is not an NCName")
    return docs


def check_manifest(manifest: ET.Element, names: set[str]) -> dict[str, tuple[str, str]]:
    check(manifest.tag == f"{CP}manifest", f"the manifest root is {manifest.tag}, not imscp_v1p1 manifest")
    check(NCNAME.fullmatch(manifest.get("identifier", "")), "the manifest identifier is not an NCName")
    schema = manifest.find(f"{CP}metadata/{CP}schema")
    check(schema is not None and schema.text == "QTIv2.1 Package", "manifest metadata/schema is not QTIv2.1 Package")
    check(manifest.find(f"{CP}organizations") is not None, "the manifest has no organizations")
    block = manifest.find(f"{CP}resources")
    check(block is not None, "the manifest has no resources")
    resources: dict[str, tuple[str, str]] = {}
    for resource in block.findall(f"{CP}resource"):  # type: ignore[union-attr]
        identifier, kind, href = resource.get("identifier", ""), resource.get("type", ""), resource.get("href", "")
        check(identifier not in resources, f"two resources are identified {identifier!r}")
        check(kind in RESOURCE_TYPES, f"resource {identifier}: unknown type {kind!r}")
        check(href in names, f"resource {identifier}: href {href!r} is not in the zip")
        files = [f.get("href", "") for f in resource.findall(f"{CP}file")]
        check(href in files, f"resource {identifier}: its href is not listed as a file")
        for file in files:
            check(file in names, f"resource {identifier}: file {file!r} is not in the zip")
        order = [local(c) for c in resource]
        check(order == sorted(order, key=["metadata", "file", "dependency"].index), f"{identifier}: child order")
        resources[identifier] = (kind, href)
    for dependency in block.iter(f"{CP}dependency"):  # type: ignore[union-attr]
        ref = dependency.get("identifierref")
        check(ref in resources, f"a dependency names the unknown resource {ref!r}")
    kinds = [kind for kind, _ in resources.values()]
    check(kinds.count("imsqti_test_xmlv2p1") == 1, "the package needs exactly one assessmentTest")
    check("imsqti_item_xmlv2p1" in kinds, "the package has no items")
    return resources


def check_test(test: ET.Element, href: str, docs: dict[str, ET.Element]) -> None:
    check(test.tag == f"{QTI}assessmentTest", f"{href} is not an imsqti_v2p1 assessmentTest")
    seen: set[str] = set()
    parts = test.findall(f"{QTI}testPart")
    check(parts, f"{href} has no testPart")
    for element in test.iter():
        identifier = element.get("identifier")
        if identifier is not None and local(element) not in ("outcomeDeclaration", "setOutcomeValue"):
            check(NCNAME.fullmatch(identifier), f"{href}: identifier {identifier!r} is not an NCName")
            check(identifier not in seen, f"{href}: identifier {identifier!r} is used twice")
            seen.add(identifier)
    for ref in test.iter(f"{QTI}assessmentItemRef"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(href), ref.get("href", "")))
        check(target in docs, f"{href}: item ref {ref.get('href')!r} is not in the package")
        check(docs[target].tag == f"{QTI}assessmentItem", f"{href}: {target} is not an assessmentItem")
        check(docs[target].get("identifier") == ref.get("identifier"), f"{href}: ref {target} identifier differs")


def check_item(item: ET.Element, href: str, names: set[str]) -> None:
    where = f"{href}:"
    check(item.tag == f"{QTI}assessmentItem", f"{where} not an imsqti_v2p1 assessmentItem")
    for attribute in ("identifier", "title", "adaptive", "timeDependent"):
        check(item.get(attribute), f"{where} assessmentItem has no {attribute}")
    check(NCNAME.fullmatch(item.get("identifier", "")), f"{where} the identifier is not an NCName")
    order = [local(c) for c in item]
    check(set(order) <= set(ITEM_ORDER), f"{where} unexpected children {order}")
    check(order == sorted(order, key=ITEM_ORDER.index), f"{where} children out of schema order: {order}")
    declarations = {d.get("identifier"): d for d in item.findall(f"{QTI}responseDeclaration")}
    check("RESPONSE" in declarations, f"{where} no responseDeclaration RESPONSE")
    declaration = declarations["RESPONSE"]
    check(declaration.get("cardinality") in ("single", "multiple", "ordered"), f"{where} bad cardinality")
    values = [v.text or "" for v in declaration.findall(f"{QTI}correctResponse/{QTI}value")]
    check(values, f"{where} RESPONSE has no correctResponse values")
    outcomes = {o.get("identifier"): o for o in item.findall(f"{QTI}outcomeDeclaration")}
    check("SCORE" in outcomes and outcomes["SCORE"].get("baseType") == "float", f"{where} no float outcome SCORE")
    body = item.find(f"{QTI}itemBody")
    check(body is not None, f"{where} no itemBody")
    interactions = [e for e in body.iter() if local(e) in INTERACTIONS]  # type: ignore[union-attr]
    check(len(interactions) == 1, f"{where} expected one interaction, found {len(interactions)}")
    interaction = interactions[0]
    check(interaction.get("responseIdentifier") in declarations, f"{where} the interaction's response is undeclared")
    check_interaction(interaction, declaration, values, where, body)  # type: ignore[arg-type]
    processing = item.find(f"{QTI}responseProcessing")
    if processing is None:
        raise AssertionError(f"{where} no responseProcessing")
    check(processing.get("template", "") in TEMPLATES or len(processing), f"{where} empty responseProcessing")
    check_body(body, href, names)  # type: ignore[arg-type]


def check_interaction(
    interaction: ET.Element, declaration: ET.Element, values: list[str], where: str, body: ET.Element
) -> None:
    kind, cardinality, base = local(interaction), declaration.get("cardinality"), declaration.get("baseType")
    if kind == "choiceInteraction":
        ids = [c.get("identifier", "") for c in interaction.findall(f"{QTI}simpleChoice")]
        check(ids and len(ids) == len(set(ids)), f"{where} simpleChoice identifiers are missing or repeated")
        check(all(NCNAME.fullmatch(i) for i in ids), f"{where} a simpleChoice identifier is not an NCName")
        check(base == "identifier", f"{where} choice responses have base type identifier")
        single = interaction.get("maxChoices") == "1"
        check(single == (cardinality == "single"), f"{where} maxChoices does not match the cardinality")
        check(set(values) <= set(ids), f"{where} correct values {values} are not choices {ids}")
    elif kind == "matchInteraction":
        sets = interaction.findall(f"{QTI}simpleMatchSet")
        check(len(sets) == 2, f"{where} a matchInteraction has two simpleMatchSets")
        first, second = ([c.get("identifier", "") for c in s.findall(f"{QTI}simpleAssociableChoice")] for s in sets)
        check(len(set(first + second)) == len(first + second), f"{where} match identifiers repeat")
        check(base == "directedPair" and cardinality == "multiple", f"{where} matches are multiple directedPairs")
        for value in values:
            source, target = value.split()
            check(source in first and target in second, f"{where} pair {value!r} is not set 1 → set 2")
    elif kind == "textEntryInteraction":
        check(base in ("integer", "float", "string"), f"{where} text entry base type {base}")
        check(cardinality == "single", f"{where} text entry responses are single")
        parents = [p for p in body.iter() if interaction in list(p)]
        check(parents and local(parents[0]) != "itemBody", f"{where} textEntryInteraction must sit inside a block")


def check_body(body: ET.Element, href: str, names: set[str]) -> None:
    for element in body.iter():
        if element is body:
            continue
        name = local(element)
        check(element.tag.startswith(QTI), f"{href}: {element.tag} is outside the QTI namespace")
        check(name in XHTML | INTERACTIONS | INSIDE_INTERACTIONS, f"{href}: <{name}> is not allowed in an itemBody")
        check("style" not in element.attrib, f"{href}: <{name}> has a style attribute")
        if name == "img":
            check(element.get("alt") is not None, f"{href}: an img has no alt")
            source = posixpath.normpath(posixpath.join(posixpath.dirname(href), element.get("src", "")))
            check(source in names, f"{href}: image {element.get('src')!r} is not in the package")
