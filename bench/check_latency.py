"""Latency of a full answer check, warm, for every midterm expression answer.

Measures, in one run on this machine:
  * pool   — `check_part` through the pre-forked worker pool (what the service does per part); the first row
             is a task that does nothing, the round trip every pool row includes,
  * inproc — the same check in this process (engine cost without the process hop),
  * sympy  — the baseline a user would otherwise write, `sympy.simplify(student - reference) == 0`,
             for the scalar parts (for 4c.ii and 5, their scalar coefficients of μ and I).

Run: python bench/check_latency.py [--repeat 300] [--baseline-repeat 5]
"""

from __future__ import annotations

import argparse
import functools
import operator
import statistics
import time
from pathlib import Path

import sympy

from app.bank.loader import load_bank
from app.engine.parse import parse
from app.engine.sandbox import WorkerPool
from app.engine.symbolic import to_sympy
from app.part_check import PackedProblem, UnknownProblem, check_packed, check_part

ROOT = Path(__file__).resolve().parents[1]

# (problem, part, an equivalent student answer in another form than the reference)
ANSWERS = [
    ("c147-w23-2", "delta_yhat", "(alpha y (1 - yhat) - beta (1 - y) yhat) / (yhat (1 - yhat))"),
    ("c147-w23-2", "delta_b2", "alpha y (1 - yhat) - beta (1 - y) yhat"),
    ("c147-w23-2", "delta_W2", "delta_b2 * a1.T"),
    ("c147-w23-2", "delta_b1", "W2.T @ delta_b2 * (z1 > 0)"),
    ("c147-w23-2", "delta_W1", "delta_b1 @ x.T"),
    ("c147-w23-2", "l2_update", "(1 - 2 epsilon) W2 - epsilon dJ_dW2"),
    ("c147-w23-4", "theta_t", "theta0 - epsilon sum(sum(alpha^(j - k) g[k], k, 1, j), j, 1, t)"),
    ("c147-w23-4", "expected_theta_t", "-epsilon mu sum((1 - alpha^j) / (1 - alpha), j, 1, t)"),
    ("c147-w23-5", "velocity_covariance", "epsilon^2 sigma^2 sum(alpha^(2 (t - k)), k, 1, t) I"),
]
# Scalar baselines: (part, reference, equivalent student form), both scalar expressions.
BASELINES = {
    "delta_yhat": ("alpha y / yhat - beta (1 - y) / (1 - yhat)", ANSWERS[0][2]),
    # the reference with δ_ŷ written out, as a symbolic checker needs it to compare with this form
    "delta_b2": ("(alpha y / yhat - beta (1 - y) / (1 - yhat)) yhat (1 - yhat)", ANSWERS[1][2]),
    "expected_theta_t": (
        "-epsilon / (1 - alpha) (t - alpha (1 - alpha^t) / (1 - alpha))",
        "-epsilon (t / (1 - alpha) - alpha (1 - alpha^t) / (1 - alpha)^2)",
    ),
    "velocity_covariance": (
        "epsilon^2 s^2 (1 - alpha^(2 t)) / (1 - alpha^2)",  # s: sigma, a function name outside problem 5
        "epsilon^2 s^2 (1 - alpha^t) (1 + alpha^t) / ((1 - alpha) (1 + alpha))",
    ),
}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def check_like_the_service(pool: WorkerPool, packed: PackedProblem, part_id: str, answer: str) -> object:
    """As app.checker.Checker does: the fingerprint alone, the whole problem only to a worker lacking it."""
    try:
        return pool.run(check_packed, packed.reference(), part_id, answer, 0)
    except UnknownProblem:
        return pool.run(check_packed, packed, part_id, answer, 0)


def sympy_baseline(reference: str, student: str) -> bool:
    difference = to_sympy(parse(student)) - to_sympy(parse(reference))
    return sympy.simplify(difference) == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--baseline-repeat", type=int, default=5)
    args = parser.parse_args()
    bank = load_bank(ROOT / "problems")
    print(f"{'part':<22}{'pool p50':>10}{'pool p95':>10}{'inproc p50':>12}{'sympy p50':>11}{'speedup':>9}  (ms)")
    with WorkerPool(size=2, timeout=2.0, preload=["app.part_check"]) as pool:
        for _ in range(200):
            pool.run(operator.not_, 0)
        floor, _ = percentiles(timed(functools.partial(pool.run, operator.not_, 0), args.repeat))
        print(f"{'(no-op task)':<22}{floor:>10.3f}  — the pool's round trip alone, part of every pool row")
        for problem_id, part_id, answer in ANSWERS:
            problem = bank.problems[problem_id]
            packed = PackedProblem.pack(problem)  # as the service does, once per loaded problem
            verdict = pool.run(check_packed, packed, part_id, answer, 0)
            assert verdict.status == "correct", (part_id, verdict)
            for _ in range(20):  # warm both workers' caches
                pool.run(check_packed, packed, part_id, answer, 0)
            through_pool = functools.partial(check_like_the_service, pool, packed, part_id, answer)
            pool_p50, pool_p95 = percentiles(timed(through_pool, args.repeat))
            in_process = functools.partial(check_part, problem, part_id, answer, 0)
            inproc_p50, _ = percentiles(timed(in_process, args.repeat))
            name = f"{problem.part(part_id).label} {part_id}"
            row = f"{name:<22}{pool_p50:>10.2f}{pool_p95:>10.2f}{inproc_p50:>12.2f}"
            if part_id in BASELINES:
                reference, student = BASELINES[part_id]
                assert sympy_baseline(reference, student), part_id
                base_p50, _ = percentiles(
                    timed(functools.partial(sympy_baseline, reference, student), args.baseline_repeat)
                )
                row += f"{base_p50:>11.1f}{base_p50 / pool_p50:>8.0f}×"
            print(row, flush=True)


if __name__ == "__main__":
    main()
