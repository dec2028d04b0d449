"""Item pipelines, in the order they run: parse, then store; and the decision on each site
as soon as the spider reports it finished.

Field problems are counted in the crawl stats (ketadir/problems/<kind>) rather than
silently dropped, as alltheplaces does.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from typing import Any

from crawler.items import FetchedPage, FetchError, PackedPage
from crawler.extract.parse import parse_fetched
from crawler.upkeep.refresh import decide_stored_site, record_decision
from crawler.crawl.run import Progress, report_progress
from crawler.sites import site_finished
from crawler.datadir import STORE_FILE, DiskFull, default_data_dir
from crawler.store import PARSER_VERSION, Store, pack_page, utcnow
from crawler.crawl.workers import LoopWorkers, WorkersLost

logger = logging.getLogger(__name__)
# A page answering with these is gone from its site: it stops counting in the site's decision.
PAGE_GONE_STATUSES = (404, 410)
# Set in the crawl's stats, with DiskFull's message, once a write found the disk full.
DISK_FULL_STAT = "ketadir/disk_full"


def stop_for_full_disk(crawler: Any, error: DiskFull) -> None:
    """Stop the crawl at the first write that finds no room: every later write would fail the
    same way, and each failure logged with its item would fill what room is left."""
    if crawler.stats.get_value(DISK_FULL_STAT):
        return
    crawler.stats.set_value(DISK_FULL_STAT, str(error))
    logger.error("stopping the crawl: %s", error)
    asyncio.ensure_future(crawler.engine.close_spider_async(reason="disk_full"))


def disk_is_full(crawler: Any) -> bool:
    return bool(crawler.stats.get_value(DISK_FULL_STAT))


class _StorePipelineBase:
    """Each pipeline holds its own connection to the store named by KETADIR_STORE."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        return cls(crawler)

    def open_spider(self) -> None:
        path = self.crawler.settings.get("KETADIR_STORE") or default_data_dir() / STORE_FILE
        self.store = Store.open(path)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()


class ParsePipeline(_StorePipelineBase):
    """Parse each new or changed page once; mark identical content as unchanged; decide each
    site (contacts, classification, change history) once the spider reports it finished.

    Parsing and deciding are the crawl's heaviest work, so they run in worker processes fed
    by the event loop itself (crawler.crawl.workers; KETADIR_PARSE_WORKERS, default: one per core;
    0 parses in the crawl process itself and leaves every decision to the refresh after the
    crawl) while the reactor goes on fetching and storing.
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.site_finished, signal=site_finished)
        return pipeline

    def open_spider(self) -> None:
        super().open_spider()
        workers = self.crawler.settings.getint("KETADIR_PARSE_WORKERS", os.cpu_count() or 1)
        self.pool = LoopWorkers(workers) if workers > 0 else None
        self.run_id = self.crawler.settings.getint("KETADIR_RUN_ID") or None
        self.deciding: set[asyncio.Future[None]] = set()

    async def close_spider(self) -> None:
        if self.deciding:
            await asyncio.gather(*self.deciding)
        if self.pool is not None:
            await self.pool.close()
        super().close_spider()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage) or item.unchanged or disk_is_full(self.crawler):
            return item
        assert self.store is not None
        stats = self.crawler.stats
        item.content_hash = hashlib.sha1(item.body).hexdigest()
        known = self.store.page_meta(item.url)
        if known and known.content_hash == item.content_hash and known.parser_version == PARSER_VERSION:
            item.unchanged = True
            stats.inc_value("ketadir/pages_unchanged")
            return item
        item.packed = await self._parse(item.body, item.encoding, item.url)
        for problem in item.packed.problems:
            stats.inc_value(f"ketadir/problems/{problem}")
        return item

    async def _parse(self, body: bytes, encoding: str, url: str) -> PackedPage:
        if self.pool is not None:
            try:
                return await self.pool.submit(parse_and_pack, body, encoding, url)
            except WorkersLost:
                self._workers_lost()
        return parse_and_pack(body, encoding, url)

    def _workers_lost(self) -> None:
        """A worker died (out of memory...): parse here from now on, and leave the sites not yet
        decided to the refresh after the crawl. Counted once, by the first task to hear of it."""
        if self.pool is not None:
            self.crawler.stats.inc_value("ketadir/parse_workers_lost")
            self.pool = None

    def site_finished(self, site: str) -> None:
        """The site's crawl in this run is complete: what it did not reach stops counting, and
        the site is decided."""
        if self.store is None or disk_is_full(self.crawler):
            return
        if self.run_id:
            try:
                self.store.finish_site_crawl(site, self.run_id)
            except DiskFull as error:
                stop_for_full_disk(self.crawler, error)
                return
        if self.pool is not None:
            task = asyncio.ensure_future(self._decide(site))
            self.deciding.add(task)
            task.add_done_callback(self.deciding.discard)

    async def _decide(self, site: str) -> None:
        """Decide a finished site in a worker and keep the decision; a failure here is left to
        the refresh after the crawl, which decides every site still needing it."""
        pool, store = self.pool, self.store
        if pool is None or store is None:
            return  # the workers were lost since the site finished
        stats = self.crawler.stats
        try:
            clinic, read_at = await pool.submit(decide_stored_site, str(store.path), site, utcnow())
        except WorkersLost:
            self._workers_lost()
            return
        except Exception as exc:  # noqa: BLE001 - one site's failure must not stop the crawl
            stats.inc_value("ketadir/decide_errors")
            logger.warning("deciding %s during the crawl failed (%s); it is decided after the crawl", site, exc)
            return
        if clinic is not None and not disk_is_full(self.crawler):
            try:
                record_decision(store, clinic, self.run_id, decided_at=read_at)
            except DiskFull as error:
                stop_for_full_disk(self.crawler, error)
                return
            stats.inc_value("ketadir/sites_decided_in_crawl")


def parse_and_pack(body: bytes, encoding: str, url: str) -> PackedPage:
    """All the work a fetched page needs before it is stored, in one call for a worker."""
    return pack_page(body, parse_fetched(body, encoding, url))


class StorePipeline(_StorePipelineBase):
    """Write pages and fetch errors to the store, and report progress every 2 s: to the
    parent's channel (KETADIR_PROGRESS_FD) in a `ketadir crawl`, to the log otherwise."""

    def open_spider(self) -> None:
        super().open_spider()
        self.run_id = self.crawler.settings.getint("KETADIR_RUN_ID") or None
        progress_fd = self.crawler.settings.get("KETADIR_PROGRESS_FD")
        self.progress_fd = int(progress_fd) if progress_fd is not None else None
        self.pages = 0
        self.errors = 0
        self.sites: set[str] = set()
        self.last_progress = 0.0

    def process_item(self, item: Any) -> Any:
        assert self.store is not None
        if disk_is_full(self.crawler):
            return item  # the crawl is stopping; nothing more can be written
        try:
            self._write(item)
        except DiskFull as error:
            stop_for_full_disk(self.crawler, error)
        return item

    def _write(self, item: Any) -> None:
        assert self.store is not None
        if isinstance(item, FetchError):
            self.store.add_fetch_error(self.run_id, item.site, item.url, item.reason, item.answered)
            if item.status in PAGE_GONE_STATUSES:
                self.store.retire_page(item.url)
            self.errors += 1
            self.crawler.stats.inc_value("ketadir/fetch_errors")
        elif isinstance(item, FetchedPage):
            if item.unchanged:
                self.store.touch_page(item.url, self.run_id)
            else:
                assert item.packed is not None
                self.store.save_page(
                    url=item.url,
                    site=item.site,
                    status=item.status,
                    encoding=item.encoding,
                    content_hash=item.content_hash,
                    packed=item.packed,
                    etag=item.etag,
                    last_modified=item.last_modified,
                    run_id=self.run_id,
                )
            self.pages += 1
            self.sites.add(item.site)
            self._progress()

    def close_spider(self) -> None:
        self._progress(final=True)
        super().close_spider()

    def _progress(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last_progress < 2.0:
            return
        self.last_progress = now
        progress = Progress(self.pages, len(self.sites), self.errors)
        if self.progress_fd is not None:
            report_progress(self.progress_fd, progress)
        else:
            logger.info("%d pages from %d sites, %d errors", progress.pages, progress.sites, progress.errors)
