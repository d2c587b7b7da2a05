"""XML identifiers: QTI identifiers, manifest ids and Moodle idnumbers must be NCNames (a letter or `_`, then
letters, digits, `_`, `.`, `-`). Problem, part and option ids already use those characters, so most pass
unchanged; the rest are mapped deterministically, so the same set at the same seed always gets the same ids."""

from __future__ import annotations

import re
from collections.abc import Iterable

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def is_ncname(text: str) -> bool:
    """Whether `text` is an NCName (restricted to ASCII, which every id this platform writes is)."""
    return _NCNAME.fullmatch(text) is not None


def ncname(raw: str) -> str:
    """`raw` as an NCName: other characters become `_`, and `_` is put in front of a leading digit, `.` or `-`."""
    text = _BAD.sub("_", raw)
    return text if is_ncname(text) else f"_{text}"


def unique_ncnames(raws: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """A map raw id → distinct NCName, none of them in `taken`. Ids that are NCNames already keep their spelling
    when free; a mapped id that would collide gets `-2`, `-3` … (in the order given, so the result is stable)."""
    ordered = list(dict.fromkeys(raws))
    reserved = set(taken)
    mapping = {raw: raw for raw in ordered if is_ncname(raw) and raw not in reserved}
    used = reserved | set(mapping.values())
    for raw in ordered:
        if raw in mapping:
            continue
        base = name = ncname(raw)
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        mapping[raw] = name
        used.add(name)
    return {raw: mapping[raw] for raw in ordered}
