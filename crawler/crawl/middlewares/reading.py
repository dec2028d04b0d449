"""Reading a response up to a limit and handing on what came, instead of dropping it.

Scrapy cancels a download that outgrows DOWNLOAD_MAXSIZE and keeps nothing of it. Two kinds
of file are worth reading in part:

- robots.txt: RFC 9309 asks crawlers to parse at least the first 500 KiB, not to ignore a
  larger file; `Disallow: /` followed by 10 MB of comments still disallows everything.
- sitemaps: each site gets a budget of sitemap bytes (see the clinic spider), and a sitemap
  cut at the budget still lists what it listed so far.

A request whose meta holds READ_UP_TO (bytes) is read up to that many and its response
handed on with what came, flagged "download_stopped". Whatever length the server announces,
so the announced-size check is lifted for it; decompressing the body stays bounded by
DOWNLOAD_MAXSIZE.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import StopDownload

READ_UP_TO = "ketadir_read_up_to"
ROBOTS_READ_UP_TO = 512 * 1024  # RFC 9309, section 2.5: at least 500 KiB
_READ_SO_FAR = "ketadir_read_so_far"


class PartialReadMiddleware:
    """Downloader middleware placed after HttpCompressionMiddleware in the response chain
    (priority above 590), so it restores the size limit before the body is decompressed."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize

    @classmethod
    def from_crawler(cls, crawler: Any) -> PartialReadMiddleware:
        middleware = cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request: Any) -> None:
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            request.meta.setdefault(READ_UP_TO, ROBOTS_READ_UP_TO)  # Scrapy's own robots.txt request
        if READ_UP_TO in request.meta:
            request.meta["download_maxsize"] = 0  # read up to the limit rather than cancel

    def process_response(self, request: Any, response: Any) -> Any:
        if READ_UP_TO in request.meta:
            request.meta["download_maxsize"] = self.maxsize
        return response

    def bytes_received(self, data: bytes, request: Any, **kwargs: Any) -> None:
        limit = request.meta.get(READ_UP_TO)
        if limit:
            read = request.meta[_READ_SO_FAR] = request.meta.get(_READ_SO_FAR, 0) + len(data)
            if read >= limit:
                raise StopDownload(fail=False)
