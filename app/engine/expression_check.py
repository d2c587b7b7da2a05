"""Check an expression answer: parse → resolve names → infer its shape → compare numerically → explain.

>>> from app.engine.variables import VariableSpec
>>> names = {"x": VariableSpec(shape=["n", 1]), "A": VariableSpec(shape=["m", "n"])}
>>> task = ExpressionTask(key="demo", variables=names, allowed=("x", "A"), answer="A @ x")
>>> check_expression(task, "A x").status
'correct'
>>> check_expression(task, "x.T A.T").feedback
'Your answer is $1 \\\\times m$ but the answer is $m \\\\times 1$. Check the order of the factors and the transposes.'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine.batch import TrialStacks, evaluate_trials
from app.engine.compare import Tolerance, all_finite, diagnose
from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import Value, check_constant_exponents
from app.engine.graph import VariableGraph, names_read
from app.engine.latex import to_latex
from app.engine.mathtext import math_span, name_latex, shape_math, shape_tex
from app.engine.memo import BoundedCache
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.readings import reading_note
from app.engine.scope import Scope, Shape, Symbol, describe_shape
from app.engine.shapes import infer_shape
from app.engine.syntax import Node
from app.engine.variables import Trial, VariableSpec, concrete_shape, sample_trials, stable_seed
from app.engine.verdict import Verdict

PREPARED_CACHE_SIZE = 256


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer an author anticipates, and what to tell a student who gives it."""

    answer: str
    message: str


@dataclass(frozen=True)
class ExpressionTask:
    """Everything needed to check one expression answer; picklable, so it can travel to a worker.

    `key` must change whenever anything else does (the bank uses a hash of the part); it keys the caches.
    The expected value is the derived variable `target` when given (the truth the engine computes from the
    question's declarations), else the value of the author's `answer`.
    """

    key: str
    variables: Mapping[str, VariableSpec]
    allowed: tuple[str, ...]
    answer: str | None
    target: str | None = None
    answer_name: str = "the answer"
    mistakes: tuple[Mistake, ...] = ()
    dims: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    trials: int = 12
    tolerance: Tolerance = field(default_factory=Tolerance)

    def scope(self, names: Sequence[str] | None = None) -> Scope:
        """The student's scope (the allowed names), or the given names' scope (authors may use any name)."""
        chosen = self.allowed if names is None else names
        known = self.graph().symbols
        symbols = [known[n] for n in chosen]
        if "I" not in chosen and self.target and known[self.target].role != "identity":
            shape = known[self.target].shape
            if len(shape) == 2 and shape[0] == shape[1]:
                symbols.append(Symbol("I", tuple(shape), "identity"))  # I takes the size the answer needs
        return Scope.of(*symbols)

    def graph(self) -> VariableGraph:
        """The compiled variables, once per task per process."""
        return _graphs.get(self.key, lambda: VariableGraph(self.variables, self.dims))


_graphs: BoundedCache[str, VariableGraph] = BoundedCache(PREPARED_CACHE_SIZE)


@dataclass
class _Prepared:
    student_scope: Scope
    trials: list[Trial]
    envs: list[dict[str, Any]]
    expected: list[Value]
    expected_shape: Shape
    mistakes: list[tuple[Mistake, list[Value]]]
    stacks: TrialStacks = field(default_factory=TrialStacks)  # the trials' values stacked, kept between checks


def check_expression(task: ExpressionTask, text: str, seed: int = 0) -> Verdict:
    """Grade `text` against `task`: correct, incorrect with a reason, or invalid with a position."""
    prepared = _prepare(task, seed)
    try:
        node, shape, latex = read(text, prepared.student_scope)
    except StudentError as error:
        return _invalid(error, text)
    verdict = _verdict(task, prepared, text, node, shape, latex)
    note = reading_note(node, text)
    return verdict.model_copy(update={"note": note}) if note else verdict


def _verdict(task: ExpressionTask, prepared: _Prepared, text: str, node: Node, shape: Shape, latex: str) -> Verdict:
    try:
        got = evaluate_trials(node, prepared.envs, prepared.stacks)
    except StudentError as error:
        return _invalid(error, text)
    if not all_finite(got):
        return Verdict.invalid(
            "Your answer evaluates to an infinite or undefined value (a huge power, the log of a negative "
            "number, a division by zero?).",
            "evaluation",
        )
    if shape == prepared.expected_shape and task.tolerance.all_close(got, prepared.expected):
        return Verdict.correct(latex=latex)
    for mistake, values in prepared.mistakes:  # an anticipated mistake may have any shape
        if task.tolerance.all_close(got, values):
            return Verdict.incorrect(mistake.message, "mistake", latex)
    if shape != prepared.expected_shape:
        return Verdict.incorrect(_shape_message(task, shape, prepared.expected_shape), "shape", latex)
    return _grade(task, prepared, got, latex)


def read(text: str, scope: Scope) -> tuple[Node, Shape, str]:
    """Parse, resolve and type an answer; return the tree, its shape and its LaTeX. Raises StudentError."""
    node = resolve(parse(text, scope.symbols.keys()), scope)
    check_constant_exponents(node)
    shape = infer_shape(node, scope, text)
    return node, shape, to_latex(node, scope)


@dataclass(frozen=True)
class Interpretation:
    """How an answer is read, before any grading: LaTeX and shape, or why it cannot be read."""

    latex: str | None = None
    shape: str | None = None  # in the question's dimensions, as text: `D_a1 × 1`
    shape_latex: str | None = None  # the same as TeX, `D_{a_{1}} \times 1` (None for a scalar)
    error: str = ""
    position: int | None = None
    note: str | None = None


def preview(task: ExpressionTask, text: str) -> Interpretation:
    try:
        node, shape, latex = read(text, task.scope())
    except StudentError as error:
        return Interpretation(error=error.explained(text), position=error.position)
    return Interpretation(
        latex=latex, shape=describe_shape(shape), shape_latex=shape_tex(shape) or None, note=reading_note(node, text)
    )


def _grade(task: ExpressionTask, prepared: _Prepared, got: list[Value], latex: str) -> Verdict:
    tol, want = task.tolerance, prepared.expected
    diagnosis = diagnose(got, want, tol, task.answer_name)
    if diagnosis is not None:
        return Verdict.incorrect(diagnosis.message, diagnosis.reason, latex)
    agree = [tol.close(g, w) for g, w in zip(got, want, strict=True)]
    if any(agree):
        return Verdict.incorrect(_partial_message(task, prepared.trials, agree), "partial", latex)
    return Verdict.incorrect(f"Your answer does not equal {task.answer_name}.", "wrong", latex)


def _invalid(error: StudentError, text: str) -> Verdict:
    return Verdict.invalid(error.explained(text), error.code, error.position)


def _shape_message(task: ExpressionTask, got: Shape, want: Shape) -> str:
    message = f"Your answer is {shape_math(got)} but {task.answer_name} is {shape_math(want)}."
    if got and want and tuple(reversed(got)) == want:
        message += " Check the order of the factors and the transposes."
    return message


def _partial_message(task: ExpressionTask, trials: list[Trial], agree: list[bool]) -> str:
    """Name a case (a value of a choice variable) where the answer fails, if one separates the trials."""
    for name, spec in task.variables.items():
        if not spec.choice or name not in task.allowed:
            continue
        good = {trial.env[name] for trial, ok in zip(trials, agree, strict=True) if ok}
        bad = {trial.env[name] for trial, ok in zip(trials, agree, strict=True) if not ok}
        if good and bad and not good & bad:
            cases = " or ".join(math_span(f"{name_latex(name)} = {v:g}") for v in sorted(bad))
            return f"Your answer is right in some cases but not when {cases}."
    return f"Your answer agrees with {task.answer_name} for some inputs but not for all of them."


_prepared: BoundedCache[tuple[str, int], _Prepared] = BoundedCache(PREPARED_CACHE_SIZE)


def _prepare(task: ExpressionTask, seed: int) -> _Prepared:
    """Trials, expected values and mistake values of a task; computed once per (task, seed) per process."""
    return _prepared.get((task.key, seed), lambda: _make_prepared(task, seed))


def _make_prepared(task: ExpressionTask, seed: int) -> _Prepared:
    author_scope = task.scope(list(task.variables))
    graph = task.graph()
    needed = _needed(task, author_scope)
    trials = sample_trials(
        task.variables, task.dims, task.trials, stable_seed(task.key, seed), _informative(task, author_scope),
        lambda env, sizes: graph.evaluate(env, sizes, only=needed), graph.near_kinks,
    )  # fmt: skip
    envs = [_env(trial, author_scope) for trial in trials]
    if task.target is not None:
        expected, shape = [env[task.target] for env in envs], graph.symbols[task.target].shape
    elif task.answer is not None:
        expected, shape = _author_values(task.answer, author_scope, envs), read(task.answer, author_scope)[1]
    else:
        raise AuthorError("give the part's `answer` or its `target` variable")
    mistakes = [(m, _author_values(m.answer, author_scope, envs)) for m in task.mistakes]
    return _Prepared(task.scope(), trials, envs, expected, shape, mistakes)


def _needed(task: ExpressionTask, scope: Scope) -> list[str] | None:
    """The variables a task reads — its target, the student's names, those of the answer and the mistakes — so
    that its trials compute only them (None: all, when an author's text cannot be read; preparing says why)."""
    needed = set(task.allowed) | ({task.target} if task.target else set())
    for text in (task.answer, *(m.answer for m in task.mistakes)):
        if text is None:
            continue
        try:
            node = read(text, scope)[0]
        except StudentError:
            return None
        needed |= names_read(node)
    return sorted(needed & set(task.variables))


def _informative(task: ExpressionTask, scope: Scope) -> Callable[[Trial], bool]:
    """A trial where the true value is all zeros tells no answer from another: ask for a redraw."""
    node = read(task.answer, scope)[0] if task.target is None and task.answer is not None else None

    def nonzero(trial: Trial) -> bool:
        if node is not None:
            value = evaluate_trials(node, [_env(trial, scope)])[0]
        else:
            assert task.target is not None  # a task has an answer or a target (checked when it is prepared)
            value = trial.env[task.target]
        return bool(np.any(np.abs(value) > 1e-12))

    return nonzero


def _env(trial: Trial, scope: Scope) -> dict[str, Any]:
    """The trial's values plus the identity matrices the scope provides."""
    env = dict(trial.env)
    for name, symbol in scope.symbols.items():
        if symbol.role == "identity" and name not in env:
            env[name] = np.eye(concrete_shape(symbol.shape, trial.dims)[0])
    return env


def _author_values(answer: str, scope: Scope, envs: list[dict[str, Any]]) -> list[Value]:
    try:
        node, _, _ = read(answer, scope)
        return evaluate_trials(node, envs)
    except StudentError as error:
        raise AuthorError(f"the answer {answer!r} cannot be read: {error.message}") from None


__all__ = ["ExpressionTask", "Interpretation", "Mistake", "check_expression", "preview", "read"]
