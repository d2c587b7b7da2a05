"""The functions of the answer language, each declared once: evaluation, derivative, shape rule, LaTeX, SymPy.

Every stage of the engine reads this table: the parser knows a name is a function because it is here, the
shape inference, the evaluator, reverse-mode differentiation (`vjp`), the "interpreted as" LaTeX and the SymPy
form all call the entry's own rule. Adding a function is one `_register(...)` call (and its row in the test that
walks every function through every stage).

Values are Python floats (scalars) or 2-D float arrays; in batched evaluation (trials stacked) an elementwise
function also receives 1-D arrays. Vectors are columns; functions that reduce a matrix work column by column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from app.engine.errors import EvaluationError
from app.engine.mathtext import dim_math
from app.engine.scope import Shape, normalize_shape

Value = Any  # float | np.ndarray
Describe = Callable[[int], str]  # argument index → "`x` ($D \\times 1$)" for messages
ShapeRule = Callable[[list[Shape], list[float | None], Describe], Shape]


class ShapeRuleError(ValueError):
    """An argument does not fit the function; the message is written for a student (`{name}` is the function)."""


@dataclass(frozen=True)
class Function:
    """One function: `evaluate(*args)`, `vjp(g, args, out)` (one gradient or None per argument), `shape`
    (symbolic shapes and constant argument values → result shape), `latex(args)` and `sympy(*args)`."""

    name: str
    arity: tuple[int, ...]
    usage: str
    evaluate: Callable[..., Value]
    vjp: Callable[[Value, Sequence[Value], Value], Sequence[Value | None]]
    shape: ShapeRule
    latex: Callable[[list[str]], str]
    sympy: Callable[..., Any]
    elementwise: bool = False  # acts entry by entry, so it can run on stacked trials
    in_numbers: bool = False  # allowed in number answers such as `sqrt(2)`
    kink: bool = False  # not differentiable somewhere (trials near the kink matter)
    constant_args: tuple[int, ...] = ()  # argument positions that must be constant numbers (orders, sizes)


FUNCTIONS: dict[str, Function] = {}


def _register(function: Function, *aliases: str) -> None:
    for name in (function.name, *aliases):
        FUNCTIONS[name] = function


def lookup(name: str) -> Function:
    return FUNCTIONS[name]


# -- shared rules ---------------------------------------------------------------------------------------------
def _op(name: str) -> Callable[[list[str]], str]:
    return lambda args: f"\\operatorname{{{name}}}\\left({', '.join(args)}\\right)"


def _cmd(command: str) -> Callable[[list[str]], str]:
    return lambda args: f"{command}\\left({', '.join(args)}\\right)"


def _same_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    return shapes[0]


def _scalar_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    return ()


def _broadcast(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    a, b = shapes
    if not a or not b:
        return a or b
    out = []
    for da, db in zip(a, b, strict=True):
        if da != db and 1 not in (da, db):
            raise ShapeRuleError(
                f"Cannot combine {describe(0)} and {describe(1)} elementwise with `{{name}}`: "
                f"dimensions {dim_math(da)} and {dim_math(db)} differ."
            )
        out.append(db if da == 1 else da)
    return normalize_shape(tuple(out))


def unbroadcast(grad: Value, like: Value) -> Value:
    """Sum a gradient down to the shape of the operand it belongs to (undoing NumPy broadcasting)."""
    if not isinstance(like, np.ndarray) or like.ndim == 1:
        if isinstance(grad, np.ndarray) and not isinstance(like, np.ndarray):
            return float(np.sum(grad))
        return grad
    if not isinstance(grad, np.ndarray):
        return np.full(like.shape, grad)
    if grad.shape == like.shape:
        return grad
    axes = tuple(i for i, (g, w) in enumerate(zip(grad.shape, like.shape, strict=True)) if w == 1 and g != 1)
    return np.sum(grad, axis=axes, keepdims=True)


def _elementwise(name: str, forward: Callable[[Value], Value], derivative: Callable[[Value, Value], Value],
                 latex: Callable[[list[str]], str], sym: Callable[..., Any], *aliases: str,
                 in_numbers: bool = False, kink: bool = False) -> None:  # fmt: skip
    _register(
        Function(
            name, (1,), f"{name}(x)", forward,
            lambda g, args, out: (g * derivative(args[0], out),),
            _same_shape, latex, sym, elementwise=True, in_numbers=in_numbers, kink=kink,
        ),
        *aliases,
    )  # fmt: skip


def _sigmoid(x: Value) -> Value:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function, with no overflow for large |x|


def _sympy_sigmoid(x: Any) -> Any:
    return 1 / (1 + sympy.exp(-x))


def _zero(x: Value, out: Value) -> Value:
    return 0.0 * x


_elementwise("exp", np.exp, lambda x, out: out, _cmd("\\exp"), sympy.exp, in_numbers=True)
# np.divide, not `/`: at 0 a derivative is inf (reported as such), never a ZeroDivisionError on a Python float.
_elementwise("log", np.log, lambda x, out: np.divide(1.0, x), _cmd("\\log"), sympy.log, in_numbers=True)
_elementwise("ln", np.log, lambda x, out: np.divide(1.0, x), _cmd("\\ln"), sympy.log, in_numbers=True)
_elementwise("sqrt", np.sqrt, lambda x, out: np.divide(0.5, out), lambda a: f"\\sqrt{{{a[0]}}}", sympy.sqrt,
             in_numbers=True)  # fmt: skip
_elementwise("abs", np.abs, lambda x, out: np.sign(x), lambda a: f"\\left|{a[0]}\\right|", sympy.Abs,
             in_numbers=True, kink=True)  # fmt: skip
_elementwise("sign", np.sign, _zero, _op("sign"), sympy.sign, kink=True)
_elementwise("tanh", np.tanh, lambda x, out: 1.0 - out * out, _cmd("\\tanh"), sympy.tanh)
_elementwise("sigma", _sigmoid, lambda x, out: out * (1.0 - out), _cmd("\\sigma"), _sympy_sigmoid, "sigmoid")
_elementwise("relu", lambda x: np.maximum(x, 0.0), lambda x, out: (np.asarray(x) > 0) * 1.0, _op("ReLU"),
             lambda x: sympy.Max(x, 0), kink=True)  # fmt: skip
_elementwise("heaviside", lambda x: np.heaviside(x, 0.0), _zero, _cmd("H"), lambda x: sympy.Heaviside(x, 0),
             kink=True)  # fmt: skip
_elementwise("floor", np.floor, _zero, lambda a: f"\\left\\lfloor {a[0]} \\right\\rfloor", sympy.floor,
             in_numbers=True, kink=True)  # fmt: skip
_elementwise("ceil", np.ceil, _zero, lambda a: f"\\left\\lceil {a[0]} \\right\\rceil", sympy.ceiling,
             in_numbers=True, kink=True)  # fmt: skip


def _round(x: Value) -> Value:
    """Half-way cases round up (2.5 → 3), as students learned it, not to even as np.round does."""
    return np.floor(x + 0.5) if isinstance(x, np.ndarray) else float(np.floor(x + 0.5))


_elementwise("round", _round, _zero, _op("round"), lambda x: sympy.floor(x + sympy.Rational(1, 2)),
             in_numbers=True, kink=True)  # fmt: skip


# -- two arguments, entry by entry ----------------------------------------------------------------------------
def _max_min(name: str, pick: Callable[[Value, Value], Value], reduce: Callable[[Value], Any],
             wins: Callable[[Value, Value], Value], sym2: Any) -> None:  # fmt: skip
    def evaluate(*args: Value) -> Value:
        return pick(*args) if len(args) == 2 else float(reduce(args[0]))

    def vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value | None]:
        if len(args) == 1:
            x = np.asarray(args[0], dtype=float)
            mask = np.zeros(x.shape)
            mask.flat[int(np.argmax(x == out))] = 1.0  # the first entry that attains it
            return (g * mask if x.ndim else g,)
        a, b = args
        chosen = wins(np.asarray(a), np.asarray(b)) * 1.0
        return unbroadcast(g * chosen, a), unbroadcast(g * (1.0 - chosen), b)

    def shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
        return () if len(shapes) == 1 else _broadcast(shapes, consts, describe)

    def sym(*args: Any) -> Any:
        return sym2(*args) if len(args) == 2 else sympy.Function(name)(*args)

    _register(Function(name, (1, 2), f"{name}(x) or {name}(a, b)", evaluate, vjp, shape, _cmd(f"\\{name}"), sym,
                       elementwise=False, kink=True))  # fmt: skip


_max_min("max", np.maximum, np.max, lambda a, b: a >= b, sympy.Max)
_max_min("min", np.minimum, np.min, lambda a, b: a <= b, sympy.Min)


def _mod(a: Value, b: Value) -> Value:
    return np.mod(a, b)


_register(Function(
    "mod", (2,), "mod(a, b)", _mod,
    lambda g, args, out: (unbroadcast(g * np.ones_like(np.asarray(out)), args[0]),
                          unbroadcast(-g * np.floor(np.asarray(args[0]) / args[1]), args[1])),
    _broadcast, lambda a: f"{a[0]} \\bmod {a[1]}", sympy.Mod, elementwise=True, in_numbers=True, kink=True,
))  # fmt: skip


# -- reductions and normalizations ----------------------------------------------------------------------------
def _sum(x: Value) -> float:
    return float(np.sum(x))


_register(Function(
    "sum", (1, 4), "sum(x) or sum(expr, k, lo, hi)", _sum,  # the 4-argument form is the Sum node
    lambda g, args, out: (g * np.ones_like(args[0]) if isinstance(args[0], np.ndarray) else g,),
    _scalar_shape, _op("sum"), sympy.Function("sum"),
))  # fmt: skip
_register(Function(
    "mean", (1,), "mean(x)", lambda x: float(np.mean(x)),
    lambda g, args, out: (g * np.ones_like(args[0]) / np.size(args[0]) if isinstance(args[0], np.ndarray) else g,),
    _scalar_shape, _op("mean"), sympy.Function("mean"),
))  # fmt: skip


def _softmax(z: Value) -> Value:
    if not isinstance(z, np.ndarray):
        return 1.0
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _logsumexp_columns(z: np.ndarray) -> np.ndarray:
    top = np.max(z, axis=0, keepdims=True)
    out: np.ndarray = top + np.log(np.sum(np.exp(z - top), axis=0, keepdims=True))
    return out


def _log_softmax(z: Value) -> Value:
    return 0.0 if not isinstance(z, np.ndarray) else z - _logsumexp_columns(z)


def _logsumexp(z: Value) -> Value:
    if not isinstance(z, np.ndarray):
        return z
    out = _logsumexp_columns(z)
    return float(out[0, 0]) if out.size == 1 else out


def _softmax_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    if not isinstance(out, np.ndarray):
        return (0.0,)
    return (out * (g - np.sum(g * out, axis=0, keepdims=True)),)


def _log_softmax_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    if not isinstance(out, np.ndarray):
        return (0.0,)
    return (g - np.exp(out) * np.sum(g, axis=0, keepdims=True),)


def _logsumexp_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    return (g * _softmax(args[0]),)


def _columns_to_row(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    return normalize_shape((1, shapes[0][1])) if shapes[0] else ()


_register(Function("softmax", (1,), "softmax(z)", _softmax, _softmax_vjp, _same_shape, _op("softmax"),
                   sympy.Function("softmax")))  # fmt: skip
_register(Function("log_softmax", (1,), "log_softmax(z)", _log_softmax, _log_softmax_vjp, _same_shape,
                   _op("log\\,softmax"), sympy.Function("log_softmax")))  # fmt: skip
_register(Function("logsumexp", (1,), "logsumexp(z)", _logsumexp, _logsumexp_vjp, _columns_to_row,
                   _op("logsumexp"), sympy.Function("logsumexp")))  # fmt: skip


def _norm_order(args: Sequence[Value]) -> float:
    order = 2.0 if len(args) == 1 else float(args[1])
    if order not in (1.0, 2.0, np.inf):
        raise EvaluationError("A norm's order must be 1, 2 or inf.")
    return order


def _is_vector(x: np.ndarray) -> bool:
    return 1 in x.shape


def _norm(*args: Value) -> float:
    x, order = np.asarray(args[0], dtype=float), _norm_order(args)
    if order == 2.0:
        return float(np.sqrt(np.sum(x * x)))
    if x.ndim == 0 or _is_vector(x):
        return float(np.sum(np.abs(x)) if order == 1.0 else np.max(np.abs(x)))
    return float(np.max(np.sum(np.abs(x), axis=0 if order == 1.0 else 1)))


def _norm_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value | None]:
    x, order = args[0], _norm_order(args)
    arr = np.asarray(x, dtype=float)
    if order == 2.0:
        grad = arr / out if out else 0.0 * arr
    elif arr.ndim == 0 or _is_vector(arr):
        grad = np.sign(arr)
        if order == np.inf:
            mask = np.zeros(arr.shape)
            mask.flat[int(np.argmax(np.abs(arr)))] = 1.0
            grad = grad * mask
    else:  # the column (order 1) or row (order inf) with the largest sum of |entries|
        axis = 0 if order == 1.0 else 1
        top = int(np.argmax(np.sum(np.abs(arr), axis=axis)))
        mask = np.zeros(arr.shape)
        if axis == 0:
            mask[:, top] = 1.0
        else:
            mask[top, :] = 1.0
        grad = np.sign(arr) * mask
    grad = g * grad
    return (grad if isinstance(x, np.ndarray) else float(grad), None)[: len(args)]


def _norm_latex(args: list[str]) -> str:
    order = "" if len(args) == 1 else f"_{{{args[1]}}}".replace("inf", "\\infty")
    return f"\\left\\|{args[0]}\\right\\|{order}"


_register(Function("norm", (1, 2), "norm(x), norm(x, 1) or norm(x, inf)", _norm, _norm_vjp, _scalar_shape,
                   _norm_latex, sympy.Function("norm"), kink=True, constant_args=(1,)))  # fmt: skip


# -- linear algebra ----------------------------------------------------------------------------------------------
def _column(shape: Shape) -> bool:
    return not shape or shape[1] == 1


def _outer_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    a, b = shapes
    for i, s in enumerate(shapes):
        if not _column(s):
            raise ShapeRuleError(f"`{{name}}` takes two column vectors, but {describe(i)} is not one.")
    return normalize_shape((a[0] if a else 1, b[0] if b else 1))


def _outer(a: Value, b: Value) -> Value:
    return np.asarray(a, dtype=float).reshape(-1, 1) @ np.asarray(b, dtype=float).reshape(1, -1)


def _outer_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    a, b = (np.asarray(x, dtype=float).reshape(-1, 1) for x in args)
    g = np.asarray(g, dtype=float).reshape(a.shape[0], b.shape[0])
    ga, gb = g @ b, g.T @ a
    return tuple(v if isinstance(x, np.ndarray) else float(v.item()) for v, x in zip((ga, gb), args, strict=True))


_register(Function("outer", (2,), "outer(a, b)", _outer, _outer_vjp, _outer_shape,
                   lambda a: f"{a[0]} {{{a[1]}}}^{{\\top}}", lambda a, b: a * sympy.transpose(b)))  # fmt: skip


def _square(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    s = shapes[0]
    if s and s[0] != s[1]:
        raise ShapeRuleError(f"`{{name}}` needs a square matrix, but {describe(0)} is not.")
    return s


def _inv(x: Value) -> Value:
    if not isinstance(x, np.ndarray):
        return float(np.divide(1.0, x))
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise EvaluationError("The matrix is not invertible here.") from None


def _inv_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    if not isinstance(out, np.ndarray):
        return (-g * out * out,)
    return (-out.T @ g @ out.T,)


_register(Function("inv", (1,), "inv(A)", _inv, _inv_vjp, _square, lambda a: f"{{{a[0]}}}^{{-1}}",
                   lambda x: x**-1))  # fmt: skip


def _diag(x: Value) -> Value:
    if np.ndim(x) == 0:
        return x
    return np.diag(x.ravel()) if 1 in x.shape else np.diag(x).reshape(-1, 1).copy()


def _diag_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    x = args[0]
    if np.ndim(x) == 0:
        return (g,)
    if 1 in x.shape:
        return (np.diag(g).reshape(x.shape).copy(),)
    return (np.diag(np.asarray(g).ravel()),)


def _diag_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    first = shapes[0]
    if first and 1 in first:
        n = first[0] if first[1] == 1 else first[1]
        return normalize_shape((n, n))
    _square(shapes, consts, describe)
    return normalize_shape((first[0], 1)) if first else ()


_register(Function("diag", (1,), "diag(x)", _diag, _diag_vjp, _diag_shape, _op("diag"), sympy.Function("diag")))


def _trace_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    _square(shapes, consts, describe)
    return ()


_register(Function(
    "trace", (1,), "trace(A)", lambda x: float(np.trace(x)) if np.ndim(x) == 2 else x,
    lambda g, args, out: (g * np.eye(args[0].shape[0]) if isinstance(args[0], np.ndarray) else g,),
    _trace_shape, _op("tr"), sympy.Function("trace"),
))  # fmt: skip


# -- sizes and one-dimensional convolution (concrete sizes only) -----------------------------------------------
def _concrete_column(shape: Shape, i: int, describe: Describe, what: str) -> int:
    if shape and (shape[1] != 1 or not isinstance(shape[0], int)):
        raise ShapeRuleError(f"`{what}` needs a column vector of a known size; {describe(i)} is not one.")
    return int(shape[0]) if shape else 1


def _whole(value: float | None, i: int, describe: Describe, what: str) -> int:
    if value is None or value != round(value) or value < 0:
        raise ShapeRuleError(f"In `{what}`, {describe(i)} must be a whole number written out.")
    return round(value)


def _conv1d_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    n = _concrete_column(shapes[0], 0, describe, "conv1d")
    k = _concrete_column(shapes[1], 1, describe, "conv1d")
    if k > n:
        raise ShapeRuleError(f"In `conv1d`, the filter {describe(1)} is longer than the input {describe(0)}.")
    return normalize_shape((n - k + 1, 1))


def _conv1d(x: Value, w: Value) -> Value:
    x, w = np.asarray(x, dtype=float).reshape(-1), np.asarray(w, dtype=float).reshape(-1)
    out = np.correlate(x, w, mode="valid").reshape(-1, 1)
    return float(out[0, 0]) if out.size == 1 else out


def _conv1d_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value]:
    x, w = (np.asarray(a, dtype=float).reshape(-1) for a in args)
    gv = np.asarray(g, dtype=float).reshape(-1)
    gx = np.convolve(gv, w, mode="full").reshape(-1, 1)
    gw = np.correlate(x, gv, mode="valid").reshape(-1, 1)
    return tuple(v if isinstance(a, np.ndarray) else float(v.item()) for v, a in zip((gx, gw), args, strict=True))


_register(Function("conv1d", (2,), "conv1d(x, w)", _conv1d, _conv1d_vjp, _conv1d_shape,
                   lambda a: f"{a[0]} \\star {a[1]}", sympy.Function("conv1d")))  # fmt: skip


def _flip(x: Value) -> Value:
    return x[::-1].copy() if isinstance(x, np.ndarray) else x


_register(Function(
    "flip", (1,), "flip(x)", _flip, lambda g, args, out: (_flip(g),),
    lambda shapes, consts, describe: shapes[0] if _concrete_column(shapes[0], 0, describe, "flip") else (),
    _op("flip"), sympy.Function("flip"),
))  # fmt: skip


def _pad(x: Value, p: Value) -> Value:
    return np.pad(np.asarray(x, dtype=float).reshape(-1, 1), ((round(p), round(p)), (0, 0)))


def _pad_vjp(g: Value, args: Sequence[Value], out: Value) -> Sequence[Value | None]:
    p, grad = round(args[1]), np.asarray(g, dtype=float)
    inner = grad[p : grad.shape[0] - p]
    return (inner if isinstance(args[0], np.ndarray) else float(inner.item()), None)


def _pad_shape(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    n = _concrete_column(shapes[0], 0, describe, "pad")
    return normalize_shape((n + 2 * _whole(consts[1], 1, describe, "pad"), 1))


_register(Function("pad", (2,), "pad(x, p)", _pad, _pad_vjp, _pad_shape, _op("pad"), sympy.Function("pad"),
                   constant_args=(1,)))  # fmt: skip


def _conv_out(h: Value, k: Value, s: Value, p: Value, d: Value) -> float:
    """Count the positions of a K-tap filter with dilation D, stride S, over H inputs padded by P on each side."""
    sizes = [float(v) for v in (h, k, s, p, d)]
    if any(v != round(v) for v in sizes) or min(sizes[0], sizes[1], sizes[2], sizes[4]) < 1 or sizes[3] < 0:
        raise EvaluationError("conv_out needs whole sizes (H, K, S, D at least 1; P at least 0).")
    h_, k_, s_, p_, d_ = (round(v) for v in sizes)
    if h_ + 2 * p_ > 100_000:
        raise EvaluationError("conv_out: the padded input is too long.")
    span = d_ * (k_ - 1) + 1  # inputs one placement of the filter covers
    return float(sum(1 for start in range(0, h_ + 2 * p_, s_) if start + span <= h_ + 2 * p_))


def _all_scalars(shapes: list[Shape], consts: list[float | None], describe: Describe) -> Shape:
    for i, s in enumerate(shapes):
        if s:
            raise ShapeRuleError(f"In `{{name}}`, {describe(i)} must be a scalar.")
    return ()


_register(Function("conv_out", (5,), "conv_out(H, K, S, P, D)", _conv_out,
                   lambda g, args, out: tuple(0.0 for _ in args), _all_scalars, _op("conv\\_out"),
                   sympy.Function("conv_out"), kink=True))  # fmt: skip


def _size(axis: int) -> Callable[[Value], float]:
    return lambda x: float(np.shape(x)[axis]) if isinstance(x, np.ndarray) else 1.0


_register(Function("rows", (1,), "rows(X)", _size(0), lambda g, args, out: (None,), _scalar_shape, _op("rows"),
                   sympy.Function("rows")))  # fmt: skip
_register(Function("cols", (1,), "cols(X)", _size(1), lambda g, args, out: (None,), _scalar_shape, _op("cols"),
                   sympy.Function("cols")))  # fmt: skip


def function_names() -> list[str]:
    """The names a student can call, for messages."""
    return sorted(FUNCTIONS)
