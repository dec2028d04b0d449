"""The crawl's proxy middleware keeps Scrapy's behaviour (crawler/crawl/middlewares/transport.py).

Connection reuse through the proxy is shown by a real crawl in test_end_to_end.py.
"""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware

from crawler.crawl.middlewares.transport import CachedProxyMiddleware

URLS = [
    "http://clinic.example/",
    "http://clinic.example/about",
    "https://clinic.example/contact",
    "http://direct.example/page",
    "http://sub.direct.example/",
    "https://direct.example/",
    "http://user:pw@other.example:8080/x?y=1",
]


def _proxy_fields(middleware: HttpProxyMiddleware, url: str, meta: dict | None = None) -> tuple:
    request = Request(url, meta=dict(meta or {}))
    middleware.process_request(request)
    return request.meta.get("proxy"), request.headers.get(b"Proxy-Authorization"), request.meta.get("_scheme_proxy")


@pytest.mark.parametrize("meta", [None, {"proxy": "http://other-proxy:3128"}, {"proxy": None}])
def test_proxy_middleware_chooses_exactly_what_scrapys_does(monkeypatch: pytest.MonkeyPatch, meta: dict | None) -> None:
    monkeypatch.setenv("http_proxy", "http://crawler:secret@127.0.0.1:3128")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:3129")
    monkeypatch.setenv("no_proxy", "direct.example")
    ours, scrapys = CachedProxyMiddleware(), HttpProxyMiddleware()
    chosen = []
    for url in URLS * 2:  # the second pass is answered from the per-host cache
        assert _proxy_fields(ours, url, meta) == _proxy_fields(scrapys, url, meta), url
        chosen.append(_proxy_fields(ours, url, meta)[0])
    if meta is None:  # both kinds of answer were exercised
        assert "http://127.0.0.1:3128" in chosen and None in chosen


def test_proxy_middleware_leaves_requests_alone_without_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert _proxy_fields(CachedProxyMiddleware(), "http://clinic.example/") == (None, None, None)

