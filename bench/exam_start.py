"""An exam start: N students open a problem page and submit a whole problem (7 parts) at once, against three
topologies of the real app, each measured beside a no-op endpoint of the same stack in the same run.

Topologies: 1 instance on SQLite; 1 instance on PostgreSQL; 3 instances behind nginx (deploy/local-cluster:
PostgreSQL, Redis, Debian's nginx on loopback). Each gets a fresh database. For each it prints throughput
(students served per second and requests per second), p50/p99 latency of page loads and of submissions, errors,
and the same for the no-op endpoint (`/healthz/live`: the middleware, the router and a JSON response; no
database, no check) loaded with the same number of requests and the same client concurrency. With
`--hostile-share`, that share of the students send the costliest legal answers and the benign ones are reported
apart.

Run: python bench/exam_start.py [--students 1000] [--concurrency 100] [--hostile-share 0.1] [--only sqlite,...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.databases import postgres_database  # noqa: E402 - a fresh PostgreSQL schema, as the tests use
from tests.server import running_app  # noqa: E402 - the same server harness as the browser tests

PAGE = "/problems/c147-w23-2"
NOOP = "/healthz/live"
SECRET = "bench-secret-" + "s" * 40
ANSWERS = {
    "a.delta_yhat": "alpha y / yhat - beta (1 - y) / (1 - yhat)",
    "a.delta_b2": "delta_yhat yhat (1 - yhat)",
    "a.delta_W2": "delta_b2 a1.T",
    "a.delta_b1": "W2.T delta_b2 * (z1 > 0)",
    "a.delta_W1": "x @ delta_b1.T",
    "a.l2_update": "W2 - epsilon (dJ_dW2 + 2 W2)",
    "a.b1_shape": "D_a1 x 1",
}
# Legal but as costly as the checker accepts: long products and nested sums that run to the work budget.
HOSTILE = {
    "a.delta_yhat": "+".join(["alpha y / yhat - beta (1 - y) / (1 - yhat)"] * 40),
    "a.delta_b2": "sum(sum(delta_yhat yhat (1 - yhat) / (k j), k, 1, 60), j, 1, 60)",
    "a.delta_W2": " @ ".join(["delta_b2 a1.T"] + ["(a1 a1.T)"] * 30),
    "a.delta_b1": "(" + " + ".join(["W2.T delta_b2 * (z1 > 0)"] * 40) + ")",
    "a.delta_W1": " @ ".join(["x @ delta_b1.T"] + ["(delta_b1 delta_b1.T)"] * 30),
    "a.l2_update": "sum(W2 - epsilon (dJ_dW2 + 2 W2), k, 1, 500) / 500",
    "a.b1_shape": "D_a1 x 1",
}
# One TLS context for every simulated browser: httpx builds one per client otherwise (loading the CA bundle costs
# milliseconds of the client's CPU on this shared 2-core machine), which would be measured as server latency.
TLS = ssl.create_default_context()
TOKEN = re.compile(r'class="answers"[^>]*>\s*<input type="hidden" name="form_token" value="([^"]+)"')


@dataclass
class Run:
    pages: list[float] = field(default_factory=list)
    submissions: list[float] = field(default_factory=list)
    hostile_submissions: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    students: int = 0


def quantiles(samples: list[float]) -> tuple[float, float]:
    if not samples:
        return float("nan"), float("nan")
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def student(url: str, hostile: bool, gate: asyncio.Semaphore, run: Run) -> None:
    async with gate, httpx.AsyncClient(base_url=url, timeout=120, verify=TLS) as client:
        try:
            start = time.perf_counter()
            page = await client.get(PAGE)
            run.pages.append((time.perf_counter() - start) * 1000)
            match = TOKEN.search(page.text)
            if page.status_code != 200 or match is None:
                run.errors += 1
                return
            form = {**(HOSTILE if hostile else ANSWERS), "part": "*", "form_token": match.group(1)}
            start = time.perf_counter()
            sent = await client.post(PAGE, data=form, follow_redirects=False)
            (run.hostile_submissions if hostile else run.submissions).append((time.perf_counter() - start) * 1000)
            if sent.status_code != 303:
                run.errors += 1
        except httpx.HTTPError:
            run.errors += 1


async def exam_start(url: str, students: int, concurrency: int, hostile_share: float) -> Run:
    run, gate = Run(students=students), asyncio.Semaphore(concurrency)
    hostile_every = round(1 / hostile_share) if hostile_share else 0
    start = time.perf_counter()
    await asyncio.gather(
        *(student(url, bool(hostile_every) and i % hostile_every == 0, gate, run) for i in range(students))
    )
    run.seconds = time.perf_counter() - start
    return run


async def noop(url: str, students: int, concurrency: int) -> Run:
    """The same clients doing the same number of requests, to an endpoint that does nothing: each simulated
    student opens its own connection and makes two requests, at the same concurrency."""
    run, gate = Run(students=students), asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate, httpx.AsyncClient(base_url=url, timeout=120, verify=TLS) as client:
            for _ in range(2):
                start = time.perf_counter()
                try:
                    response = await client.get(NOOP)
                    run.errors += response.status_code != 200
                except httpx.HTTPError:
                    run.errors += 1
                run.pages.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(students)))
    run.seconds = time.perf_counter() - start
    return run


async def warm_up(url: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120, verify=TLS) as client:
        for _ in range(5):
            (await client.get(NOOP)).raise_for_status()
        page = await client.get(PAGE)
        token = TOKEN.search(page.text)
        assert token is not None, "no form token on the problem page"
        for _ in range(3):  # every worker decodes the problem once
            await client.post(PAGE, data={**ANSWERS, "part": "*", "form_token": token.group(1)})


def report(name: str, exam: Run, baseline: Run) -> str:
    requests = 2 * exam.students
    rate, noop_rate = requests / exam.seconds, len(baseline.pages) / baseline.seconds
    page_p50, page_p99 = quantiles(exam.pages)
    sub_p50, sub_p99 = quantiles(exam.submissions)
    noop_p50, noop_p99 = quantiles(baseline.pages)
    lines = [
        f"{name}: {exam.students} students in {exam.seconds:.1f} s = {exam.students / exam.seconds:.1f} students/s"
        f" ({rate:.0f} req/s), errors {exam.errors}",
        f"  page        p50 {page_p50:8.1f} ms   p99 {page_p99:8.1f} ms",
        f"  submission  p50 {sub_p50:8.1f} ms   p99 {sub_p99:8.1f} ms   (benign, 7 parts each)",
        f"  no-op       p50 {noop_p50:8.1f} ms   p99 {noop_p99:8.1f} ms   {noop_rate:.0f} req/s,"
        f" errors {baseline.errors}",
        f"  ratio to no-op: throughput {rate / noop_rate:.2f}x, submission p99 {sub_p99 / noop_p99:.1f}x",
    ]
    if exam.hostile_submissions:
        h50, h99 = quantiles(exam.hostile_submissions)
        lines.append(
            f"  hostile submissions p50 {h50:8.1f} ms   p99 {h99:8.1f} ms   (n={len(exam.hostile_submissions)})"
        )
    return "\n".join(lines)


def measure(name: str, url: str, args: argparse.Namespace) -> str:
    asyncio.run(warm_up(url))
    baseline = asyncio.run(noop(url, args.students, args.concurrency))
    exam = asyncio.run(exam_start(url, args.students, args.concurrency, args.hostile_share))
    text = report(name, exam, baseline)
    print(text, flush=True)
    return text


@contextmanager
def cluster(database_url: str, instances: int) -> Iterator[str]:
    command = [sys.executable, str(ROOT / "deploy" / "local-cluster"), "--database-url", database_url,
               "--instances", str(instances)]  # fmt: skip
    env = {**os.environ, "QUIZ_SECRET_KEY": SECRET}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"local-cluster did not start (exit code {process.wait()})")
        yield line.split()[1]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        process.stdout.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100, help="students in flight at once (connections)")
    parser.add_argument("--hostile-share", type=float, default=0.0, help="e.g. 0.1: every tenth student is hostile")
    parser.add_argument("--only", default="sqlite,postgresql,nginx", help="which topologies, comma-separated")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    print(f"exam start: {args.students} students, {args.concurrency} at once, hostile share {args.hostile_share}")
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory() as data, running_app({"QUIZ_DATA_DIR": data}) as url:
            measure("1 instance, SQLite, 2 workers", url, args)
    if "postgresql" in wanted:
        with tempfile.TemporaryDirectory() as data, postgres_database() as database:
            env = {"QUIZ_DATA_DIR": data, "QUIZ_DATABASE_URL": database, "QUIZ_SECRET_KEY": SECRET}
            with running_app(env) as url:
                measure("1 instance, PostgreSQL, 2 workers", url, args)
    if "nginx" in wanted:
        with postgres_database() as database, cluster(database, 3) as url:
            measure("3 instances behind nginx, PostgreSQL + Redis, 1 worker each", url, args)


if __name__ == "__main__":
    main()
