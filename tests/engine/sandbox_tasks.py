"""Module-level task functions for the sandbox tests (workers import them by reference)."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading

import numpy as np
import sympy


def add(a: int, b: int, *, scale: int = 1) -> int:
    return (a + b) * scale


def simplify(text: str) -> str:
    return str(sympy.simplify(sympy.sympify(text)))


def fail(message: str) -> None:
    raise ValueError(message)


def bad_sympy() -> object:
    return sympy.sympify("x +* 2")


class GradeError(Exception):
    """Its __init__ signature differs from its args, which defeats default exception unpickling."""

    def __init__(self, name: str, position: int) -> None:
        super().__init__(f"Unknown name `{name}`")
        self.name = name
        self.position = position


def fail_custom() -> None:
    raise GradeError("zz", 4)


class LockedError(Exception):
    """An exception whose state cannot be pickled."""

    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()


def fail_unpicklable() -> None:
    raise LockedError()


def return_unpicklable() -> object:
    return threading.Lock()


def pid() -> int:
    return os.getpid()


def spin() -> None:
    while True:
        pass


def spin_after_connect(port: int) -> None:
    """Tell the test (over TCP) that this task is running, then spin until killed."""
    with socket.create_connection(("127.0.0.1", port)):
        pass
    spin()


def hold_until_closed(port: int) -> None:
    """Tell the test (over TCP) that this task holds its worker, and keep holding it until the test hangs up."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.recv(1)


def hold_problem_until_closed(_problem: object, port: int) -> None:
    """`hold_until_closed` with the problem a checker passes first (for `Checker.in_worker`)."""
    hold_until_closed(port)


def big_power() -> int:
    return pow(9, 9**9)


def sympy_big_power() -> object:
    return sympy.Integer(9) ** (9**9)


def numpy_product() -> float:
    a = np.ones((4000, 4000))
    return float((a @ a @ a).sum())


def allocate_bytes() -> int:
    return len(bytearray(4 * 2**30))


def allocate_numpy() -> int:
    return int(np.ones(2**29).size)


def grow_forever() -> None:
    blocks = []
    while True:  # np.zeros maps fresh pages without touching them, so the limit is reached quickly
        blocks.append(np.zeros(2**21))


def exit_hard() -> None:
    os._exit(1)


def kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def segfault() -> None:
    ctypes.string_at(0)


def exit_politely() -> None:
    sys.exit(3)
