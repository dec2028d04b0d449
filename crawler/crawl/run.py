"""Run one crawl in a fresh Python process.

Twisted's reactor cannot be restarted inside a process, so every crawl (including each
round of `ketadir schedule`) gets its own process: the parent calls `crawl_in_subprocess`,
which runs `python -m crawler.crawl.run CONFIG.json`. This module imports Scrapy only in the child.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable


class CrawlFailed(RuntimeError):
    """The crawl process could not run (bad --set value, broken install...)."""


def crawl_in_subprocess(
    store_path: Path,
    run_id: int,
    seeds: list[str],
    max_pages_per_site: int | None = None,
    overrides: dict[str, str] | None = None,
    spider: str = "clinic",
    output: Path | None = None,
    on_progress: Callable[[], None] | None = None,
) -> None:
    """Run a spider ("clinic" or "discover") over seeds in a child process.

    The discover spider writes what it finds to `output` as JSON lines. on_progress runs
    at each progress line (every 2 s), for work that can go on while the crawl does.
    """
    config = {
        "store": str(store_path),
        "run_id": run_id,
        "seeds": seeds,
        "max_pages_per_site": max_pages_per_site,
        "overrides": overrides or {},
        "spider": spider,
        "output": str(output) if output else None,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    kept: list[str] = []
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl.run", handle.name],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stderr is not None
        try:
            for line in child.stderr:  # progress goes straight through; the rest waits for the outcome
                if line.startswith(PROGRESS_PREFIX):
                    sys.stderr.write(line)
                    sys.stderr.flush()
                    if on_progress is not None:
                        on_progress()
                else:
                    kept.append(line)
            returncode = child.wait()
        except BaseException:  # Ctrl-C reaches the child too: let it stop, then pass it on
            child.wait()
            raise
    finally:
        os.unlink(handle.name)
    if returncode != 0:
        lines = [line.strip() for line in kept if line.strip()]
        raise CrawlFailed(lines[-1] if lines else f"crawl process exited with {returncode}")
    sys.stderr.writelines(kept)


# Lines the pipelines print while a crawl runs; shown as they come.
PROGRESS_PREFIX = "  fetched "


def _settings(config: dict[str, Any]) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("settings", priority="project")
    for name, value in config["overrides"].items():
        settings.set(name, value, priority="cmdline")
    settings.set("KETADIR_STORE", config["store"], priority="cmdline")
    settings.set("KETADIR_RUN_ID", config["run_id"], priority="cmdline")
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


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    from scrapy.crawler import CrawlerProcess

    from crawler.crawl.spiders.clinic import ClinicSpider
    from crawler.crawl.spiders.discover import DiscoverSpider
    from crawler.store import Store
    from crawler.crawl.workers import settle_heap

    process = CrawlerProcess(_settings(config))
    if config.get("spider") == "discover":
        crawler = process.create_crawler(DiscoverSpider)
        started = process.crawl(crawler, seeds=config["seeds"])
    else:
        crawler = process.create_crawler(ClinicSpider)
        started = process.crawl(crawler, seeds=config["seeds"], max_pages_per_site=config["max_pages_per_site"])
    failures: list[BaseException] = []
    started.addErrback(lambda failure: failures.append(failure.value))
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_OneLineErrors())
    settle_heap()
    process.start()
    if failures:  # a bad --set value and the like: the crawl never ran
        print(f"{type(failures[0]).__name__}: {failures[0]} (check the --set values)", file=sys.stderr)
        return 2
    stats = crawler.stats.get_stats() if crawler.stats else {}
    # Scrapy's memusage samples once a minute; the OS keeps the true peak (KiB on Linux).
    stats["ketadir/peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store = Store.open(Path(config["store"]))
    store.set_run_stats(config["run_id"], stats)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
