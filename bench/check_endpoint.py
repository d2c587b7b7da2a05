"""The stateless check endpoint's own cost: `POST /api/v1/problems/{id}/check` against the no-op `/healthz/live`,
on the same server, with the same clients, in one run.

Starts the real app (uvicorn, SQLite, the default 2 checking workers) with rate limits set out of the way, then
N concurrent clients (async httpx, loopback, one keep-alive connection each) hammer the no-op endpoint and the check
endpoint in turns (10 rounds of each by default, so load from elsewhere on a shared machine hits both alike), each
for a bounded total time. Each client is a browser of its own: it first loads a page, so it has
a learner cookie and the fair queue sees N learners (without one, every loopback client would be the same
address). The benign answer is a correct expression of a midterm part (no attempt limit, so no key is needed).
With `--hostile-share`, that share of the clients send the costliest legal answers instead, and the benign
clients' p99 is reported against the no-op's.

Prints requests/s, p50 and p99 of each endpoint and their ratios, and the server's CPU time per request (the web
process and the checking workers), which depends far less on other load than the rates do.

Run: python bench/check_endpoint.py [--clients 50] [--seconds 10] [--rounds 10] [--hostile-share 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.server import running_app  # noqa: E402 - the same server harness as the browser tests

NOOP = "/healthz/live"
PROBLEM = "c147-w23-2"
CHECK = f"/api/v1/problems/{PROBLEM}/check"
PAGE = f"/problems/{PROBLEM}"
BENIGN = {"answers": {"delta_W1": "delta_b1 @ x.T"}, "seed": 0}
# Legal and accepted, but as costly as the checker allows (10-20 ms of engine time each, ~50x the benign answer):
# double sums just under the work budget and a long matrix product (cf. tests/engine/test_hostile_inputs.py).
HOSTILE = [
    {"answers": {"delta_W1": "sum(sum(delta_b1 @ x.T, k, 1, 100), j, 1, 100) / 10000"}, "seed": 0},
    {"answers": {"delta_W1": "sum(sum(delta_b1 @ x.T / (k j), k, 1, 60), j, 1, 60)"}, "seed": 0},
    {"answers": {"delta_W1": " @ ".join(["delta_b1 @ x.T"] + ["(x x.T)"] * 60)}, "seed": 0},
]
# Limits far above what the bench sends, so no request is throttled (the settings' maximum).
UNTHROTTLED = {
    f"QUIZ_{name}_RATE_{unit}": "100000" for name in ("CLIENT", "ADDRESS", "API") for unit in ("PER_MINUTE", "BURST")
}


def server_cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this bench's server, from /proc: its uvicorn process and every descendant (the fork
    server and the checking workers), and of uvicorn's process alone. Less sensitive to other load on a shared
    machine than wall-clock rates."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    servers = children.get(os.getpid(), [])
    total, todo = 0.0, list(servers)
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += children.get(pid, [])
    return total, sum(times.get(pid, 0.0) for pid in servers)


@dataclass
class Load:
    benign: list[float] = field(default_factory=list)
    hostile: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # the server's CPU seconds
    web_cpu: float = 0.0  # of which the web process's (the rest: the checking workers')
    client_cpu: float = 0.0  # this process's (the clients')
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.benign) + len(self.hostile)

    def add(self, other: Load) -> None:
        self.benign += other.benign
        self.hostile += other.hostile
        self.errors += other.errors
        self.seconds += other.seconds
        self.cpu += other.cpu
        self.web_cpu += other.web_cpu
        self.client_cpu += other.client_cpu
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count


def quantiles(samples: list[float]) -> tuple[float, float]:
    if not samples:
        return float("nan"), float("nan")
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def client_loop(client: httpx.AsyncClient, until: float, hostile: bool, check: bool, load: Load) -> None:
    turn = 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            if check:
                body = HOSTILE[turn % len(HOSTILE)] if hostile else BENIGN
                response = await client.post(CHECK, json=body)
                ok = response.status_code == 200
                if ok:
                    for verdict in response.json()["parts"].values():
                        load.statuses[verdict["status"]] = load.statuses.get(verdict["status"], 0) + 1
            else:
                response = await client.get(NOOP)
                ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        (load.hostile if hostile else load.benign).append((time.perf_counter() - start) * 1000)
        load.errors += not ok
        turn += 1


async def measure(clients: list[httpx.AsyncClient], seconds: float, hostile: int, check: bool) -> Load:
    load = Load()
    cpu, client_cpu = server_cpu_seconds(), time.process_time()
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(client_loop(c, until, i < hostile, check, load) for i, c in enumerate(clients)))
    load.seconds = time.perf_counter() - start
    after = server_cpu_seconds()
    load.cpu, load.web_cpu = after[0] - cpu[0], after[1] - cpu[1]
    load.client_cpu = time.process_time() - client_cpu
    return load


def line(name: str, samples: list[float], load: Load | None = None) -> str:
    p50, p99 = quantiles(samples)
    head = f"  {name:<14} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   n={len(samples):<6}"
    if load is None:
        return head
    rate, cpu, web = load.requests / load.seconds, 1000 * load.cpu / load.requests, 1000 * load.web_cpu / load.requests
    busy = 100 * load.client_cpu / load.seconds
    return (
        f"{head} {rate:6.0f} req/s   server CPU {cpu:5.2f} ms/req (web process {web:5.2f})"
        f"   clients' CPU {busy:3.0f}%   errors {load.errors}"
    )


def report(noop: Load, check: Load) -> str:
    noop_rate, check_rate = noop.requests / noop.seconds, check.requests / check.seconds
    _, noop_p99 = quantiles(noop.benign)
    _, benign_p99 = quantiles(check.benign)
    lines = [
        line("no-op", noop.benign, noop),
        line("check (all)", check.benign + check.hostile, check),
        line("check benign", check.benign),
    ]
    if check.hostile:
        lines.append(line("check hostile", check.hostile))
    lines += [
        f"  verdicts: {dict(sorted(check.statuses.items()))}",
        f"  ratio: throughput {check_rate / noop_rate:.2f}x the no-op, benign p99 {benign_p99 / noop_p99:.1f}x,"
        f" server CPU per request {(check.cpu / check.requests) / (noop.cpu / noop.requests):.1f}x",
    ]
    return "\n".join(lines)


async def bench(url: str, args: argparse.Namespace) -> str:
    hostile = round(args.clients * args.hostile_share)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=url, timeout=60, limits=limits) for _ in range(args.clients)]
    try:
        for client in clients:  # a learner cookie each, and a warm connection
            (await client.get(PAGE)).raise_for_status()
        for client in clients[:4]:  # every worker decodes the problem once
            (await client.post(CHECK, json=BENIGN)).raise_for_status()
        await measure(clients, args.warmup, 0, True)
        noop, check = Load(), Load()
        for _ in range(args.rounds):  # interleaved, so a load spike from elsewhere hits both endpoints alike
            noop.add(await measure(clients, args.seconds / args.rounds, 0, False))
            check.add(await measure(clients, args.seconds / args.rounds, hostile, True))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return report(noop, check)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (1-500)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each endpoint's run (1-120)")
    parser.add_argument("--rounds", type=int, default=10, help="alternations of the two endpoints (1-100)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of checks before measuring (0-30)")
    parser.add_argument("--hostile-share", type=float, default=0.0, help="e.g. 0.1: a tenth of the clients")
    args = parser.parse_args()
    bounded = 1 <= args.clients <= 500 and 1 <= args.seconds <= 120 and 0 <= args.warmup <= 30
    if not (bounded and 1 <= args.rounds <= 100):
        parser.error("clients must be 1-500, seconds 1-120, warmup 0-30, rounds 1-100")
    if not 0 <= args.hostile_share < 1:
        parser.error("--hostile-share must be in [0, 1)")
    load = os.getloadavg()
    print(f"check endpoint: {args.clients} clients, {args.seconds:g} s each, hostile share {args.hostile_share:g}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as data, running_app({"QUIZ_DATA_DIR": data, **UNTHROTTLED}) as url:
        print(asyncio.run(bench(url, args)), flush=True)


if __name__ == "__main__":
    main()
