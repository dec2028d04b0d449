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
import subprocess
import sys
import tempfile
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


def crawl_in_subprocess(
    store_path: Path | None,
    run_id: int,
    seeds: list[str],
    max_pages_per_site: int | None = None,
    overrides: dict[str, str] | None = None,
    spider: str = "clinic",
    output: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> None:
    """Run a spider ("clinic", "discover" or "fetch") over seeds in a child process.

    The discover and fetch spiders write what they find to `output` as JSON lines.
    on_progress is called at each progress report of the crawl (every 2 s), in this
    process, for work that can go on while the crawl does.
    """
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
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    kept: list[str] = []
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl.run", handle.name],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_end,),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        os.close(write_end)
        assert child.stderr is not None
        try:
            for channel, line in _lines({"log": child.stderr.fileno(), "progress": read_end}):
                if channel == "log":
                    kept.append(line)  # shown once the outcome is known
                elif on_progress is not None:
                    on_progress(Progress(**json.loads(line)))
            returncode = child.wait()
        except BaseException:  # Ctrl-C reaches the child too: let it stop, then pass it on
            child.wait()
            raise
        finally:
            child.stderr.close()
    finally:
        os.close(read_end)
        os.unlink(handle.name)
    if returncode != 0:
        lines = [line.strip() for line in kept if line.strip()]
        raise CrawlFailed(lines[-1] if lines else f"crawl process exited with {returncode}")
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
    """Tell the parent how far the crawl got (called by the store pipeline)."""
    os.write(fd, (json.dumps(asdict(progress)) + "\n").encode())


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    from scrapy.crawler import CrawlerProcess

    from crawler.crawl.spiders.clinic import ClinicSpider
    from crawler.crawl.spiders.discover import DiscoverSpider
    from crawler.crawl.spiders.fetch import FetchSpider
    from crawler.crawl.workers import settle_heap
    from crawler.store import Store

    process = CrawlerProcess(_settings(config))
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
    process.start()
    if failures:  # a bad --set value and the like: the crawl never ran
        print(f"{type(failures[0]).__name__}: {failures[0]} (check the --set values)", file=sys.stderr)
        return 2
    if config["store"] and config["run_id"]:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        # Scrapy's memusage samples once a minute; the OS keeps the true peak (KiB on Linux).
        stats["ketadir/peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        store = Store.open(Path(config["store"]))
        store.set_run_stats(config["run_id"], stats)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
