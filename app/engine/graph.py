"""The graph of a question's derived variables: compiled once (parsed, ordered, shapes inferred), then evaluated
on every trial.

A derived variable is an expression over other variables (`z1 = W1 x + b1`), a gradient the engine computes by
reverse mode over that graph (`grad: {of: L, wrt: W1}`), the result of a recurrence (an optimizer's iterations),
or an exact moment of a variable that is affine in random inputs (E[θ_t], E[v_t v_tᵀ]). The truth behind a
question is thereby declared by its author and computed here, never typed in as an answer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine.autodiff import backpropagate
from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import Value, as_value, evaluate, fit
from app.engine.functions import FUNCTIONS
from app.engine.moments import is_affine, moment_value
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Shape, Symbol, describe_shape, normalize_shape
from app.engine.shapes import infer_shape
from app.engine.syntax import Call, Compare, Index, Name, Node, Num
from app.engine.variables import VariableSpec, concrete_shape

MAX_STEPS = 1000


@dataclass
class _Derived:
    """One derived variable, compiled: its kind, parsed expressions and the variables it reads."""

    name: str
    spec: VariableSpec
    kind: str
    deps: set[str] = field(default_factory=set)
    nodes: dict[str, Node] = field(default_factory=dict)  # role → tree ("expr", "steps", "init:v", ...)
    state_shapes: dict[str, Shape] = field(default_factory=dict)  # a recurrence's states


class VariableGraph:
    """Compiled variables of one question. `symbols` gives every variable's (inferred) shape."""

    def __init__(
        self, variables: Mapping[str, VariableSpec], dims: Mapping[str, tuple[int, int]] | None = None
    ) -> None:
        self.variables = dict(variables)
        self.symbols: dict[str, Symbol] = {
            name: spec.symbol(name) for name, spec in self.variables.items() if not spec.derived
        }
        self.derived = {name: _compile(name, spec, self) for name, spec in self.variables.items() if spec.derived}
        self.order = self._topological_order()
        for name in self.order:
            self.symbols[name] = self.variables[name].symbol(name, self._infer(self.derived[name]))

    # -- compiling ------------------------------------------------------------------------------------------------
    def scope(self, extra: Mapping[str, Symbol] | None = None) -> Scope:
        """Every name, with the shapes known so far (derived shapes are placeholders until inferred)."""
        symbols = {n: Symbol(n, (), "value") for n in self.variables}
        symbols.update(self.symbols)
        symbols.update(extra or {})
        return Scope(symbols)

    def read(self, text: str, where: tuple[str, ...], bound: Mapping[str, Symbol] | None = None) -> Node:
        scope = self.scope(bound)
        try:
            return resolve(parse(text, scope.symbols.keys()), scope, frozenset(bound or {}))
        except StudentError as error:
            raise AuthorError(f"`{text}` cannot be read: {error.message}", where) from None

    def _topological_order(self) -> list[str]:
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == "done" or name not in self.derived:
                return
            if state.get(name) == "open":
                cycle = " → ".join([*path[path.index(name) :], name])
                raise AuthorError(f"variables depend on each other in a cycle: {cycle}", ("variables", name))
            state[name] = "open"
            for dep in sorted(self.derived[name].deps):
                if dep not in self.variables:
                    raise AuthorError(f"{name} uses {dep!r}, which is not a variable", ("variables", name))
                visit(dep, [*path, name])
            state[name] = "done"
            order.append(name)

        for name in self.derived:
            visit(name, [])
        return order

    def _infer(self, d: _Derived) -> Shape:
        where = ("variables", d.name)
        try:
            shape = _SHAPES[d.kind](self, d)
        except StudentError as error:
            raise AuthorError(f"{d.name}: {error.message}", where) from None
        declared = d.spec.shape
        if declared is not None:
            want = normalize_shape(() if declared == "scalar" else tuple(declared))
            if want != normalize_shape(shape):
                raise AuthorError(
                    f"{d.name} is declared {describe_shape(want)} but its definition gives {describe_shape(shape)}",
                    (*where, "shape"),
                )
        return shape

    def ancestors(self, names: str | Collection[str]) -> list[str]:
        """The derived variables the named ones depend on (themselves included), in evaluation order."""
        needed: set[str] = set()
        stack = [names] if isinstance(names, str) else list(names)
        while stack:
            current = stack.pop()
            if current in self.derived and current not in needed:
                needed.add(current)
                stack.extend(self.derived[current].deps)
        return [n for n in self.order if n in needed]

    def reads(self, name: str) -> set[str]:
        """Every variable, sampled or derived, that `name`'s value depends on."""
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            for dep in self.derived[current].deps if current in self.derived else ():
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        return seen

    # -- evaluating -----------------------------------------------------------------------------------------------
    def evaluate(
        self, env: dict[str, Any], sizes: Mapping[str, int], only: str | Collection[str] | None = None
    ) -> dict[str, Any]:
        """`env` (sampled values) with every derived variable added (or only those that `only` needs)."""
        env = dict(env)
        with np.errstate(all="ignore"), _shared_sweeps():
            for name in self.order if only is None else self.ancestors(only):
                env[name] = self.value(name, env, sizes)
        return env

    def value_with(self, name: str, env: dict[str, Any], overrides: Mapping[str, Value],
                   sizes: Mapping[str, int]) -> Value:  # fmt: skip
        """`name` recomputed with some variables (sampled or derived) set to other values."""
        local = {**env, **overrides}
        with np.errstate(all="ignore"):
            for other in self.ancestors(name):
                if other not in overrides:
                    local[other] = self.value(other, local, sizes)
        result: Value = local[name]
        return result

    def value(self, name: str, env: dict[str, Any], sizes: Mapping[str, int]) -> Value:
        d = self.derived[name]
        try:
            value = _VALUES[d.kind](self, d, env, sizes)
        except StudentError as error:
            raise AuthorError(f"{name} cannot be computed: {error.message}", ("variables", name)) from None
        return fit(value, concrete_shape(self.symbols[name].shape, sizes))

    def kinks(self) -> list[tuple[str, float]]:
        """(variable, point) pairs where a derived expression is not smooth: relu(z1), (z1 > 0), abs(x - 1)..."""
        found: list[tuple[str, float]] = []
        for d in self.derived.values():
            for node in (n for tree in d.nodes.values() for n in tree.walk()):
                spot = _kink_spot(node)
                if spot is not None and spot[0] in self.variables and spot not in found:
                    found.append(spot)
        return found

    def near_kinks(self, env: dict[str, Any], sizes: Mapping[str, int], rng: np.random.Generator) -> dict[str, Any]:
        """Sampled values moved so that each kinked variable has entries within 1e-6…1e-2 of its kink, on both
        sides. A derived one (z1 = W1 x + b1) is moved through a sampled input it depends on additively (b1)."""
        env = dict(env)
        for name, point in self.kinks():
            value = env[name] if name not in self.derived else self.evaluate(env, sizes, only=name)[name]
            target = _beside(value, point, rng)
            if name not in self.derived:
                env[name] = target
                continue
            source = self._additive_input(name, env, sizes, value)
            if source is not None:
                env[source] = as_value(env[source] + (np.asarray(target) - np.asarray(value)))
        return env

    def _additive_input(self, name: str, env: dict[str, Any], sizes: Mapping[str, int], value: Value) -> str | None:
        """A sampled variable s with name = f(...) + s, checked numerically: moving s moves `name` by as much."""
        for source in sorted(self.reads(name)):
            if source in self.derived or not isinstance(env.get(source), float | np.ndarray):
                continue
            if np.shape(env[source]) != np.shape(value):
                continue
            step = np.full(np.shape(value), 0.25) if np.shape(value) else 0.25
            moved = self.value_with(name, env, {source: as_value(env[source] + step)}, sizes)
            if np.allclose(np.asarray(moved) - np.asarray(value), step, rtol=1e-9, atol=1e-9):
                return source
        return None

    def is_affine(self, name: str, env: dict[str, Any], sizes: Mapping[str, int], rng: np.random.Generator) -> bool:
        """Whether a moment variable's `of` is affine in its random inputs here, so that its moments are exact."""
        return is_affine(self, self.derived[name], env, sizes, rng)

    def gradient(self, of: str, wrt: str, env: dict[str, Any]) -> Value:
        """∂of/∂wrt by reverse mode: each derived variable passes its adjoint on to what it reads."""
        sweep = self._sweep(of, env)
        if wrt in sweep.passed:
            grad = sweep.adjoints.get(wrt, 0.0)
        elif sweep.blocked is not None:
            raise AuthorError(f"cannot differentiate through {sweep.blocked} (only `expr` variables can be)")
        else:
            grad = sweep.adjoints.get(wrt, 0.0)
        like = env[wrt]
        return np.zeros(like.shape) + grad if isinstance(like, np.ndarray) else float(np.sum(grad))

    def _sweep(self, of: str, env: dict[str, Any]) -> _Sweep:
        """The adjoints of everything `of` reads, in one reverse pass. While a trial's variables are evaluated,
        every gradient of the same `of` shares it: a network with six gradients costs one backward pass, not six."""
        shared = _SWEEPS.get()
        if shared is not None and (hit := shared.get((id(env), of))) is not None and hit[0] is env:
            return hit[1]
        sweep = _Sweep({of: 1.0})
        for name in reversed(self.ancestors(of)):
            sweep.passed.add(name)  # every reader of `name` came before it: its adjoint is complete
            if name not in sweep.adjoints:
                continue
            d = self.derived[name]
            if d.kind != "expr":
                sweep.blocked = name
                break
            for dep, grad in backpropagate(d.nodes["expr"], env, sweep.adjoints[name]).items():
                if dep in self.variables:
                    sweep.adjoints[dep] = sweep.adjoints.get(dep, 0.0) + grad
        if sweep.blocked is None:
            sweep.passed.update(self.variables)
        if shared is not None:
            shared[(id(env), of)] = (env, sweep)  # the env is kept alive with it: its id cannot be reused
        return sweep


@dataclass
class _Sweep:
    adjoints: dict[str, Value]
    passed: set[str] = field(default_factory=set)  # variables whose adjoint is final (absent: zero)
    blocked: str | None = None  # a derived variable the pass could not differentiate through


_SWEEPS: ContextVar[dict[tuple[int, str], tuple[dict[str, Any], _Sweep]] | None] = ContextVar("sweeps", default=None)


@contextmanager
def _shared_sweeps() -> Iterator[None]:
    token = _SWEEPS.set({})
    try:
        yield
    finally:
        _SWEEPS.reset(token)


def _compile(name: str, spec: VariableSpec, graph: VariableGraph) -> _Derived:
    where = ("variables", name)
    if spec.expr is not None:
        node = graph.read(spec.expr, (*where, "expr"))
        return _Derived(name, spec, "expr", names_read(node), {"expr": node})
    if spec.grad is not None:
        return _Derived(name, spec, "grad", {spec.grad.of, spec.grad.wrt})
    if spec.recurrence is not None:
        return _compile_recurrence(name, spec, graph)
    moment = spec.expectation or spec.second_moment
    assert moment is not None
    kind = "expectation" if spec.expectation is not None else "second_moment"
    d = _Derived(name, spec, kind, {moment.of, *moment.random})
    for source, random in moment.random.items():
        bound = {"I": Symbol("I", (), "identity")}
        d.nodes[f"mean:{source}"] = graph.read(random.mean, (*where, kind, "random", source, "mean"))
        if random.covariance is not None:
            cov = graph.read(random.covariance, (*where, kind, "random", source, "covariance"), bound)
            d.nodes[f"cov:{source}"] = cov
        d.deps |= names_read(d.nodes[f"mean:{source}"]) | (names_read(d.nodes.get(f"cov:{source}")) - set(bound))
    return d


def _compile_recurrence(name: str, spec: VariableSpec, graph: VariableGraph) -> _Derived:
    rec = spec.recurrence
    assert rec is not None
    where = ("variables", name, "recurrence")
    bound = {state: Symbol(state) for state in rec.state} | {rec.index: Symbol(rec.index)}
    d = _Derived(name, spec, "recurrence")
    d.nodes["steps"] = graph.read(rec.steps, (*where, "steps"))
    for state, rule in rec.state.items():
        d.nodes[f"init:{state}"] = graph.read(rule.init, (*where, "state", state, "init"))
        d.nodes[f"update:{state}"] = graph.read(rule.update, (*where, "state", state, "update"), bound)
    d.nodes["result"] = graph.read(rec.result, (*where, "result"), bound)
    d.deps = set().union(*(names_read(node) for node in d.nodes.values())) - set(bound)
    return d


def _kink_spot(node: Node) -> tuple[str, float] | None:
    """The variable and the point where this node is not smooth, when it is a plain variable against a constant."""
    if isinstance(node, Call) and FUNCTIONS[node.func].kink and len(node.args) == 1 and isinstance(node.args[0], Name):
        return (node.args[0].name, 0.0) if node.func not in ("floor", "ceil", "round") else None
    if isinstance(node, Compare):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, Name) and isinstance(other, Num):
                return side.name, other.value
    return None


def _beside(value: Value, point: float, rng: np.random.Generator) -> Value:
    """Half of the entries (at least one) moved to point ± 10^u, u in [-6, -2], signs alternating."""
    array = np.array(value, dtype=float, ndmin=1)
    flat = array.reshape(-1)
    chosen = rng.permutation(flat.size)[: max(1, flat.size // 2)]
    first = int(rng.integers(2))  # which side the first moved entry takes; the others alternate
    signs = np.where((np.arange(chosen.size) + first) % 2 == 0, 1.0, -1.0)
    offsets = 10.0 ** rng.uniform(-6, -2, size=chosen.size) * signs
    flat[chosen] = point + offsets
    return as_value(array.reshape(np.shape(value) or (1, 1)))


def names_read(node: Node | None) -> set[str]:
    """The variable names a tree reads (names and indexed families)."""
    if node is None:
        return set()
    return {n.name for n in node.walk() if isinstance(n, Name)} | {
        n.family for n in node.walk() if isinstance(n, Index)
    }


# -- shapes of each kind -----------------------------------------------------------------------------------------
def _expr_shape(graph: VariableGraph, d: _Derived) -> Shape:
    return infer_shape(d.nodes["expr"], graph.scope(), graph.variables[d.name].expr or "")


def _grad_shape(graph: VariableGraph, d: _Derived) -> Shape:
    grad = d.spec.grad
    assert grad is not None
    where = ("variables", d.name, "grad")
    for role, target in (("of", grad.of), ("wrt", grad.wrt)):
        if target not in graph.variables:
            raise AuthorError(f"{d.name}: {role} {target!r} is not a variable", (*where, role))
    if graph.symbols[grad.of].shape:
        raise AuthorError(f"{d.name}: {grad.of} must be a scalar (a loss) to take its gradient", (*where, "of"))
    if grad.wrt not in graph.reads(grad.of):
        raise AuthorError(f"{d.name}: {grad.of} does not depend on {grad.wrt}", (*where, "wrt"))
    return graph.symbols[grad.wrt].shape


def _recurrence_shape(graph: VariableGraph, d: _Derived) -> Shape:
    rec = d.spec.recurrence
    assert rec is not None
    scope = graph.scope()
    if infer_shape(d.nodes["steps"], scope):
        raise AuthorError(f"{d.name}: the number of steps must be a scalar", ("variables", d.name, "recurrence"))
    states = {s: Symbol(s, infer_shape(d.nodes[f"init:{s}"], scope)) for s in rec.state}
    for _ in range(len(states) + 1):  # a zero initial state takes the shape its update gives it
        bound = {**states, rec.index: Symbol(rec.index)}
        changed = False
        for s in rec.state:
            shape = infer_shape(d.nodes[f"update:{s}"], graph.scope(bound), rec.state[s].update, frozenset())
            if shape != states[s].shape:
                if states[s].shape:
                    raise AuthorError(
                        f"{d.name}: state {s} starts {describe_shape(states[s].shape)} but its update gives "
                        f"{describe_shape(shape)}",
                        ("variables", d.name, "recurrence", "state", s),
                    )
                states[s], changed = Symbol(s, shape), True
        if not changed:
            break
    d.state_shapes = {s: symbol.shape for s, symbol in states.items()}
    return infer_shape(d.nodes["result"], graph.scope({**states, rec.index: Symbol(rec.index)}))


def _moment_shape(graph: VariableGraph, d: _Derived) -> Shape:
    moment = d.spec.expectation or d.spec.second_moment
    assert moment is not None
    if moment.of not in graph.variables:
        raise AuthorError(f"{d.name}: {moment.of!r} is not a variable", ("variables", d.name, d.kind, "of"))
    shape = graph.symbols[moment.of].shape
    if d.kind == "expectation":
        return shape
    if shape and shape[1] != 1:
        raise AuthorError(f"{d.name}: the second moment needs a column vector", ("variables", d.name, d.kind, "of"))
    return normalize_shape((shape[0], shape[0])) if shape else ()


_SHAPES = {"expr": _expr_shape, "grad": _grad_shape, "recurrence": _recurrence_shape,
           "expectation": _moment_shape, "second_moment": _moment_shape}  # fmt: skip


# -- values of each kind -----------------------------------------------------------------------------------------
def _expr_value(graph: VariableGraph, d: _Derived, env: dict[str, Any], sizes: Mapping[str, int]) -> Value:
    return evaluate(d.nodes["expr"], env)


def _grad_value(graph: VariableGraph, d: _Derived, env: dict[str, Any], sizes: Mapping[str, int]) -> Value:
    assert d.spec.grad is not None
    return graph.gradient(d.spec.grad.of, d.spec.grad.wrt, env)


def _recurrence_value(graph: VariableGraph, d: _Derived, env: dict[str, Any], sizes: Mapping[str, int]) -> Value:
    rec = d.spec.recurrence
    assert rec is not None
    steps = evaluate(d.nodes["steps"], env)
    if not isinstance(steps, float) or steps != round(steps) or not 0 <= steps <= MAX_STEPS:
        raise AuthorError(f"{d.name}: the number of steps must be a whole number from 0 to {MAX_STEPS}")
    shapes = d.state_shapes
    local = dict(env)
    for s in rec.state:
        local[s] = fit(evaluate(d.nodes[f"init:{s}"], env), concrete_shape(shapes[s], sizes))
    for k in range(1, round(steps) + 1):
        local[rec.index] = float(k)
        for s in rec.state:
            local[s] = fit(evaluate(d.nodes[f"update:{s}"], local), concrete_shape(shapes[s], sizes))
    local[rec.index] = steps
    return evaluate(d.nodes["result"], local)


_VALUES = {"expr": _expr_value, "grad": _grad_value, "recurrence": _recurrence_value,
           "expectation": moment_value, "second_moment": moment_value}  # fmt: skip
