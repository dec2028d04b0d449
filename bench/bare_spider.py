"""The floor for fetching: a Scrapy spider that downloads the given pages and does nothing.

It is told every page URL up front (no link extraction, no parsing, no storage), runs with
the concurrency it is given, obeys robots.txt like ketadir's crawl, and has delays off. Run
as ``python -m bench.bare_spider URLS.txt --concurrency 32 --per-domain 2`` with http_proxy
set; prints one JSON line of counts when done.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response) -> None:
        """Nothing: the body has been downloaded, which is all the floor measures."""


def settings(concurrency: int, per_domain: int) -> dict[str, Any]:
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # as in ketadir's settings
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "ketadir-bench/bare",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_spider", description=__doc__)
    parser.add_argument("urls", type=Path, help="file of page URLs, one per line")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--per-domain", type=int, default=2)
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.urls.read_text().splitlines() if line.strip()]
    process = CrawlerProcess(settings(args.concurrency, args.per_domain))
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({
        "responses": stats.get("response_received_count", 0),
        "pages": stats.get("downloader/response_status_count/200", 0),
        "elapsed": stats.get("elapsed_time_seconds", 0.0),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
