"""XML identifiers: QTI identifiers, manifest ids and Moodle idnumbers must be NCNames (a letter or `_`, then
letters, digits, `_`, `.`, `-`). Problem, part and option ids already use those characters, so most pass
unchanged; the rest are mapped deterministically, so the same set at the same seed always gets the same ids."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import TypeVar

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_BAD = re.compile(r"[^A-Za-z0-9_.-]")
K = TypeVar("K", bound=Hashable)


def is_ncname(text: str) -> bool:
    """Whether `text` is an NCName (restricted to ASCII, which every id this platform writes is)."""
    return _NCNAME.fullmatch(text) is not None


def ncname(raw: str) -> str:
    """`raw` as an NCName: other characters become `_`, and `_` is put in front of a leading digit, `.` or `-`."""
    text = _BAD.sub("_", raw)
    return text if is_ncname(text) else f"_{text}"


def unique_ncnames(raws: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """A map raw id → distinct NCName, none of them in `taken` (see `assign_ncnames`)."""
    return assign_ncnames(((raw, raw) for raw in raws), taken)


def assign_ncnames(wanted: Iterable[tuple[K, str]], taken: Iterable[str] = ()) -> dict[K, str]:
    """Distinct NCNames for keys, each from the spelling it wants, none of them in `taken`.

    A wanted spelling that is an NCName already is kept when free; others are mapped with `ncname`, and a name
    that would collide gets `-2`, `-3` … (in the order given, so the result is stable).
    """
    ordered = dict(wanted)
    reserved = set(taken)
    names: dict[K, str] = {}
    used = set(reserved)
    for key, raw in ordered.items():
        if is_ncname(raw) and raw not in used:
            names[key] = raw
            used.add(raw)
    for key, raw in ordered.items():
        if key in names:
            continue
        base = name = ncname(raw)
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        names[key] = name
        used.add(name)
    return {key: names[key] for key in ordered}
