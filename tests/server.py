"""Run the real app in its own uvicorn process for browser tests and benchmarks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_RUNNING = re.compile(r"Uvicorn running on (http://\S+)")


@contextmanager
def running_app(env: Mapping[str, str]) -> Iterator[str]:
    """Start `uvicorn app.main:app` on a free port; yield its URL once it listens (read from its log line,
    so there is no polling), and stop it afterwards."""
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "0",
               "--log-level", "info", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    assert process.stderr is not None
    url = None
    for line in process.stderr:  # blocks until uvicorn reports where it listens (or exits)
        match = _RUNNING.search(line)
        if match:
            url = match.group(1)
            break
    if url is None:
        process.wait()
        raise RuntimeError(f"the app did not start (exit code {process.returncode})")
    # Keep reading its log, so a chatty server never blocks on a full pipe; echo it for failing tests.
    drain = threading.Thread(target=lambda: [sys.stderr.write(line) for line in process.stderr], daemon=True)
    drain.start()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        drain.join(timeout=5)
        process.stderr.close()
