"""An answer evaluated on every trial of a check, with as few passes of the interpreter as the trials allow.

A check evaluates an answer on a dozen trials. Walking the tree once per trial costs a dozen times the
interpreter's overhead, so the trials are stacked wherever their values have the same shapes:

* a scalar answer (every name a number in every trial) runs once, each variable a vector over the trials;
* in a matrix answer, its largest scalar parts (ε, Σ_k α^k …) run that way, once, and the rest runs once per
  group of trials whose matrices have the same shapes, each variable a stack of matrices (`n × rows × cols`).

What cannot be stacked (a family member `g[k]`, a reduction such as `sum` of entries, a sum of matrices) runs
trial by trial. Every path computes the same elementwise arithmetic as `evaluate` on each trial alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import numpy as np

from app.engine.evaluate import Value, _Evaluator, _scalar_sums, as_value, elementwise_call, scalar_only
from app.engine.syntax import Call, Index, Name, Node, Num, Sum


@dataclass
class TrialStacks:
    """Values derived from one list of trials, kept for the next answer checked on the same trials."""

    columns: dict[str, np.ndarray] = field(default_factory=dict)  # a scalar variable over all trials
    groups: dict[frozenset[str], list[np.ndarray]] = field(default_factory=dict)  # same shapes of these names
    stacks: dict[tuple[str, bytes], Value] = field(default_factory=dict)  # a variable over a group's trials


def evaluate_trials(node: Node, envs: Sequence[Mapping[str, Any]], kept: TrialStacks | None = None) -> list[Value]:
    """`evaluate` on every trial, stacking the trials where it can (`kept` carries the stacks between calls)."""
    kept = TrialStacks() if kept is None else kept
    if len(envs) > 1 and _across_trials(node, envs[0]):
        return [float(v) for v in _over_trials(node, envs, kept)]
    hoisted = {id(sub): _over_trials(sub, envs, kept) for sub in _scalar_parts(node, envs[0])} if len(envs) > 1 else {}
    if len(envs) > 1 and _groupable(node, envs[0], hoisted):
        return _over_groups(node, envs, kept, hoisted)
    plan = _scalar_sums(node, envs[0]) if envs else {}
    with np.errstate(all="ignore"):
        return [_Evaluator(env, scalar_sums=plan, known={k: float(v[i]) for k, v in hoisted.items()}).value(node)
                for i, env in enumerate(envs)]  # fmt: skip


def _over_trials(node: Node, envs: Sequence[Mapping[str, Any]], kept: TrialStacks) -> np.ndarray:
    """A scalar-only tree on every trial at once, the trials stacked into vectors."""
    for name in {n.name for n in node.walk() if isinstance(n, Name) and n.name in envs[0]} - kept.columns.keys():
        kept.columns[name] = np.array([env[name] for env in envs], dtype=float)
    with np.errstate(all="ignore"):
        result = _Evaluator(kept.columns, batched=True, length=len(envs)).value(node)
    return np.broadcast_to(np.asarray(result, dtype=float), (len(envs),))


def _across_trials(node: Node, env: Mapping[str, Any], bound: frozenset[str] = frozenset()) -> bool:
    """Whether a tree is scalar in every trial and can run on the trials stacked (sums too, their bounds per trial)."""
    kinds = node.kinds()
    if Index in kinds:
        return False
    if Sum not in kinds:  # no index is bound below: one flat pass over the names and calls
        return scalar_only(node, env, bound)
    if isinstance(node, Call) and not elementwise_call(node):
        return False
    if isinstance(node, Sum):
        inner = bound | {node.index}
        return (
            _across_trials(node.lo, env, bound)
            and _across_trials(node.hi, env, bound)
            and (_across_trials(node.body, env, inner))
        )
    return all(_across_trials(child, env, bound) for child in node.children())


def _scalar_parts(node: Node, env: Mapping[str, Any]) -> list[Node]:
    """The largest sub-trees (beyond single names and numbers) that are scalar in every trial. A sum's body is
    not searched: its index is bound there."""
    found: list[Node] = []
    stack = _unbound_children(node)
    while stack:
        sub = stack.pop()
        if not isinstance(sub, Name | Num) and _across_trials(sub, env):
            found.append(sub)
        else:
            stack.extend(_unbound_children(sub))
    return found


def _unbound_children(node: Node) -> list[Node]:
    return [node.lo, node.hi] if isinstance(node, Sum) else list(node.children())


def _groupable(node: Node, env: Mapping[str, Any], hoisted: Mapping[int, Any]) -> bool:
    """Whether the tree, outside its hoisted scalar parts, acts on a stack of matrices as on one: numbers and
    matrices only, operators and elementwise functions, no sum (its terms are matrices) and no family member."""
    stack = [node]
    while stack:
        sub = stack.pop()
        if id(sub) in hoisted:
            continue
        if isinstance(sub, Index | Sum) or (isinstance(sub, Call) and not elementwise_call(sub)):
            return False
        if isinstance(sub, Name) and not isinstance(env.get(sub.name), float | np.ndarray):
            return False
        stack.extend(sub.children())
    return True


def _over_groups(
    node: Node, envs: Sequence[Mapping[str, Any]], kept: TrialStacks, hoisted: Mapping[int, np.ndarray]
) -> list[Value]:
    """The tree once per group of same-shaped trials, each variable a stack of that group's values."""
    names = frozenset(n.name for n in node.walk() if isinstance(n, Name) and n.name in envs[0])
    groups = kept.groups.get(names)
    if groups is None:
        groups = kept.groups[names] = _same_shapes(envs, names)
    results: list[Value] = [0.0] * len(envs)
    with np.errstate(all="ignore"):
        for members in groups:
            env = {name: _stack(kept, envs, name, members) for name in names}
            known = {key: values[members].reshape(-1, 1, 1) for key, values in hoisted.items()}
            value = _Evaluator(env, batched=True, known=known).value(node)
            for position, trial in enumerate(members.tolist()):
                results[trial] = as_value(value[position]) if _stacked(value, len(members)) else value
    return results


def _same_shapes(envs: Sequence[Mapping[str, Any]], names: frozenset[str]) -> list[np.ndarray]:
    """The trials, grouped by the shapes of the named matrices (in the order of their first trial)."""
    groups: dict[tuple[tuple[int, ...], ...], list[int]] = {}
    for trial, env in enumerate(envs):
        shapes = tuple(np.shape(env[name]) for name in sorted(names))
        groups.setdefault(shapes, []).append(trial)
    return [np.array(members) for members in groups.values()]


def _stack(kept: TrialStacks, envs: Sequence[Mapping[str, Any]], name: str, members: np.ndarray) -> Value:
    key = (name, members.tobytes())
    if key not in kept.stacks:
        values = [envs[trial][name] for trial in members.tolist()]
        kept.stacks[key] = (
            np.array(values, dtype=float).reshape(-1, 1, 1) if isinstance(values[0], float) else np.stack(values)
        )
    return kept.stacks[key]


def _stacked(value: Value, size: int) -> TypeGuard[np.ndarray]:
    """A stack with one value per trial of the group (a constant answer, `2`, is one float for all)."""
    return isinstance(value, np.ndarray) and value.ndim == 3 and value.shape[0] == size
