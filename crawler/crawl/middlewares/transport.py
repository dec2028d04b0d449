"""How the crawl reaches sites: Scrapy's HTTP handler and proxy middleware, tuned for many sites.

Both classes keep Scrapy's behaviour and remove a per-request cost that grows with the
number of sites crawled at once.

Performance layer. Justified by the bench row "crawl: ketadir / bare Scrapy pages/s"
(bench/RESULTS.md, **connection pool and proxy choice**). It reaches into Scrapy: the
handler's connection pool (HTTP11DownloadHandler._pool, a Twisted HTTPConnectionPool) and
HttpProxyMiddleware's `proxies` and `_set_proxy_and_creds(request, proxy_url, creds, scheme)`.
Should Scrapy rename or reshape them, the crawl fails at its start or first request rather
than quietly losing speed, and tests/test_private_apis.py says which one moved; the Scrapy
range in pyproject.toml is the one this was tested with.
"""

from __future__ import annotations

from typing import Any
from urllib.request import proxy_bypass

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.utils.httpobj import urlparse_cached


class PooledDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, keeping up to CONCURRENT_REQUESTS idle connections per host.

    Scrapy keeps CONCURRENT_REQUESTS_PER_DOMAIN idle connections per host. Through an HTTP
    proxy every site is the same host (the proxy), so all but two of the concurrent requests
    opened a new connection every time. A site on its own is unchanged: it never has more
    connections open than its per-domain limit, so it never has more idle ones either.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._pool.maxPersistentPerHost = max(
            settings.getint("CONCURRENT_REQUESTS"), settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        )


class CachedProxyMiddleware(HttpProxyMiddleware):
    """Scrapy's proxy middleware, reading no_proxy once per host rather than once per request.

    urllib's proxy_bypass scans the whole environment on every call, and the environment
    does not change during a crawl. Requests that name their own proxy (meta "proxy") go
    to Scrapy's code unchanged.
    """

    def __init__(self, auth_encoding: str | None = "latin-1") -> None:
        super().__init__(auth_encoding)
        self._bypassed: dict[str, bool] = {}

    def process_request(self, request: Any, spider: Any = None) -> None:
        if "proxy" in request.meta or not self.proxies:
            return super().process_request(request)
        parsed = urlparse_cached(request)
        scheme, host = parsed.scheme, parsed.hostname
        if scheme in ("http", "https") and (not host or self._bypass(host)):
            scheme = ""  # no_proxy names this host (or there is none): fetch directly
        if scheme in self.proxies:
            creds, proxy_url = self.proxies[scheme]
            self._set_proxy_and_creds(request, proxy_url, creds, scheme)
        else:
            self._set_proxy_and_creds(request, None, None, None)
        return None

    def _bypass(self, host: str) -> bool:
        if host not in self._bypassed:
            self._bypassed[host] = bool(proxy_bypass(host))
        return self._bypassed[host]
