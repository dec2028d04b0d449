"""Run one spider in a fresh Python process.

Twisted's reactor cannot be restarted inside a process, so every crawl (including each
round of `ketadir schedule`), every discovery and every page `ketadir classify` fetches gets
a process of its own: the parent calls `crawl_in_subprocess`, which runs
`python -m crawler.crawl.run CONFIG.json`. This module imports Scrapy only in the
child.

The child tells the parent how far it got on a channel of its own: a pipe whose write end it
is handed (KETADIR_PROGRESS_FD), one JSON object a line. Its stderr is its log, kept back
and shown once the crawl is over (or, for a crawl that could not run, its last line is the
reason).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator


class CrawlFailed(RuntimeError):
    """The crawl process could not run (bad --set value, broken install...)."""


@dataclass
class Progress:
    """How far a crawl got: what the store holds of this run so far."""

    pages: int
    sites: int
    errors: int


class CrawlDied(RuntimeError):
    """The crawl process ended without finishing (killed, out of memory, crashed) after it
    started: what it stored is kept, and the next crawl resumes."""

    def __init__(self, returncode: int, last_line: str = "") -> None:
        self.returncode = returncode
        if returncode < 0:
            try:
                how = f"was killed by {signal.Signals(-returncode).name}"
            except ValueError:
                how = f"was killed by signal {-returncode}"
        else:
            how = f"exited with {returncode}" + (f" ({last_line})" if last_line else "")
        super().__init__(f"the crawl process {how}")


class CrawlStopped(Exception):
    """The crawl was asked to stop (SIGTERM or SIGINT) and did: pages stored so far are kept."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


# How the crawl process ends besides 0: it could not start (a bad --set value), or it stopped
# at the first write that found the disk full.
EXIT_COULD_NOT_RUN = 2
EXIT_DISK_FULL = 3
# The crawl's stats name the signal that stopped it, when one did.
STOPPED_BY_STAT = "ketadir/stopped_by"


class StopRequest:
    """SIGTERM and SIGINT (`timeout`, `docker stop`, systemd, Ctrl-C) while a crawl job runs.

    The first asks the crawl to stop: it is passed to the crawl process as SIGTERM, which stops
    fetching, finishes the pages in flight and decides what it can; the job then indexes what
    was decided. A second forces it: the crawl process is killed, or, once it is gone, the job
    stops where it is (KeyboardInterrupt). Handlers are installed only in the main thread.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.child: subprocess.Popen[bytes] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGTERM, signal.SIGINT)}
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def _handle(self, signum: int, frame: Any) -> None:
        child = self.child if self.child is not None and self.child.poll() is None else None
        if self.signum is None:
            self.signum = signum
            if child is not None:
                child.send_signal(signal.SIGTERM)
        elif child is not None:
            child.kill()
        else:
            raise KeyboardInterrupt


def crawl_in_subprocess(
    store_path: Path | None,
    run_id: int,
    seeds: list[str],
    max_pages_per_site: int | None = None,
    overrides: dict[str, str] | None = None,
    spider: str = "clinic",
    output: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopRequest | None = None,
    inherit_fds: tuple[int, ...] = (),
) -> None:
    """Run a spider ("clinic", "discover" or "fetch") over seeds in a child process.

    The discover and fetch spiders write what they find to `output` as JSON lines.
    on_progress is called at each progress report of the crawl (every 2 s), in this
    process, for work that can go on while the crawl does.

    The child leads a session of its own, so a terminal's Ctrl-C reaches this process alone
    and is passed on once (stop, or KeyboardInterrupt without one); it stops itself should
    this process die. inherit_fds stay open in the child: the crawl lock is held until every
    process of the crawl is gone. Raises CrawlFailed (could not run), CrawlStopped (stop was
    asked for), DiskFull, or CrawlDied (ended any other way but done).
    """
    from crawler.datadir import DiskFull

    read_end, write_end = os.pipe()
    config = {
        "store": str(store_path) if store_path else None,
        "run_id": run_id,
        "seeds": seeds,
        "max_pages_per_site": max_pages_per_site,
        "overrides": overrides or {},
        "spider": spider,
        "output": str(output) if output else None,
        "progress_fd": write_end,
        "parent_pid": os.getpid(),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    kept: list[str] = []
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl.run", handle.name],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_end, *inherit_fds),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        os.close(write_end)
        if stop is not None:
            stop.child = child
            if stop.signum is not None:  # asked to stop while it was starting
                child.send_signal(signal.SIGTERM)
        assert child.stderr is not None
        try:
            for channel, line in _lines({"log": child.stderr.fileno(), "progress": read_end}):
                if channel == "log":
                    kept.append(line)  # shown once the outcome is known
                elif on_progress is not None:
                    on_progress(Progress(**json.loads(line)))
            returncode = child.wait()
        except BaseException:  # Ctrl-C without a stop request, or a failure here: stop the crawl too
            if child.poll() is None:
                child.terminate()
            child.wait()
            raise
        finally:
            child.stderr.close()
            if stop is not None:
                stop.child = None
    finally:
        os.close(read_end)
        os.unlink(handle.name)
    lines = [line.strip() for line in kept if line.strip()]
    if stop is not None and stop.signum is not None:
        sys.stderr.writelines(kept)
        raise CrawlStopped(stop.signum)
    if returncode == EXIT_COULD_NOT_RUN:
        raise CrawlFailed(lines[-1] if lines else f"crawl process exited with {returncode}")
    if returncode == EXIT_DISK_FULL:
        raise DiskFull(lines[-1].removeprefix("Error: ") if lines else "the disk holding the data dir is full")
    if returncode != 0:
        raise CrawlDied(returncode, lines[-1] if lines else "")
    sys.stderr.writelines(kept)


def _lines(channels: dict[str, int]) -> Iterator[tuple[str, str]]:
    """(channel, line) as lines arrive on any of the file descriptors, until all are closed."""
    selector = selectors.DefaultSelector()
    pending: dict[str, bytes] = {}
    for name, fd in channels.items():
        selector.register(fd, selectors.EVENT_READ, name)
        pending[name] = b""
    while selector.get_map():
        for key, _ in selector.select():
            name = key.data
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                if pending[name]:
                    yield name, pending[name].decode("utf-8", errors="replace")
                continue
            *complete, pending[name] = (pending[name] + chunk).split(b"\n")
            for line in complete:
                yield name, line.decode("utf-8", errors="replace") + "\n"
    selector.close()


# --- in the child ----------------------------------------------------------------------------


def _settings(config: dict[str, Any]) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("settings", priority="project")
    for name, value in config["overrides"].items():
        settings.set(name, value, priority="cmdline")
    settings.set("KETADIR_STORE", config["store"], priority="cmdline")
    settings.set("KETADIR_RUN_ID", config["run_id"], priority="cmdline")
    settings.set("KETADIR_PROGRESS_FD", config["progress_fd"], priority="cmdline")
    if config.get("output"):
        settings.set("FEEDS", {config["output"]: {"format": "jsonlines"}}, priority="cmdline")
    return settings


class _OneLineErrors(logging.Filter):
    """Drop the traceback from a log record: the message already says what failed.

    Scrapy logs an unreachable robots.txt as an error with a full traceback, although the
    crawl goes on (the site is then crawled as allowed) and the run report has the reason.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def report_progress(fd: int, progress: Progress) -> None:
    """Tell the parent how far the crawl got (called by the store pipeline); a parent that is
    gone hears nothing (the crawl is then stopping: see _stop_with_the_parent)."""
    try:
        os.write(fd, (json.dumps(asdict(progress)) + "\n").encode())
    except BrokenPipeError:
        pass


def _stop_with_the_parent(parent_pid: int) -> bool:
    """Ask Linux to send this process SIGTERM when the process that started it dies (killed
    with -9, its terminal gone), so no crawl goes on unwatched. False if it is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    return os.getppid() == parent_pid


def _stop_gracefully_on_signals(process: Any) -> None:
    """SIGTERM or SIGINT: stop fetching, finish the pages in flight, store and decide them.
    Repeats change nothing (systemd signals every process of a unit, and the parent passes its
    own signal on); the parent kills this process when it must stop at once."""
    stopping = {"asked": False}

    def stop(signum: int, frame: Any) -> None:
        if stopping["asked"]:
            return
        stopping["asked"] = True
        if "twisted.internet.reactor" not in sys.modules:  # still starting: nothing fetched yet
            raise SystemExit(0)
        from twisted.internet import reactor  # the one Scrapy installed

        for crawler in process.crawlers:  # the run says why it ended early
            if crawler.stats is not None:
                crawler.stats.set_value(STOPPED_BY_STAT, signal.Signals(signum).name)
        reactor.callFromThread(_stop_once_running, process, reactor)
        try:
            print(f"{signal.Signals(signum).name}: stopping after the pages in flight", file=sys.stderr)
        except OSError:  # the parent, and the pipe it read, are gone
            pass

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)


def _stop_once_running(process: Any, reactor: Any) -> None:
    """Stop the crawls gracefully; one still starting (its engine not yet running, when a stop
    would be lost) is stopped as soon as it runs."""
    crawlers = list(process.crawlers)
    if crawlers and any(crawler.engine is None or not crawler.engine.running for crawler in crawlers):
        reactor.callLater(0.1, _stop_once_running, process, reactor)
        return
    process.stop()


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    from scrapy.crawler import CrawlerProcess

    from crawler.crawl.pipelines import DISK_FULL_STAT
    from crawler.crawl.spiders.clinic import ClinicSpider
    from crawler.crawl.spiders.discover import DiscoverSpider
    from crawler.crawl.spiders.fetch import FetchSpider
    from crawler.crawl.workers import settle_heap
    from crawler.datadir import DiskFull
    from crawler.store import Store

    process = CrawlerProcess(_settings(config))
    _stop_gracefully_on_signals(process)
    if config.get("parent_pid") and not _stop_with_the_parent(config["parent_pid"]):
        return EXIT_COULD_NOT_RUN
    spider = {"clinic": ClinicSpider, "discover": DiscoverSpider, "fetch": FetchSpider}[config.get("spider", "clinic")]
    crawler = process.create_crawler(spider)
    if spider is ClinicSpider:
        started = process.crawl(crawler, seeds=config["seeds"], max_pages_per_site=config["max_pages_per_site"])
    elif spider is DiscoverSpider:
        started = process.crawl(crawler, seeds=config["seeds"], max_pages=config["max_pages_per_site"] or 50)
    else:
        started = process.crawl(crawler, seeds=config["seeds"])
    failures: list[BaseException] = []
    started.addErrback(lambda failure: failures.append(failure.value))
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_OneLineErrors())
    settle_heap()
    process.start(install_signal_handlers=False)
    if failures:  # a bad --set value and the like: the crawl never ran
        print(f"{type(failures[0]).__name__}: {failures[0]} (check the --set values)", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get(DISK_FULL_STAT):
        print(f"Error: {stats[DISK_FULL_STAT]}", file=sys.stderr)
        return EXIT_DISK_FULL
    if config["store"] and config["run_id"]:
        # Scrapy's memusage samples once a minute; the OS keeps the true peak (KiB on Linux).
        stats["ketadir/peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            with Store.open(Path(config["store"])) as store:
                store.set_run_stats(config["run_id"], stats)
        except DiskFull as error:
            print(f"Error: {error}", file=sys.stderr)
            return EXIT_DISK_FULL
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
