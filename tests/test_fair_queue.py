"""Fair admission to the workers: clients take turns, one client's queue never blocks another's, waiting is
bounded. Deterministic: the tests hold and release slots themselves and assert the order of service."""

from __future__ import annotations

import asyncio

import pytest

from app.fair_queue import FairQueue

FOREVER = 60.0  # nobody waits this long here: every test releases what it waits for


async def served_in_order(queue: FairQueue, requests: list[str]) -> list[str]:
    """Queue `requests` (client names, in arrival order) while the only slot is held; the order they get it."""
    order: list[str] = []

    async def request(client: str, number: int) -> None:
        assert await queue.acquire(client, FOREVER)
        order.append(f"{client}{number}")
        queue.release(client)

    assert await queue.acquire("holder", FOREVER)
    tasks = []
    for number, client in enumerate(requests, 1):
        tasks.append(asyncio.create_task(request(client, number)))
        await asyncio.sleep(0)  # let it reach the queue: arrival order is request order
    queue.release("holder")
    await asyncio.gather(*tasks)
    return order


def test_waiting_clients_take_turns_and_each_client_is_served_in_arrival_order() -> None:
    order = asyncio.run(served_in_order(FairQueue(1, 1), ["a", "a", "a", "b", "a", "c"]))
    assert order == ["a1", "b4", "c6", "a2", "a3", "a5"]


def test_a_second_client_is_admitted_while_the_first_clients_queue_is_full() -> None:
    async def scenario() -> None:
        queue = FairQueue(capacity=2, per_client=1)
        assert await queue.acquire("hostile", FOREVER)
        waiting = asyncio.create_task(queue.acquire("hostile", FOREVER))
        await asyncio.sleep(0)
        assert queue.queued("hostile") == 1  # at its share: its next check waits behind its own
        assert await queue.acquire("benign", FOREVER)  # the free worker goes to the other client at once
        assert queue.running == 2 and not waiting.done()
        queue.release("benign")
        await asyncio.sleep(0)
        assert not waiting.done()  # a free worker, but the hostile client already holds its share
        queue.release("hostile")
        assert await waiting  # its queued check runs when its own first one is done
        queue.release("hostile")
        assert queue.running == 0

    asyncio.run(scenario())


def test_a_wait_past_the_timeout_gives_up_and_leaves_the_queue() -> None:
    async def scenario() -> None:
        queue = FairQueue(1, 1)
        assert await queue.acquire("a", FOREVER)
        assert not await queue.acquire("b", 0.01)
        assert queue.queued("b") == 0
        queue.release("a")
        assert queue.running == 0 and await queue.acquire("b", FOREVER)

    asyncio.run(scenario())


def test_a_request_that_goes_away_while_queued_gives_its_turn_up() -> None:
    async def scenario() -> None:
        queue = FairQueue(1, 1)
        assert await queue.acquire("a", FOREVER)
        gone = asyncio.create_task(queue.acquire("b", FOREVER))
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        queue.release("a")
        assert queue.queued("b") == 0 and queue.running == 0

    asyncio.run(scenario())


def test_a_queue_needs_room() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FairQueue(0, 1)
