"""Small helpers to build, serialize and package XML deterministically: attributes in insertion order, fixed
indentation that never touches mixed (XHTML) content, zip entries with fixed timestamps and permissions."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Collection, Mapping

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def sub(
    parent: ET.Element, tag: str, attributes: Mapping[str, str] | None = None, text: str | None = None
) -> ET.Element:
    """Append `<tag attributes>text</tag>` to `parent` and return it."""
    child = ET.SubElement(parent, tag, dict(attributes or {}))
    if text is not None:
        child.text = text
    return child


def number(value: float) -> str:
    """A number as XML Schema `double`/`decimal` text: integers without `.0`, others in the shortest exact form."""
    if isinstance(value, int) or (math.isfinite(value) and value.is_integer() and abs(value) < 2**53):
        return str(int(value))
    return repr(float(value))


def indent(element: ET.Element, leaves: Collection[str], level: int = 0) -> None:
    """Indent the structure by two spaces per level, leaving alone elements named in `leaves` (mixed content,
    where added whitespace could change what is shown)."""
    if element.tag in leaves or not len(element) or (element.text or "").strip():
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        indent(child, leaves, level + 1)
        if not (child.tail or "").strip():
            child.tail = pad
    element[-1].tail = "\n" + "  " * level


def to_bytes(root: ET.Element, leaves: Collection[str] = ()) -> bytes:
    """A complete UTF-8 XML document."""
    indent(root, leaves)
    return (DECLARATION + ET.tostring(root, encoding="unicode", short_empty_elements=True) + "\n").encode("utf-8")


def zip_bytes(entries: Mapping[str, bytes]) -> bytes:
    """A zip of `entries` (in the order given) whose bytes depend on nothing but the entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the platform writing it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
