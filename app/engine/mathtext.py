"""Math in messages. A message to a student (a verdict's feedback, a reason an answer cannot be read) is plain
text in which `$…$` is inline TeX, `` `…` `` quotes a name or a piece of the answer, and `\\$` is a dollar sign;
the pages typeset the math (`app.web.markdown.message_html`) and API clients get the text as is.

This module writes the math spans the engine's messages use: shapes (`$D_{x} \\times D_{a_{1}}$`) and names of
quantities (`$\\delta_{W_{1}}$`), and the TeX of a name (`name_latex`, also used by "interpreted as").
"""

from __future__ import annotations

import functools
import re
import unicodedata

from app.engine.scope import Dim, Shape

GREEK_NAMES = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "eta",
        "theta",
        "lambda",
        "mu",
        "nu",
        "sigma",
        "tau",
        "phi",
        "psi",
        "omega",
        "Delta",
        "Sigma",
    ]
)


@functools.lru_cache(maxsize=1024)  # names come from the question's scope: a few dozen
def name_latex(name: str) -> str:
    """`delta_b1` → `\\delta_{b_{1}}`, `yhat` → `\\hat{y}`, `theta0` → `\\theta_{0}`, `W1` → `W_{1}`."""
    head, _, rest = name.partition("_")
    match = re.fullmatch(r"([A-Za-z]+?)(hat)?(\d*)", head)
    if not match:
        escaped = name.replace("_", "\\_")
        return f"\\mathrm{{{escaped}}}"
    letters, hat, digits = match.groups()
    if letters in GREEK_NAMES:
        base = f"\\{letters}"
    elif len(letters) == 1:
        base = letters
    else:
        base = f"\\mathrm{{{letters}}}"
    if hat:
        base = f"\\hat{{{base}}}"
    subscripts = [digits] if digits else []
    if rest:
        subscripts.append(name_latex(rest))
    return f"{base}_{{{','.join(subscripts)}}}" if subscripts else base


def math_span(tex: str) -> str:
    """A math span of a message."""
    return f"${tex}$"


def dim_tex(dim: Dim) -> str:
    return str(dim) if isinstance(dim, int) else name_latex(dim)


def shape_tex(shape: Shape) -> str:
    """`D_{x} \\times 1` ('' for a scalar)."""
    return " \\times ".join(dim_tex(d) for d in shape)


def shape_math(shape: Shape) -> str:
    """A shape as messages write it: `a scalar`, or `$D_{x} \\times 1$`."""
    return math_span(shape_tex(shape)) if shape else "a scalar"


def dim_math(dim: Dim) -> str:
    return math_span(dim_tex(dim))


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SYMBOLS = {"∇": "\\nabla", "∂": "\\partial", "×": "\\times", "·": "\\cdot", "⊙": "\\odot", "−": "-", "‖": "\\|",
            "ŷ": "\\hat{y}", "′": "'"}  # fmt: skip
_ACCENTS = {"\u0302": "hat", "\u0303": "tilde", "\u0304": "bar", "\u0307": "dot"}  # combining marks
_TEX_CAPITALS = frozenset(["Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"])
_SUPERSCRIPTS = {"ᵀ": "\\top", "²": "2", "³": "3"}


def quantity(name: str) -> str:
    """How a message names a quantity an author named: a symbol, typed (`delta_W1`) or written (`δ_W1`, `∂L/∂b`,
    `E(v_t v_tᵀ)`), becomes math; words (`the answer`, `W after the L1 step`) stay text; `$…$` is kept as written."""
    if "$" in name:
        return name
    if _IDENTIFIER.fullmatch(name) and _symbol_head(name):
        return math_span(name_latex(name))
    if _WORD.search(name):
        return name
    return math_span(unicode_tex(name))


def _symbol_head(name: str) -> bool:
    """`delta_W1`, `yhat`, `W2`, `x` name symbols; `loss` or `output` are words."""
    match = re.fullmatch(r"([A-Za-z]+?)(hat)?(\d*)", name.partition("_")[0])
    return match is not None and (match[1] in GREEK_NAMES or len(match[1]) == 1)


def unicode_tex(text: str) -> str:
    """Symbols as authors write them in Unicode → TeX: `δ_W1` → `\\delta_{W1}`, `m̂_t` → `\\hat{m}_{t}`."""
    atoms: list[str] = []
    for char in text:
        if char in _ACCENTS and atoms:
            atoms[-1] = f"\\{_ACCENTS[char]}{{{atoms[-1]}}}"
        elif char in _SUPERSCRIPTS:
            atoms.append(f"^{{{_SUPERSCRIPTS[char]}}}")
        elif greek := _greek(char):
            atoms.append(greek)
        elif char in _SYMBOLS:
            atoms.append(_SYMBOLS[char])
        else:
            atoms.append(char)
    return _join(atoms)


def _greek(char: str) -> str | None:
    """`δ` → `\\delta`, `Σ` → `\\Sigma`; None for other characters (a capital such as `Α` stays as written)."""
    found = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", unicodedata.name(char, ""))
    if not found:
        return None
    name = found[2].lower() if found[1] == "SMALL" else found[2].capitalize()
    if name == "omicron" or (found[1] == "CAPITAL" and name not in _TEX_CAPITALS):
        return None
    return f"\\{name}"


def _join(atoms: list[str]) -> str:
    """Atoms → TeX: `_` takes the run of letters and digits after it as its subscript; a command is spaced from a
    letter after it."""
    out, i = "", 0
    while i < len(atoms):
        atom = atoms[i]
        if atom == "_":
            run = i + 1
            while run < len(atoms) and _letter_or_digit(atoms[run]):
                run += 1
            sub = _join(atoms[i + 1 : run])
            if re.fullmatch(r"[A-Za-z]\d+", sub):  # δ_W1 as delta_W1 reads: W_1, a subscript's subscript
                sub = f"{sub[0]}_{{{sub[1:]}}}"
            atom, i = "_{" + sub + "}", run
        else:
            i += 1
        if out and re.search(r"\\[A-Za-z]+$", out) and re.match(r"[A-Za-z]", atom):
            out += " "
        out += atom
    return out


def _letter_or_digit(atom: str) -> bool:
    return atom.isalnum() or bool(re.fullmatch(r"\\[A-Za-z]+(\{.*\})?", atom))
