"""The checking engine: the domain core. It knows nothing of the web, templates or storage.

Public surface (everything else is an implementation detail):

- `check_expression(task, text, seed)` → `Verdict`, and `preview(task, text)` → `Interpretation`;
- `ExpressionTask`, `Mistake`, `VariableSpec` to describe what is checked, `VariableGraph` for derived variables;
- `read(text, scope)` (parse, resolve names, infer the shape), `to_latex`, `to_sympy` for the answer language;
  the parser itself is `app.engine.parse.parse` (the module is not shadowed here) and each function of the
  language is declared once in `app.engine.functions`;
- `StudentError` (and its kinds) for answers that cannot be read, `AuthorError` for broken specs.
"""

from app.engine.errors import AuthorError, ParseError, ShapeError, StudentError, UnknownName
from app.engine.expression_check import ExpressionTask, Interpretation, Mistake, check_expression, preview, read
from app.engine.graph import VariableGraph
from app.engine.latex import to_latex
from app.engine.symbolic import to_sympy
from app.engine.variables import VariableSpec
from app.engine.verdict import Verdict

__all__ = [
    "AuthorError",
    "ExpressionTask",
    "Interpretation",
    "Mistake",
    "ParseError",
    "ShapeError",
    "StudentError",
    "UnknownName",
    "VariableGraph",
    "VariableSpec",
    "Verdict",
    "check_expression",
    "preview",
    "read",
    "to_latex",
    "to_sympy",
]
