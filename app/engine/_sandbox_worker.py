"""The worker side of the sandbox: the loop a pre-forked worker runs, under its limits.

Kept apart from the pool (`app.engine.sandbox`, the parent side) so each side reads on its own: this module
runs in the child, receives pickled `(fn, args, kwargs)`, and replies `(status, payload, repr)`.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import pickle
import reprlib
import resource
import signal
import struct
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

# One check uses one core. BLAS/OpenMP libraries read these once, when numpy is imported in the fork server.
THREAD_ENV = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                            "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"), "1")  # fmt: skip
PROTOCOL = pickle.HIGHEST_PROTOCOL
_LENGTH, _LONG_LENGTH = struct.Struct("!i"), struct.Struct("!Q")
_CHUNK = 65536


def read_message(fd: int) -> bytes:
    """One message, framed as `Connection.send_bytes` frames it (a 4-byte length; -1 and 8 bytes for a huge one),
    in one system call when it fits in a chunk (`Connection.recv_bytes` makes two, and each costs microseconds a
    check notices). A first read may take more than the message: safe because each side of a worker's pipe has at
    most one message in flight (a task, or its reply).

    Raises:
        EOFError: The other end closed the pipe (a worker that died, a pool that closed).
    """
    data = _at_least(fd, b"", _LENGTH.size)
    (size,), head = _LENGTH.unpack_from(data), _LENGTH.size
    if size == -1:
        data = _at_least(fd, data, head + _LONG_LENGTH.size)
        (size,), head = _LONG_LENGTH.unpack_from(data, head), head + _LONG_LENGTH.size
    return _at_least(fd, data, head + size)[head:]


def _at_least(fd: int, data: bytes, n: int) -> bytes:
    while len(data) < n:
        chunk = os.read(fd, _CHUNK if len(data) < _LENGTH.size else n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _rebuild_exception(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Recreate an exception without ``__init__``, whose custom signatures break default unpickling."""
    exc = cls.__new__(cls, *args)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class _ExceptionPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseException):
            return _rebuild_exception, (type(obj), obj.args, obj.__dict__)
        return NotImplemented


reprs = reprlib.Repr()  # unlike repr(), survives a broken __repr__; long enough for a useful log line
reprs.maxother = reprs.maxstring = 500


def _encode_reply(status: str, value: Any) -> bytes:
    """Pickle a reply ``(status, value, repr)``; an unpicklable result counts as the task's error."""
    if status == "ok":
        try:
            return pickle.dumps(("ok", value, None), PROTOCOL)
        except Exception as exc:
            status, value = "err", exc
    payload = None  # an "err" without payload makes the parent log the repr and raise WorkerCrashed
    if status == "err":
        with contextlib.suppress(Exception), io.BytesIO() as buffer:
            value.add_note("Traceback in the sandbox worker:\n" + "".join(traceback.format_exception(value)))
            _ExceptionPickler(buffer, PROTOCOL).dump(value)
            payload = buffer.getvalue()
    return pickle.dumps((status, payload, reprs.repr(value)), PROTOCOL)


def worker_main(conn: Connection, memory_bytes: int, preload: list[str]) -> None:
    """Apply the limits, report which preloads are missing, then serve ``(fn, args, kwargs)`` until EOF."""
    os.environ.update(THREAD_ENV)  # for libraries a task imports later
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C hits the whole process group; the parent decides
    with contextlib.suppress(Exception):  # Linux: die with the fork server, so no orphan keeps spinning
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(ImportError):  # only matters if the fork server was started without THREAD_ENV
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    conn.send_bytes(pickle.dumps([name for name in preload if name not in sys.modules]))
    fd = conn.fileno()
    while True:
        try:
            data = read_message(fd)
        except (EOFError, OSError):
            return  # the pool closed our pipe
        try:
            fn, args, kwargs = pickle.loads(data)
            status, value = "ok", fn(*args, **kwargs)
        except MemoryError:
            status, value = "oom", None
        except Exception as exc:
            status, value = "err", exc
        except BaseException as exc:  # SystemExit & co. must not be re-raised in a server thread
            status, value = "crash", exc
        try:
            reply = _encode_reply(status, value)
        except MemoryError:
            status, reply = "oom", pickle.dumps(("oom", None, None))
        del value  # free the task's objects before idling
        with contextlib.suppress(OSError):
            conn.send_bytes(reply)
        if status in ("oom", "crash"):
            return  # a heap that hit the limit, or a task that asked to exit, is not trusted again
