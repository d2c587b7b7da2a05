"""The worker's side of the pipe: messages read back exactly as `Connection.send_bytes` framed them."""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Iterator
from multiprocessing import Pipe
from multiprocessing.connection import Connection

import pytest

from app.engine._sandbox_worker import read_message


@pytest.fixture
def pipe() -> Iterator[tuple[Connection, Connection]]:
    sender, receiver = Pipe()
    yield sender, receiver
    sender.close()
    receiver.close()


@pytest.mark.parametrize("size", [0, 1, 150, 16_384, 16_385, 65_536, 300_000])
def test_a_message_of_any_size_reads_back_whole(pipe: tuple[Connection, Connection], size: int) -> None:
    sender, receiver = pipe
    payload = os.urandom(size)
    writer = threading.Thread(target=sender.send_bytes, args=(payload,))  # larger than the pipe's buffer
    writer.start()
    assert read_message(receiver.fileno()) == payload
    writer.join()


def test_messages_one_after_the_other_each_read_back(pipe: tuple[Connection, Connection]) -> None:
    sender, receiver = pipe
    for payload in (b"task", b"reply" * 1000, b""):
        sender.send_bytes(payload)
        assert read_message(receiver.fileno()) == payload


def test_a_message_written_in_pieces_is_awaited(pipe: tuple[Connection, Connection]) -> None:
    sender, receiver = pipe
    payload = b"x" * 100
    framed = struct.pack("!i", len(payload)) + payload
    pieces = [framed[:2], framed[2:50], framed[50:]]
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(read_message(receiver.fileno())))
    reader.start()
    for piece in pieces:
        os.write(sender.fileno(), piece)
    reader.join(timeout=10)
    assert got == [payload]


def test_a_pipe_closed_mid_message_is_an_eof(pipe: tuple[Connection, Connection]) -> None:
    sender, receiver = pipe
    os.write(sender.fileno(), struct.pack("!i", 10) + b"short")
    sender.close()
    with pytest.raises(EOFError):
        read_message(receiver.fileno())


def test_a_closed_pipe_is_an_eof(pipe: tuple[Connection, Connection]) -> None:
    sender, receiver = pipe
    sender.close()
    with pytest.raises(EOFError):
        read_message(receiver.fileno())
