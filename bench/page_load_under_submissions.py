"""Do 50 students submitting at once stall page loads? Page-load latency idle (baseline) vs. during a burst.

Starts the real app (uvicorn, its worker pool, a SQLite file in a temp folder) on a local socket, then:
  1. baseline: sequential GETs of a problem page, nothing else running;
  2. burst: 50 simulated students each POST a full-problem submission (every part of problem 2), repeatedly,
     while the same GETs are measured.
Prints p50/p95 page-load times for both, and the submission throughput during the burst.

Run: python bench/page_load_under_submissions.py [--students 50] [--pages 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.server import running_app  # noqa: E402 - the same server harness as the browser tests

PAGE = "/problems/c147-w23-2"
ANSWERS = {
    "a.delta_yhat": "alpha y / yhat - beta (1 - y) / (1 - yhat)",
    "a.delta_b2": "delta_yhat yhat (1 - yhat)",
    "a.delta_W2": "delta_b2 a1.T",
    "a.delta_b1": "W2.T delta_b2 * (z1 > 0)",
    "a.delta_W1": "x @ delta_b1.T",
    "a.l2_update": "W2 - epsilon (dJ_dW2 + 2 W2)",
    "a.b1_shape": "D_a1 x 1",
    "part": "*",
}


async def page_loads(client: httpx.AsyncClient, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = await client.get(PAGE)
        response.raise_for_status()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def student(url: str, stop: asyncio.Event, done: list[int]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await client.get("/")  # gets the learner cookie
        while not stop.is_set():
            response = await client.post(PAGE, data=ANSWERS, follow_redirects=False)
            assert response.status_code == 303, response.status_code
            done.append(1)


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ordered)})"


async def run(url: str, students: int, pages: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await page_loads(client, 10)  # warm up
        baseline = await page_loads(client, pages)
        stop, done = asyncio.Event(), []
        tasks = [asyncio.create_task(student(url, stop, done)) for _ in range(students)]
        while len(done) < students:  # every student has submitted once: the burst is on
            await asyncio.sleep(0.01)
        start, submitted = time.perf_counter(), len(done)
        under_load = await page_loads(client, pages)
        elapsed, submitted = time.perf_counter() - start, len(done) - submitted
        stop.set()
        await asyncio.gather(*tasks)
    print(f"page load, idle (baseline):          {summary(baseline)}")
    print(f"page load, {students} students submitting: {summary(under_load)}")
    print(f"submissions during the burst: {submitted} full-problem submissions ({submitted * 7} part checks) "
          f"in {elapsed:.1f} s = {submitted / elapsed:.0f} submissions/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir, running_app({"QUIZ_DATA_DIR": data_dir}) as url:
        asyncio.run(run(url, args.students, args.pages))


if __name__ == "__main__":
    main()
