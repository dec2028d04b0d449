"""The discovery spider: reads directory pages, sitemaps and robots.txt Sitemap lines,
and yields the clinic sites they point to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from crawler.extract.links import clinic_links, is_clinic_candidate, robots_sitemaps, sitemap_entries
from crawler.sites import site_of


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
        self.pages = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.seeds:
            yield self._request(url, site_of(url))

    def _request(self, url: str, directory: str) -> scrapy.Request:
        self.pages += 1
        return scrapy.Request(url, callback=self.parse, cb_kwargs={"directory": directory})

    def parse(self, response: Response, directory: str = "") -> Iterator[Any]:
        if response.url.lower().endswith("/robots.txt"):
            for sitemap in robots_sitemaps(response.text, response.url):
                yield self._request(sitemap, directory)
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "xml" in content_type or response.url.lower().split("?")[0].endswith(".xml"):
            pages, sitemaps = sitemap_entries(response.body)
            for url in sitemaps:
                if self.pages < self.max_pages:
                    yield self._request(url, directory)
            for url in pages:
                if site_of(url) == directory:
                    if self.pages < self.max_pages:  # the directory's own listing pages
                        yield self._request(url, directory)
                elif is_clinic_candidate(url, directory):
                    yield DiscoveredSite(url=url, source=response.url)
            return
        if isinstance(response, scrapy.http.TextResponse):
            for url in clinic_links(response.text, response.url):
                yield DiscoveredSite(url=url, source=response.url)
