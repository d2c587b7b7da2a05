"""Malicious and pathological answers, graded the way the service grades them: in the sandbox's worker processes.

Each input must come back `invalid` (it costs the student nothing) within the time limit, with calm feedback that
shows no Python internals, and leave the pool healthy. A check killed for overrunning its time limit counts as
`invalid` too: that is how the service reports it (`app.checker`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from app.bank.models import ProblemSpec
from app.engine.sandbox import CheckTimeout, WorkerPool
from app.engine.verdict import Verdict
from app.part_check import check_part
from tests.engine.conftest import Midterm, load_midterm

TIME_LIMIT = 2.0
SLACK = 1.0  # pickling, scheduling and the pipe, on top of the worker's limit

# (id, part, answer, the reason code the engine gives when it answers in time)
HOSTILE: list[tuple[str, str, str, str]] = [
    # resource exhaustion: arithmetic
    ("power-tower", "delta_W1", "9^9^9^9", "evaluation"),
    ("factorial", "delta_W1", "factorial(10^10)", "unknown_name"),
    ("variable-to-huge-power", "delta_W1", "x^(10^10)", "evaluation"),
    ("power-chain", "delta_W1", "x^1000^1000", "evaluation"),
    ("exp-exp-exp", "delta_W1", "exp(exp(exp(1000)))", "evaluation"),
    ("huge-exponent-literal", "delta_W1", "1e999999*x", "limit"),
    ("divide-by-zero", "delta_W1", "1/0", "evaluation"),
    ("zero-times-log-zero", "delta_W1", "log(0)*0", "evaluation"),
    ("sqrt-of-negative", "delta_W1", "sqrt(-1) delta_b1 x.T", "evaluation"),
    # resource exhaustion: size and nesting
    ("10k-nested-parentheses", "delta_W1", "(" * 10_000 + "x" + ")" * 10_000, "limit"),
    ("5k-nested-parentheses", "delta_W1", "(" * 5_000 + "x" + ")" * 5_000, "limit"),
    ("5k-nested-minus", "delta_W1", "-" * 5_000 + "x", "limit"),
    ("1MB-string", "delta_W1", "x+" * 500_000 + "x", "limit"),
    ("5000-digit-literal", "delta_W1", "1" * 5_000, "limit"),
    ("10k-term-sum", "delta_W1", "+".join(["a1"] * 10_000), "limit"),
    ("1999-digit-literal", "delta_W1", "1" * 1_999, "limit"),
    ("900-nested-parentheses-under-length-limit", "delta_W1", "(" * 900 + "x" + ")" * 900, "limit"),
    ("1500-nested-minus-under-length-limit", "delta_W1", "-" * 1_500 + "x", "limit"),
    ("nested-functions", "delta_W1", "exp(" * 60 + "x" + ")" * 60, "limit"),
    ("450-terms-under-length-limit", "delta_W1", "+".join(["x"] * 450), "limit"),
    ("150-term-chain", "delta_W1", "+".join(["a1"] * 150), "limit"),
    # resource exhaustion: sums and families
    ("sum-to-a-billion", "theta_t", "sum(g[k], k, 1, 10^9)", "evaluation"),
    ("triple-sum-of-a-billion-terms", "delta_W1", "sum(sum(sum(x,i,1,1000),j,1,1000),k,1,1000)", "evaluation"),
    ("triple-sum-of-family-members", "theta_t", "sum(sum(sum(g[k],i,1,1000),j,1,1000),k,1,1000)", "evaluation"),
    ("double-sum-of-new-members", "theta_t", "sum(sum(g[k] + g[j], j, 1, 1000), k, 1, 1000)", "evaluation"),
    ("family-member-a-billion", "theta_t", "g[10^9]", "evaluation"),
    ("negative-sum-bound", "theta_t", "sum(g[k], k, 1, -10^9)", "evaluation"),
    # code injection
    ("dunder-import", "delta_W1", "__import__('os')", "syntax"),
    ("dunder-import-system", "delta_W1", "__import__('os').system('ls')", "syntax"),
    ("lambda", "delta_W1", "lambda: 0", "syntax"),
    ("attribute-class", "delta_W1", "x.__class__", "syntax"),
    ("class-bases", "delta_W1", "().__class__.__bases__[0]", "syntax"),
    ("subclasses", "delta_W1", "x.__class__.__mro__[-1].__subclasses__()", "syntax"),
    ("trailing-comment", "delta_W1", "delta_b1 @ x.T # + 1", "syntax"),
    ("eval-call", "delta_W1", 'eval("1")', "syntax"),
    ("exec-name", "delta_W1", "exec", "unknown_name"),
    ("open-file", "delta_W1", "open('/etc/passwd')", "syntax"),
    ("statement-separator", "delta_W1", "delta_b1 @ x.T; import os", "syntax"),
    ("lone-semicolon", "delta_W1", ";", "syntax"),
    ("walrus", "delta_W1", "(y := 1)", "syntax"),
    ("backticks", "delta_W1", "`delta_b1 @ x.T`", "syntax"),
    ("lone-quote", "delta_W1", "'", "syntax"),
    ("nul-byte", "delta_W1", "\x00", "syntax"),
    ("nul-inside", "delta_W1", "delta_b1\x00 @ x.T", "syntax"),
    ("sympy-function", "delta_W1", "Symbol('x')", "syntax"),
    ("numpy-attribute", "delta_W1", "np.ones(10**9)", "syntax"),
    # template and markup injection
    ("template-dollar", "delta_W1", "${7*7}", "syntax"),
    ("template-percent", "delta_W1", "<%= 7*7 %>", "syntax"),
    ("html-script", "delta_W1", "<script>alert(1)</script>", "syntax"),
    ("latex-command", "delta_W1", "\\input{/etc/passwd}", "syntax"),
    # unicode trickery
    ("cyrillic-homoglyph-x", "delta_W1", "delta_b1 @ х.T", "syntax"),
    ("greek-omicron-homoglyph", "delta_W1", "delta_b1 @ x.T + 0 ο", "syntax"),
    ("fullwidth-x", "delta_W1", "delta_b1 @ ｘ.T", "syntax"),
    ("emoji", "delta_W1", "delta_b1 @ x.T 😀", "syntax"),
    ("emoji-zwj-sequence", "delta_W1", "👩‍💻", "syntax"),
    ("right-to-left-override", "delta_W1", "delta_b1 @ x\u202e.T", "syntax"),
    ("zero-width-space", "delta_W1", "delta_b1\u200b @ x.T", "syntax"),
    ("byte-order-mark", "delta_W1", "\ufeffdelta_b1 @ x.T", "syntax"),
    ("subscript-digit", "delta_W1", "delta_b1 @ x.T ₀", "syntax"),
    ("arabic-indic-digit", "delta_W1", "٣ delta_b1 @ x.T", "syntax"),
    ("fullwidth-digit", "delta_W1", "３ delta_b1 @ x.T", "syntax"),
    ("lone-superscript", "delta_W1", "²", "syntax"),
    ("empty", "delta_W1", "", "syntax"),
    ("only-whitespace", "delta_W1", " \t\n ", "syntax"),
]


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(size=2, timeout=TIME_LIMIT, preload=["app.part_check"]) as worker_pool:
        yield worker_pool


@pytest.fixture(scope="module")
def exam() -> Midterm:
    return load_midterm(0)


def grade(pool: WorkerPool, problem: ProblemSpec, part_id: str, answer: str) -> tuple[Verdict, float]:
    """The verdict as the service reports it, and how long the caller waited."""
    start = time.monotonic()
    try:
        verdict = pool.run(check_part, problem, part_id, answer, 0)
    except CheckTimeout as error:
        verdict = Verdict.invalid(error.message, "timeout")
    return verdict, time.monotonic() - start


def assert_refused_calmly(verdict: Verdict, elapsed: float) -> None:
    assert verdict.status == "invalid"
    assert verdict.score == 0.0
    assert verdict.feedback.strip()
    assert "Traceback" not in verdict.feedback
    assert "Error:" not in verdict.feedback
    assert elapsed < TIME_LIMIT + SLACK


@pytest.mark.parametrize(
    ("part_id", "answer", "reason"),
    [pytest.param(part, answer, reason, id=name) for name, part, answer, reason in HOSTILE],
)
def test_hostile_input_is_refused(pool: WorkerPool, exam: Midterm, part_id: str, answer: str, reason: str) -> None:
    verdict, elapsed = grade(pool, exam.problem(part_id), part_id, answer)
    assert_refused_calmly(verdict, elapsed)
    assert verdict.reason == reason, verdict.feedback  # the guard meant for it, not the clock


def test_there_are_enough_hostile_inputs() -> None:
    assert len(HOSTILE) >= 25
    assert len({name for name, *_ in HOSTILE}) == len(HOSTILE)


def test_a_billion_term_triple_sum_is_stopped_by_a_limit_not_the_clock(pool: WorkerPool, exam: Midterm) -> None:
    answer = "sum(sum(sum(x,i,1,1000),j,1,1000),k,1,1000)"
    verdict, _ = grade(pool, exam.problem("delta_W1"), "delta_W1", answer)
    assert (verdict.status, verdict.reason) == ("invalid", "evaluation")
    assert verdict.feedback.startswith("Your answer takes too much work to evaluate; simplify it.")


def test_template_syntax_is_just_brackets_and_is_never_rendered(pool: WorkerPool, exam: Midterm) -> None:
    """`{}` are brackets of the answer language, so `{{7*7}}` is the number 49: graded (wrong), not executed."""
    verdict, elapsed = grade(pool, exam.problem("delta_W1"), "delta_W1", "{{7*7}}")
    assert (verdict.status, verdict.reason) == ("incorrect", "shape")
    assert "49" not in verdict.feedback
    assert verdict.latex == "7 \\cdot 7"
    assert elapsed < TIME_LIMIT + SLACK


def test_a_dunder_name_is_just_an_unknown_name(pool: WorkerPool, exam: Midterm) -> None:
    verdict, _ = grade(pool, exam.problem("delta_W1"), "delta_W1", "__builtins__")
    assert (verdict.status, verdict.reason) == ("invalid", "unknown_name")
    assert verdict.feedback.startswith("Unknown name `__builtins__`.")


def test_an_empty_sum_as_an_index_is_not_an_internal_error(pool: WorkerPool, exam: Midterm) -> None:
    # Σ over an empty range is a zero vector, so the index is θ0ᵀ·0 = 0: a well-formed (wrong) answer.
    verdict, elapsed = grade(pool, exam.problem("theta_t"), "theta_t", "g[theta0.T sum(g[k], k, 2, 1)]")
    assert (verdict.status, verdict.reason) == ("incorrect", "wrong")
    assert elapsed < TIME_LIMIT + SLACK


def test_the_pool_survives_the_whole_batch(pool: WorkerPool, exam: Midterm) -> None:
    for name, part_id, answer, _ in HOSTILE:
        verdict, elapsed = grade(pool, exam.problem(part_id), part_id, answer)
        assert verdict.status == "invalid", name
        assert elapsed < TIME_LIMIT + SLACK, name
    assert pool.wait_ready(timeout=10)  # a worker killed on a timeout is replaced in the background
    assert pool.alive == 2
    verdict, _ = grade(pool, exam.problem("delta_W1"), "delta_W1", "delta_b1 @ x.T")
    assert (verdict.status, verdict.reason) == ("correct", "correct")
    verdict, _ = grade(pool, exam.problem("theta_t"), "theta_t", exam.part("theta_t").answer)
    assert verdict.status == "correct"
