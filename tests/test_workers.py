"""The crawl's worker pool, run on a real asyncio loop with real spawned processes."""

from __future__ import annotations

import asyncio
import gc
import operator
import os
import signal
import threading
import time
from typing import Any, Awaitable, Callable

import pytest

from crawler.extract.parse import page_kind
from crawler.crawl.workers import LoopWorkers, WorkersLost


def run_with_pool(workers: int, body: Callable[[LoopWorkers], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        pool = LoopWorkers(workers)
        try:
            return await body(pool)
        finally:
            await pool.close()

    return asyncio.run(main())


def test_every_task_gets_its_own_result_in_worker_processes() -> None:
    urls = [f"http://clinic{i}.example/{path}" for i in range(40) for path in ("", "contact", "blog/a-post", "team")]

    async def body(pool: LoopWorkers) -> tuple[list[str], set[int]]:
        kinds = await asyncio.gather(*(pool.submit(page_kind, url) for url in urls))
        pids = await asyncio.gather(*(pool.submit(os.getpid) for _ in range(20)))
        return kinds, set(pids)

    kinds, pids = run_with_pool(2, body)
    assert kinds == [page_kind(url) for url in urls]
    assert os.getpid() not in pids and len(pids) >= 1


def test_an_exception_in_a_task_reaches_its_caller_and_the_pool_goes_on() -> None:
    async def body(pool: LoopWorkers) -> float:
        with pytest.raises(ZeroDivisionError):
            await pool.submit(operator.truediv, 1, 0)
        return await pool.submit(operator.truediv, 1, 4)

    assert run_with_pool(1, body) == 0.25


def test_a_result_that_cannot_be_pickled_is_an_error_not_a_dead_worker() -> None:
    async def body(pool: LoopWorkers) -> int:
        with pytest.raises(RuntimeError, match="pickle"):
            await pool.submit(threading.Lock)
        return await pool.submit(operator.add, 2, 3)

    assert run_with_pool(1, body) == 5


def test_a_killed_worker_fails_its_tasks_and_every_later_one_with_workers_lost() -> None:
    async def body(pool: LoopWorkers) -> None:
        pid = await pool.submit(os.getpid)
        held = pool.submit(time.sleep, 30)
        queued = [pool.submit(operator.add, i, 1) for i in range(10)]
        os.kill(pid, signal.SIGKILL)
        for task in (held, *queued):
            with pytest.raises(WorkersLost):
                await task
        with pytest.raises(WorkersLost):
            await pool.submit(operator.add, 1, 1)

    run_with_pool(1, body)


def test_close_waits_for_every_task_given_before_it() -> None:
    async def main() -> list[Any]:
        pool = LoopWorkers(2)
        tasks = [pool.submit(operator.mul, i, i) for i in range(50)]
        await pool.close()
        assert all(task.done() for task in tasks)
        return [task.result() for task in tasks]

    assert asyncio.run(main()) == [i * i for i in range(50)]


def test_a_worker_settles_its_heap_once_its_first_task_has_loaded_what_it_needs() -> None:
    async def body(pool: LoopWorkers) -> list[tuple[tuple[int, ...], int]]:
        return [await pool.submit(_collector_state) for _ in range(3)]

    first, second, third = run_with_pool(1, body)
    assert first == (gc.get_threshold(), 0)  # as Python starts it
    assert second[0] == third[0] == (10_000, 10, 10)
    assert second[1] > 1000  # the imported modules' objects are frozen out of full passes


def _collector_state() -> tuple[tuple[int, ...], int]:
    return gc.get_threshold(), gc.get_freeze_count()
