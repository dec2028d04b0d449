"""Item pipelines, in the order they run: parse, then store.

Field problems are counted in the crawl stats (ketadir/problems/<kind>) rather than
silently dropped, as alltheplaces does.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from crawler.items import FetchedPage, FetchError, PackedPage
from crawler.parse import parse_page
from crawler.run import PROGRESS_PREFIX
from crawler.store import PARSER_VERSION, STORE_FILE, Store, default_data_dir, pack_page


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
    """Parse each new or changed page once; mark identical content as unchanged.

    Parsing is the crawl's heaviest work, so it runs in worker processes
    (KETADIR_PARSE_WORKERS, default: one less than the cores, at least one; 0 parses in the
    crawl process itself) while the reactor goes on fetching and storing.
    """

    def open_spider(self) -> None:
        super().open_spider()
        workers = self.crawler.settings.getint("KETADIR_PARSE_WORKERS", max(1, (os.cpu_count() or 2) - 1))
        self.pool = (
            ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            if workers > 0
            else None
        )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        super().close_spider()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage) or item.unchanged:
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
                return await asyncio.wrap_future(self.pool.submit(parse_and_pack, body, encoding, url))
            except BrokenProcessPool:  # a worker died (out of memory...): parse here from now on
                self.crawler.stats.inc_value("ketadir/parse_workers_lost")
                self.pool = None
        return parse_and_pack(body, encoding, url)


def parse_and_pack(body: bytes, encoding: str, url: str) -> PackedPage:
    """All the work a fetched page needs before it is stored, in one call for a worker."""
    page = parse_page(body.decode(encoding or "utf-8", errors="replace"), url)
    return pack_page(body, page)


class StorePipeline(_StorePipelineBase):
    """Write pages and fetch errors to the store, and show progress on long crawls."""

    def open_spider(self) -> None:
        super().open_spider()
        self.run_id = self.crawler.settings.getint("KETADIR_RUN_ID") or None
        self.pages = 0
        self.errors = 0
        self.sites: set[str] = set()
        self.last_progress = 0.0

    def process_item(self, item: Any) -> Any:
        assert self.store is not None
        if isinstance(item, FetchError):
            self.store.add_fetch_error(self.run_id, item.site, item.url, item.reason)
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
        return item

    def close_spider(self) -> None:
        self._progress(final=True)
        super().close_spider()

    def _progress(self, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last_progress < 2.0:
            return
        self.last_progress = now
        print(
            f"{PROGRESS_PREFIX}{self.pages} pages from {len(self.sites)} sites, {self.errors} errors",
            file=sys.stderr,
            flush=True,
        )
