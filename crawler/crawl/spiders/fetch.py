"""The fetch spider: one page, as the crawl would fetch it, for `ketadir classify URL`.

It runs with the crawl's own settings, so the page goes through the same address guard,
proxy, robots.txt, retries and size limit; it yields the page (or the reason there is none)
and stores nothing.
"""

from __future__ import annotations

import base64
from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawler.crawl.spiders.clinic import describe_failure


class FetchSpider(scrapy.Spider):
    name = "fetch"
    custom_settings = {"ITEM_PIPELINES": {}}  # nothing is stored

    def __init__(self, seeds: list[str] | str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.seeds = [s for s in (seeds.split(",") if isinstance(seeds, str) else seeds) if s]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.seeds[:1]:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response) -> Iterator[dict[str, Any]]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        yield {
            "url": response.url,
            "body": base64.b64encode(response.body).decode("ascii"),
            "charset": http_content_type_encoding(content_type),
        }

    def failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        yield {"url": failure.request.url, "error": describe_failure(failure)}  # type: ignore[attr-defined]
