"""Pre-forked worker processes that run answer checks under a hard time limit and a memory limit.

SIGALRM cannot interrupt C-level work (SymPy big-integer arithmetic, a NumPy product) and a
``ProcessPoolExecutor`` cannot cancel a running task, so each worker is its own process behind a ``Pipe``:
the caller waits for the reply with ``poll(2)`` and, on overrun, SIGKILLs the worker. A background thread
reaps it and starts the replacement, so the caller that hit the limit gets ``CheckTimeout`` at once. A
watchdog thread notices an idle worker that died (OOM killer, an operator's kill) and replaces it before any
task needs it.

Workers come from multiprocessing's fork server: a clean single-threaded interpreter that has already
imported numpy and sympy, so a worker starts in milliseconds and the threaded web server never forks.
That server is process-wide: the first pool to start it fixes its preload list and environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as _wait_for_any
from multiprocessing.process import BaseProcess
from typing import Any, ClassVar, TypeVar, cast

from app.engine._sandbox_worker import PROTOCOL as _PROTOCOL
from app.engine._sandbox_worker import THREAD_ENV as _THREAD_ENV
from app.engine._sandbox_worker import read_message as _read_message
from app.engine._sandbox_worker import reprs as _reprs
from app.engine._sandbox_worker import worker_main as _worker_main
from app.engine.errors import StudentError

T = TypeVar("T")
logger = logging.getLogger(__name__)

_STARTUP_TIMEOUT = 30.0  # a worker that is not ready by then is broken, not slow
_REAP_TIMEOUT = 10.0
_WATCH_INTERVAL = 1.0  # how often the watchdog picks up the current idle workers


class SandboxError(StudentError):
    """Why an answer could not be checked by a worker; a student error like the others (written for the student,
    `code` the verdict's reason). The base and the busy/crashed kinds are transient: `unavailable`, retry later."""

    code = "unavailable"
    default_message: ClassVar[str] = "Your answer could not be checked right now; please try again shortly."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class CheckTimeout(SandboxError):
    """The check ran past its time limit and its worker was killed."""

    code = "timeout"
    default_message = "Checking your answer took too long; simplify it and try again."


class CheckMemoryError(SandboxError):
    """The check needed more memory than a worker may use."""

    code = "memory"
    default_message = "Checking your answer needed too much memory; simplify it and try again."


class WorkerCrashed(SandboxError):
    """The worker died (segfault, ``os._exit``) or the task's outcome could not be sent back."""

    default_message = "Something went wrong while checking your answer. Please try again."


class PoolBusy(SandboxError):
    """No worker became free within ``queue_timeout``."""

    default_message = "Many answers are being checked right now; please try again in a few seconds."


@contextlib.contextmanager
def _forkserver_env() -> Iterator[None]:
    """Launch environment for the fork server: one BLAS thread, and our ``sys.path``.

    Python 3.11's fork server is handed ``sys.path`` but never applies it, so a preload importable only
    through a runtime ``sys.path`` entry would silently fail; PYTHONPATH carries it instead.
    """
    env = {**_THREAD_ENV, "PYTHONPATH": os.pathsep.join(p for p in sys.path if isinstance(p, str) and p)}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                del os.environ[key]
            else:
                os.environ[key] = old


async def _readable(conn: Connection, limit: float) -> bool:
    """Wait on the event loop until `conn` has a reply (or EOF) to read; False if `limit` seconds pass first.

    A reader and a timer on one future, not `asyncio.wait_for`: its wrapper would cost a turn of the busy loop."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()

    def settle(replied: bool) -> None:
        if not ready.done():
            ready.set_result(replied)

    fd = conn.fileno()
    loop.add_reader(fd, settle, True)
    timer = loop.call_later(limit, settle, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)


class _Worker:
    __slots__ = ("conn", "poller", "process")

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.poller = select.poll()  # made once: `Connection.poll` builds a selector on every call
        self.poller.register(conn.fileno(), select.POLLIN)

    def replied(self, limit: float) -> bool:
        """Whether a reply (or EOF: POLLHUP is always reported) arrives within `limit` seconds."""
        return bool(self.poller.poll(max(0.0, limit) * 1000))

    def kill(self) -> None:
        with contextlib.suppress(ValueError, OSError):  # ValueError: already closed by its reaper
            self.process.kill()

    def reap(self) -> int | None:
        """Kill, wait for and release the process; return its exit code. Only its owner calls this."""
        self.kill()
        self.conn.close()
        code = None
        with contextlib.suppress(ValueError, OSError):
            self.process.join(_REAP_TIMEOUT)
            code = self.process.exitcode
            self.process.close()
        return code


class WorkerPool:
    """A fixed-size pool of pre-forked worker processes that run checks with time and memory limits.

    Args:
        size: Number of worker processes.
        timeout: Default time limit of a task in seconds, counted from when a worker receives it.
        memory_mb: Address-space limit (``RLIMIT_AS``) of each worker, in MiB.
        preload: Modules the fork server imports before forking, besides numpy and sympy.
        queue_timeout: How long ``run`` waits for a free worker before raising ``PoolBusy``.
    """

    def __init__(
        self,
        size: int = 2,
        timeout: float = 2.0,
        memory_mb: int = 1024,
        preload: Sequence[str] = (),
        *,
        queue_timeout: float = 10.0,
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size, self.timeout, self.memory_mb, self.queue_timeout = size, timeout, memory_mb, queue_timeout
        self.preload = list(dict.fromkeys(["numpy", "sympy", __name__, *preload]))
        self._ctx = multiprocessing.get_context("forkserver")
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []  # a stack: the most recently used worker is the warmest
        self._workers: set[_Worker] = set()  # live workers, idle or busy
        self._threads: set[threading.Thread] = set()  # background reapers and respawners
        self._pending = 0  # replacements being started
        self._started = self._closed = False
        self._stopping = threading.Event()  # wakes the watchdog at close
        self._stats = dict.fromkeys(("tasks", "timeouts", "memory_errors", "crashes", "respawns", "busy"), 0)

    def start(self) -> None:
        """Start the fork server and pre-fork ``size`` workers; does nothing if already started."""
        with self._cond:
            if self._closed:
                raise SandboxError("The answer checker has been shut down.")
            if self._started:
                return
            self._started = True
            self._pending += self.size  # concurrent callers wait for these instead of starting more
        try:
            self._ctx.set_forkserver_preload(self.preload)
            with _forkserver_env():
                forkserver.ensure_running()
            for _ in range(self.size):
                self._keep(self._spawn())
            threading.Thread(target=self._watch, name="sandbox-watchdog", daemon=True).start()
        finally:
            with self._cond:
                self._pending -= self.size
                self._cond.notify_all()

    def run(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        timeout: float | None = None,
        queue_timeout: float | None = None,
        **kwargs: Any,
    ) -> T:
        """Run ``fn(*args, **kwargs)`` in a worker and return its result; blocking and thread-safe.

        ``queue_timeout`` (default: the pool's) bounds the wait for a free worker, e.g. what is left of a caller's
        own deadline.

        Raises:
            CheckTimeout: The task ran longer than ``timeout`` (default: the pool's) and was killed.
            CheckMemoryError: The task hit the memory limit.
            WorkerCrashed: The worker died, or the task's exception could not be sent back.
            PoolBusy: No worker became free within the queue timeout.
            Exception: Whatever ``fn`` raised, with its type, message and attributes.
        """
        limit = self.timeout if timeout is None else timeout
        payload = pickle.dumps((fn, args, kwargs), _PROTOCOL)  # bad arguments fail here, not in a worker
        if not self._started:
            self.start()
        deadline = time.monotonic() + (self.queue_timeout if queue_timeout is None else queue_timeout)
        worker = self._acquire(deadline)
        while not self._hand(worker, payload):
            worker = self._acquire(deadline)
        status, value, text = self._exchange(worker, limit)
        self._release(worker, status, value)
        return self._outcome(fn, limit, status, value, text)

    async def run_async(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        timeout: float | None = None,
        queue_timeout: float | None = None,
        **kwargs: Any,
    ) -> T:
        """Like ``run``, but awaited on the event loop, holding no thread: the reply is awaited as the pipe
        becoming readable (a thread hop per check costs more than the check). Only waiting for a free worker, when
        none is idle, is done on a thread.

        Cancelling the awaiting coroutine does not stop the task; it still ends within its time limit, and its
        worker then goes back to the pool.
        """
        limit = self.timeout if timeout is None else timeout
        payload = pickle.dumps((fn, args, kwargs), _PROTOCOL)
        loop = asyncio.get_running_loop()
        if not self._started:
            await loop.run_in_executor(None, self.start)
        deadline = time.monotonic() + (self.queue_timeout if queue_timeout is None else queue_timeout)
        while True:
            worker = self._take_idle() or await self._acquire_on_thread(deadline)
            if self._hand(worker, payload):
                break
        try:
            replied = await _readable(worker.conn, limit)
        except BaseException:  # cancelled: the task still runs; settle its worker off the loop
            threading.Thread(target=self._settle, args=(worker, limit), daemon=True).start()
            raise
        status, value, text = self._exchange(worker, limit if replied else 0.0)
        self._release(worker, status, value)
        return self._outcome(fn, limit, status, value, text)

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Block until all ``size`` workers are up (e.g. after a respawn); False on timeout."""
        with self._cond:
            self._refill()
            return self._cond.wait_for(lambda: self.alive >= self.size and not self._pending, timeout)

    def close(self) -> None:
        """Kill every worker and wait until all are reaped; idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._stopping.set()
            idle, self._idle = self._idle, []
            busy = self._workers.difference(idle)
            self._workers.difference_update(idle)
            self._cond.notify_all()
        for worker in busy:
            worker.kill()  # their callers see EOF at once and hand them to a reaper thread
        for worker in idle:
            worker.reap()
        with self._cond:
            if not self._cond.wait_for(lambda: not self._workers and not self._threads, _REAP_TIMEOUT):
                logger.warning("Sandbox pool closed with %d workers not yet reaped", len(self._workers))

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether `close()` has run; a closed pool cannot be started again."""
        return self._closed

    @property
    def alive(self) -> int:
        """Number of live worker processes, for health checks."""
        with self._cond:  # under the lock: a worker leaves ``_workers`` before anyone closes its process
            return sum(worker.process.is_alive() for worker in self._workers)

    @property
    def stats(self) -> dict[str, int]:
        """Counters: tasks, timeouts, memory_errors, crashes, respawns, busy (PoolBusy raised)."""
        with self._cond:
            return dict(self._stats)

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main,
            name="sandbox-worker",
            daemon=True,
            args=(child_conn, self.memory_mb * 2**20, self.preload),
        )
        try:
            process.start()
        finally:
            child_conn.close()
        worker = _Worker(process, parent_conn)
        try:  # wait for the handshake, so start-up never counts against a task's deadline
            if not parent_conn.poll(_STARTUP_TIMEOUT):
                raise WorkerCrashed("Sandbox worker did not start in time")
            missing = pickle.loads(parent_conn.recv_bytes())
        except BaseException:
            worker.reap()
            raise
        if missing:  # the fork server swallows ImportErrors; each task would pay for these imports
            logger.warning("Sandbox fork server could not preload %s", missing)
        return worker

    def _keep(self, worker: _Worker, respawn: bool = False) -> None:
        with self._cond:
            closed = self._closed
            if not closed:
                self._workers.add(worker)
                self._idle.append(worker)
                self._stats["respawns"] += respawn
                self._cond.notify()
        if closed:
            worker.reap()

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while not self._idle:
                if self._closed:
                    raise SandboxError("The answer checker is shutting down; please try again in a moment.")
                self._refill()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._stats["busy"] += 1
                    raise PoolBusy()
                self._cond.wait(remaining)
            return self._idle.pop()

    def _take_idle(self) -> _Worker | None:
        """An idle worker now, or None (then `_acquire` waits for one, or says why there is none)."""
        with self._cond:
            return self._idle.pop() if self._idle and not self._closed else None

    async def _acquire_on_thread(self, deadline: float) -> _Worker:
        """`_acquire` without blocking the event loop; a worker it gets for a caller gone meanwhile is given back."""
        waiting = asyncio.get_running_loop().run_in_executor(None, self._acquire, deadline)
        try:
            return await asyncio.shield(waiting)
        except asyncio.CancelledError:
            waiting.add_done_callback(self._give_back)
            raise

    def _give_back(self, acquired: asyncio.Future[_Worker]) -> None:
        if acquired.cancelled() or acquired.exception() is not None:
            return
        with self._cond:
            if not self._closed:
                self._idle.append(acquired.result())
                self._cond.notify()
                return
        self._retire(acquired.result())  # closed meanwhile: reap it like the other busy workers

    def _hand(self, worker: _Worker, payload: bytes) -> bool:
        """Send the task to `worker`; False if it died while idle (retired: the task never reached it, so another
        worker may take it)."""
        try:
            worker.conn.send_bytes(payload)
            return True
        except OSError:
            self._retire(worker)
            return False

    def _release(self, worker: _Worker, status: str, value: Any) -> None:
        """Back to the idle workers after a task, or retired if the task left it in an unknown state."""
        healthy = status == "ok" or status == "err"
        if not healthy:
            self._retire(worker)
        with self._cond:
            if healthy:
                self._idle.append(worker)
                self._cond.notify()
            self._stats["tasks"] += 1
            if status != "ok" and value is None:
                self._stats[{"timeout": "timeouts", "oom": "memory_errors"}.get(status, "crashes")] += 1

    def _settle(self, worker: _Worker, limit: float) -> None:
        """Wait out the task of a caller that went away, then release its worker as usual."""
        status, value, _ = self._exchange(worker, limit)
        self._release(worker, status, value)

    def _outcome(self, fn: Callable[..., T], limit: float, status: str, value: Any, text: str | None) -> T:
        if status == "ok":
            return cast(T, value)  # what `fn` returned, unpickled
        if value is not None:
            raise value
        if status == "timeout":
            raise CheckTimeout(f"Checking your answer took longer than {limit:g} s; simplify it and try again.")
        if status == "oom":
            raise CheckMemoryError(
                f"Checking your answer needed too much memory (over {self.memory_mb} MB); simplify it and try again."
            )
        logger.error("Sandbox task %s failed (%s): %s", getattr(fn, "__qualname__", fn), status, text)
        raise WorkerCrashed()

    def _exchange(self, worker: _Worker, limit: float) -> tuple[str, Any, str | None]:
        """Wait up to ``limit`` for the reply; return ``(status, value, repr)``."""
        try:
            if not worker.replied(limit):
                worker.kill()  # SIGKILL now: its core and memory come back before we even return
                return "timeout", None, None
            status, value, text = pickle.loads(_read_message(worker.conn.fileno()))
            return status, pickle.loads(value) if status == "err" and value else value, text
        except (EOFError, OSError) as exc:  # the pipe broke: the worker died mid-task
            return "crash", None, f"worker {worker.process.pid} died mid-task ({_reprs.repr(exc)})"
        except Exception as exc:  # the reply cannot be rebuilt here, but the worker itself is fine
            return "err", None, f"unreadable reply: {_reprs.repr(exc)}"
        except BaseException:
            self._retire(worker)  # e.g. KeyboardInterrupt in this thread: the worker's state is unknown
            raise

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker now; reap it and start its replacement on a background thread."""
        worker.kill()
        with self._cond:
            self._workers.discard(worker)
            self._start_thread(worker)

    def _watch(self) -> None:
        """Replace idle workers that die, without waiting for a task to find them dead."""
        while True:
            with self._cond:
                if self._closed:
                    return
                idle = {worker.process.sentinel: worker for worker in self._idle}
            if not idle:
                self._stopping.wait(_WATCH_INTERVAL)
                continue
            for sentinel in _wait_for_any(list(idle), _WATCH_INTERVAL):
                with self._cond:
                    worker = idle[cast(int, sentinel)]  # the sentinels are the idle workers' own keys
                    if worker not in self._idle:
                        continue  # a caller took it meanwhile and will see it dead
                    self._idle.remove(worker)
                self._retire(worker)

    def _refill(self) -> None:
        """Schedule replacements for slots lost to failed respawns (the caller holds the lock)."""
        if self._started and not self._closed:
            for _ in range(self.size - len(self._workers) - self._pending):
                self._start_thread(None)

    def _start_thread(self, old: _Worker | None) -> None:
        replace = not self._closed
        self._pending += replace
        thread = threading.Thread(target=self._replace, args=(old, replace), daemon=True)
        self._threads.add(thread)
        thread.start()

    def _replace(self, old: _Worker | None, replace: bool) -> None:
        try:
            if old is not None:
                pid, code = old.process.pid, old.reap()
                logger.info("Sandbox worker %s ended with exit code %s (negative: signal)", pid, code)
            if replace:
                self._keep(self._spawn(), respawn=True)
        except Exception:
            logger.exception("Could not start a replacement sandbox worker; the next task retries")
        finally:
            with self._cond:
                self._pending -= replace
                self._threads.discard(threading.current_thread())
                self._cond.notify_all()
