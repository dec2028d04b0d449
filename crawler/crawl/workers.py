"""Worker processes driven straight from the crawl's event loop, with no helper threads.

concurrent.futures.ProcessPoolExecutor moves every task and result through two threads of
its own (a queue feeder and a result manager). In the crawl process those threads share the
GIL with Scrapy's reactor, which is busy most of the time: each task then waits for the GIL
twice on its way, the workers sit idle meanwhile, and the reactor loses the GIL whenever it
releases it (a socket write, an SQLite insert) to a thread that wants it. Here the loop
itself writes each task to a worker's socket and reads results when the socket is readable.
The crawl's parse workers and the refresh after it both use this one pool.

Performance layer. Justified by the bench row "crawl: ketadir / bare Scrapy pages/s"
(bench/RESULTS.md, **parse workers fed by the event loop**). What it assumes: a running
asyncio loop with add_reader (Scrapy's asyncio reactor, the default since 2.13; a Windows
proactor loop has no add_reader), spawn-started processes, and multiprocessing's duplex Pipe
being a Unix socket pair (its buffers are enlarged through socket.fromfd). With another
reactor, LoopWorkers fails at the crawl's start; nothing here is private to Scrapy.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import pickle
import signal
import socket
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Callable

# Asked for so that writing a few queued pages to a busy worker's socket does not wait for the
# worker to read; the kernel may grant less (net.core.wmem_max), and a write then just waits.
_SOCKET_BUFFER = 4 * 1024 * 1024
# Tasks sent to a worker before their results have come back: one to work on and the rest
# queued, so a worker never waits for the loop between tasks (bench/RESULTS.md, **tasks in
# flight per worker**).
_IN_FLIGHT = 6


class WorkersLost(Exception):
    """A worker process died (killed, out of memory); the pool takes no more tasks."""


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection
    in_flight: deque[asyncio.Future[Any]] = field(default_factory=deque)


class LoopWorkers:
    """A fixed pool of spawned worker processes, fed and read by the running asyncio loop.

    Tasks run in the order they are given; each returns an asyncio future. Use from the
    loop's own thread only.
    """

    def __init__(self, count: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._waiting: deque[tuple[asyncio.Future[Any], bytes]] = deque()
        self._workers: list[_Worker] = []
        self._lost = False
        context = multiprocessing.get_context("spawn")
        for _ in range(count):
            ours, theirs = context.Pipe(duplex=True)
            _enlarge_buffers(ours)
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            process.start()
            theirs.close()
            worker = _Worker(process, ours)
            self._workers.append(worker)
            self._loop.add_reader(ours.fileno(), self._read, worker)

    def submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = self._loop.create_future()
        if self._lost:
            future.set_exception(WorkersLost())
            return future
        self._waiting.append((future, pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)))
        self._dispatch()
        return future

    async def close(self) -> None:
        """Let the workers finish what they hold, then stop them."""
        while any(w.in_flight for w in self._workers) or self._waiting:
            await asyncio.wait([f for w in self._workers for f in w.in_flight] + [f for f, _ in self._waiting])
        for worker in self._workers:
            self._loop.remove_reader(worker.conn.fileno())
            try:
                worker.conn.send_bytes(pickle.dumps(None))
            except OSError:
                pass
        for worker in self._workers:
            await asyncio.to_thread(worker.process.join, 10)
            if worker.process.is_alive():
                worker.process.kill()
            worker.conn.close()
        self._workers = []

    def _dispatch(self) -> None:
        while self._waiting:
            worker = min(self._workers, key=lambda w: len(w.in_flight), default=None)
            if worker is None or len(worker.in_flight) >= _IN_FLIGHT:
                return
            future, task = self._waiting.popleft()
            try:
                worker.conn.send_bytes(task)
            except OSError:
                self._waiting.appendleft((future, task))
                self._lose(worker)
                continue
            worker.in_flight.append(future)

    def _read(self, worker: _Worker) -> None:
        try:
            ok, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            self._lose(worker)
            return
        future = worker.in_flight.popleft()
        if not future.done():
            (future.set_result if ok else future.set_exception)(value)
        self._dispatch()

    def _lose(self, worker: _Worker) -> None:
        """One worker gone fails the pool, as with ProcessPoolExecutor: whatever killed it
        (memory, a page that crashes libxml2) would likely kill the next one too."""
        self._lost = True
        for each in self._workers:
            self._loop.remove_reader(each.conn.fileno())
            for future in each.in_flight:
                if not future.done():
                    future.set_exception(WorkersLost())
            each.in_flight.clear()
            if each.process.is_alive():
                each.process.kill()
            each.conn.close()
        self._workers = []
        while self._waiting:
            future, _ = self._waiting.popleft()
            if not future.done():
                future.set_exception(WorkersLost())


def _enlarge_buffers(conn: Connection) -> None:
    with socket.fromfd(conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _SOCKET_BUFFER)


def settle_heap() -> None:
    """Garbage-collect a long-running crawl process the way its heap deserves.

    What is loaded once (modules, regexes, gazetteer tables) is frozen out of the collector's
    full passes, and the collector runs every 10,000 allocations rather than 700: a crawl
    allocates millions of short-lived objects that reference counting frees anyway
    (bench/RESULTS.md, **settled heap**).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _serve(conn: Connection) -> None:
    """A worker's life: run each task it is sent and send back (ok, result or exception).

    Ctrl-C is the crawl's to handle: a terminal sends it to every process of its foreground
    group, and a worker stops when the crawl closes its pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settled = False
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        task = pickle.loads(message)
        if task is None:
            return
        fn, args = task
        try:
            reply = (True, fn(*args))
        except Exception as exc:  # noqa: BLE001 - handed back to the caller to deal with
            reply = (False, exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an exception or result that will not pickle
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        conn.send_bytes(data)
        if not settled:  # the first task imported what the worker needs
            settle_heap()
            settled = True
