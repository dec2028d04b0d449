"""The discovery spider: reads directory pages, the sitemaps their site's robots.txt names,
and the directory's own listing pages (per-state pages, next pages) within a page budget, and
yields the clinic sites they point to."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.run import Progress, report_progress
from crawler.extract.links import (
    clinic_links,
    is_clinic_candidate,
    listing_links,
    listing_prefix,
    robots_sitemaps,
    sitemap_entries,
)
from crawler.sites import site_of

# Progress reports to `ketadir discover` at most this often (and once at the end).
_REPORT_EVERY_S = 2.0


@dataclass
class DiscoveredSite:
    url: str  # the clinic's root URL
    source: str  # the page or sitemap that listed it


class DiscoverSpider(scrapy.Spider):
    name = "discover"
    custom_settings = {"ITEM_PIPELINES": {}}  # what it finds goes to the feed; nothing is stored

    def __init__(self, seeds: list[str] | str = "", max_pages: int | str = 50, **kwargs: Any):
        super().__init__(**kwargs)
        self.seeds = [s for s in (seeds.split(",") if isinstance(seeds, str) else seeds) if s]
        self.max_pages = int(max_pages)
        self.queued: set[str] = set()
        self.spent = 0  # pages of the budget asked for
        self.found: set[str] = set()
        self.fetched = 0
        self.failures = 0
        self.reported = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DiscoverSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closing, signal=signals.spider_closed)
        crawler.signals.connect(spider._fetched, signal=signals.response_received)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.seeds:
            directory = site_of(url)
            parts = urlsplit(url)
            robots = f"{parts.scheme}://{parts.netloc}/robots.txt"
            prefix = "/" if url == robots else listing_prefix(url)
            for request in (self._request(url, directory, prefix, force=True),
                            self._request(robots, directory, prefix, force=True)):
                if request is not None:
                    yield request

    def _request(self, url: str, directory: str, prefix: str, force: bool = False,
                 priority: int = 0) -> scrapy.Request | None:
        """A request unless the URL is queued already or (for pages found on the way) the
        page budget is spent; seeds and their robots.txt are always asked for."""
        if url in self.queued or (not force and self.spent >= self.max_pages):
            return None
        self.queued.add(url)
        self.spent += 0 if force else 1
        return scrapy.Request(url, callback=self.parse, errback=self.failed, priority=priority,
                              cb_kwargs={"directory": directory, "prefix": prefix})

    def parse(self, response: Response, directory: str = "", prefix: str = "/") -> Iterator[Any]:
        yield from self._read(response, directory, prefix)
        self._report()

    def _fetched(self, response: Response, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Every response counts, robots.txt checks of Scrapy's own included."""
        self.fetched += 1

    def _read(self, response: Response, directory: str, prefix: str) -> Iterator[Any]:
        if response.url.lower().endswith("/robots.txt"):
            for sitemap in robots_sitemaps(response.text, response.url):
                if (request := self._request(sitemap, directory, prefix, priority=2)) is not None:
                    yield request
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "xml" in content_type or response.url.lower().split("?")[0].endswith(".xml"):
            pages, sitemaps = sitemap_entries(response.body)
            for url in sitemaps:
                if (request := self._request(url, directory, prefix, priority=2)) is not None:
                    yield request
            for url in pages:
                if site_of(url) == directory:  # the directory's own listing pages
                    if (request := self._request(url, directory, prefix)) is not None:
                        yield request
                elif is_clinic_candidate(url, directory):
                    yield self._found(url, response.url)
            return
        if isinstance(response, scrapy.http.TextResponse):
            for url in clinic_links(response.text, response.url):
                yield self._found(url, response.url)
            for rank, url in enumerate(listing_links(response.text, response.url, prefix)):
                if (request := self._request(url, directory, prefix, priority=1 if rank < 50 else 0)) is not None:
                    yield request

    def _found(self, url: str, source: str) -> DiscoveredSite:
        self.found.add(site_of(url))
        return DiscoveredSite(url=url, source=source)

    def failed(self, failure: Failure) -> None:
        """A page that did not answer: counted, so the progress line says what was fetched."""
        self.failures += 1
        self._report()

    def _report(self, final: bool = False) -> None:
        fd = self.settings.get("KETADIR_PROGRESS_FD")
        if fd is None or (not final and time.monotonic() - self.reported < _REPORT_EVERY_S):
            return
        self.reported = time.monotonic()
        report_progress(int(fd), Progress(pages=self.fetched, sites=len(self.found), errors=self.failures))

    def _closing(self, spider: scrapy.Spider) -> None:
        self._report(final=True)
