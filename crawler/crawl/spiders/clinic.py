"""The clinic spider: stays on each seed's site, prefers pages that describe the practice."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property
from http import HTTPStatus
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import exceptions as scrapy_errors
from scrapy import signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from w3lib.encoding import http_content_type_encoding
from w3lib.html import get_base_url

from crawler.crawl.middlewares.reading import READ_UP_TO
from crawler.extract.links import sitemap_entries
from crawler.items import FetchedPage, FetchError
from crawler.extract.parse import PARSE_BUDGET_BYTES, page_links
from crawler.sites import site_finished, site_of, without_userinfo
from crawler.store import Store
from crawler.terminal import terminal_safe

# Pages that say what a clinic offers, where it is and who works there come first; a
# 25-page budget should not be spent on the blog.
_PREFERRED = re.compile(
    r"service|treat|ketamine|therap|kap|infusion|spravato|about|team|staff|provider|contact|"
    r"location|office|faq|question|pricing|cost|insurance|program|process|what-to-expect|condition",
    re.I,
)
_DEPRIORITISED = re.compile(r"blog|news|post|article|press|podcast|event|tag/|category/|author/|page/\d", re.I)
_NOT_PAGE_LINKS = ("#", "mailto:", "tel:", "javascript:", "data:", "sms:")
_SKIPPED_EXTENSIONS = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)


class ClinicSpider(scrapy.Spider):
    name = "clinic"

    def __init__(self, seeds: list[str] | str = "", max_pages_per_site: int | str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.seeds = seeds.split(",") if isinstance(seeds, str) else list(seeds)
        self.seeds = [s for s in self.seeds if s]
        self._max_pages_arg = max_pages_per_site
        self.seen: dict[str, set[str]] = {}
        self.hrefs_done: dict[str, set[str]] = {}  # root-relative and absolute hrefs already followed
        self.validators: dict[str, tuple[str, str]] = {}
        self.store: Store | None = None
        # Per site: requests not yet ended (by callback, errback or drop) plus items not yet
        # through the pipelines. A site is finished when its count falls back to zero.
        self.open_work: Counter[str] = Counter()
        self.sitemaps_asked: Counter[str] = Counter()
        self.sitemap_bytes: Counter[str] = Counter()
        self.sitemap_budget_spent: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ClinicSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        for item_done in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=item_done)
        return spider

    @cached_property  # asked for every link of every page; settings are fixed once the crawl runs
    def max_pages(self) -> int:
        value = self._max_pages_arg or self.settings.getint("KETADIR_MAX_PAGES_PER_SITE", 25)
        return max(1, int(value))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        store_path = self.settings.get("KETADIR_STORE")
        if store_path:
            self.store = Store.open(store_path)
            self.validators = self.store.validators()
        for url in self.seeds:
            if self.crawler.engine.needs_backout():
                # A new site only once the queue has run dry (Scrapy's lazy start): a crawl's
                # memory grows with queued requests, and every site started early queues its links.
                await self.crawler.signals.wait_for(signals.scheduler_empty)
            site = site_of(url)
            unfetchable = unfetchable_reason(url)
            if unfetchable:  # recorded, and the seeds after it are still read
                yield self._item(FetchError(url=url, site=site, reason=unfetchable))
                continue
            request = self._request(url, site, priority=100)
            if request is not None:
                yield request
                # A sitemap can list pages nothing links to; a missing one is no error.
                sitemap = self._sitemap_request(urljoin(request.url, "/sitemap.xml"), site)
                if sitemap is not None:
                    yield sitemap

    def parse_sitemap(self, response: Response, site: str) -> Iterator[scrapy.Request]:
        try:
            if response.status != 200:
                return
            self.sitemap_bytes[site] += len(response.body)
            if "download_stopped" in response.flags:
                self._sitemap_budget_spent(site)  # read up to the budget: what it lists so far counts
            pages, children = sitemap_entries(response.body)
            for url in children[:5]:
                if site_of(url) == site:
                    request = self._sitemap_request(url, site)
                    if request is not None:
                        yield request
            for url in pages:
                if site_of(url) == site:
                    request = self._request(url, site, priority=_priority(url) - 1)
                    if request is not None:
                        yield request
        finally:
            self._work_done(site)

    def parse(self, response: Response, site: str = "") -> Iterator[Any]:
        site = site or site_of(response.url)
        try:
            yield from self._read(response, site)
        finally:
            self._work_done(site)

    def _read(self, response: Response, site: str) -> Iterator[Any]:
        follow = response.meta.get("depth", 0) < self.depth_limit  # deeper links would be dropped
        if response.status == 304:
            yield self._item(FetchedPage(url=response.url, site=site, status=304, body=b"", encoding="", unchanged=True))
            stored = self.store.stored_body(response.url) if self.store and follow else None
            if stored is not None:  # an unchanged page still leads to the rest of the site
                body, encoding = stored
                text = body.decode(encoding, errors="replace")
                yield from self._follow(text, response.url, site)
            return
        not_a_page = not_a_page_reason(response)
        if not_a_page:
            # The site answered, with a PDF or an image: not a page to read, but not a failure either.
            self.crawler.stats.inc_value("ketadir/skipped_non_html")
            yield self._item(FetchError(url=response.url, site=site, reason=not_a_page, answered=True))
            return
        encoding = page_encoding(response)
        yield self._item(FetchedPage(
            url=response.url,
            site=site,
            status=response.status,
            body=response.body,
            encoding=encoding,
            etag=response.headers.get(b"ETag", b"").decode("latin-1"),
            last_modified=response.headers.get(b"Last-Modified", b"").decode("latin-1"),
        ))
        if follow:
            text = response.text if encoding == response.encoding else response.body.decode(encoding, errors="replace")
            yield from self._follow(text, response.url, site)

    @cached_property
    def depth_limit(self) -> float:
        """Scrapy's DEPTH_LIMIT (0: none). Links past it are not made: Scrapy would drop them unseen."""
        return self.settings.getint("DEPTH_LIMIT") or float("inf")

    def _follow(self, html: str, page_url: str, site: str) -> Iterator[scrapy.Request]:
        base_url = get_base_url(html[:4096], page_url)  # a <base href> sits in <head>, as Scrapy assumes
        seen = self.seen.setdefault(site, set())
        done = self.hrefs_done.setdefault(site, set())
        for href in page_links(html[:PARSE_BUDGET_BYTES]):  # the part of a page that is read
            if len(seen) >= self.max_pages:
                return  # the site's page budget is spent: nothing more to queue from here
            href = href.partition("#")[0]  # a fragment is a place on the page, not another page
            if not href or href.startswith(_NOT_PAGE_LINKS) or href in done:
                continue
            if href.startswith("/") or "://" in href:
                done.add(href)  # resolves the same from every page of the site: menus repeat on each
            try:
                url = urljoin(base_url, href)
            except ValueError:  # "http://[::1/": not a URL at all
                continue
            if not url.startswith(("http://", "https://")) or site_of(url) != site:
                continue
            if url.lower().split("?", 1)[0].endswith(_SKIPPED_EXTENSIONS):
                continue
            request = self._request(url, site, priority=_priority(url))
            if request is not None:
                yield request

    def closed(self, reason: str) -> None:
        if self.store is not None:
            self.store.close()

    def failed(self, failure: Failure) -> Iterator[FetchError]:
        request = failure.request  # type: ignore[attr-defined]
        site = request.cb_kwargs.get("site", "")
        status = failure.value.response.status if isinstance(failure.value, HttpError) else 0
        try:
            yield self._item(FetchError(url=request.url, site=site, reason=describe_failure(failure), status=status))
        finally:
            self._work_done(site)

    def sitemap_failed(self, failure: Failure) -> None:
        """Nothing to record (see _sitemap_request)."""
        self._work_done(failure.request.cb_kwargs["site"])  # type: ignore[attr-defined]

    # -- knowing when a site is finished ----------------------------------------------

    def _work_added(self, site: str) -> None:
        self.open_work[site] += 1

    def _work_done(self, site: str) -> None:
        self.open_work[site] -= 1
        if self.open_work[site] <= 0:
            del self.open_work[site]
            # Every href met on the site's pages: a crawl of thousands of sites would keep them
            # all. `seen` stays, so the site's page budget still holds for a later seed of it.
            self.hrefs_done.pop(site, None)
            self.crawler.signals.send_catch_log(site_finished, site=site)

    def _item(self, item: FetchedPage | FetchError) -> FetchedPage | FetchError:
        """An item about to be yielded: its site is not finished until the pipelines are done with it."""
        self._work_added(item.site)
        return item

    def _item_done(self, item: Any, **kwargs: Any) -> None:
        if isinstance(item, (FetchedPage, FetchError)):
            self._work_done(item.site)

    def _request_dropped(self, request: scrapy.Request, **kwargs: Any) -> None:
        """The scheduler refused a request (a redirect to a page already fetched): no callback will come."""
        if request.callback in (self.parse, self.parse_sitemap) and "site" in request.cb_kwargs:
            self._work_done(request.cb_kwargs["site"])

    def _sitemap_request(self, url: str, site: str) -> scrapy.Request | None:
        """Sitemaps are optional: a missing or broken one is not a site error. A site gets at
        most KETADIR_SITEMAPS_PER_SITE of them, read up to KETADIR_SITEMAP_BYTES_PER_SITE in
        all: a sitemap index of indexes must not turn a one-page site into gigabytes."""
        left = self.sitemap_byte_budget - self.sitemap_bytes[site]
        if self.sitemaps_asked[site] >= self.sitemaps_per_site or left <= 0:
            self._sitemap_budget_spent(site)
            return None
        self.sitemaps_asked[site] += 1
        self._work_added(site)
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            cb_kwargs={"site": site},
            priority=50,
            meta={"handle_httpstatus_list": [404, 410], READ_UP_TO: left},
        )

    def _sitemap_budget_spent(self, site: str) -> None:
        if site not in self.sitemap_budget_spent:
            self.sitemap_budget_spent.add(site)
            self.crawler.stats.inc_value("ketadir/problems/sitemap-budget-spent")

    @cached_property
    def sitemaps_per_site(self) -> int:
        return self.settings.getint("KETADIR_SITEMAPS_PER_SITE", 8)

    @cached_property
    def sitemap_byte_budget(self) -> int:
        return self.settings.getint("KETADIR_SITEMAP_BYTES_PER_SITE", 4 * 1024 * 1024)

    def _request(self, url: str, site: str, priority: int) -> scrapy.Request | None:
        """A request for url unless the site's page budget is spent or the page was already queued.

        Pages are told apart by path and query only, so www. and apex spellings of one page
        are fetched once.
        """
        seen = self.seen.setdefault(site, set())
        if unfetchable_reason(url):
            return None  # a link to "host:99999" or "host:abc": no page to fetch
        url = without_userinfo(url)  # a link's user name and password are never sent or kept
        parts = urlsplit(url)
        key = f"{parts.path or '/'}?{parts.query}"
        if key in seen or len(seen) >= self.max_pages:
            return None
        seen.add(key)
        headers = {}
        etag, last_modified = self.validators.get(url, ("", ""))
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            request = scrapy.Request(
                url,
                callback=self.parse,
                errback=self.failed,
                cb_kwargs={"site": site},
                priority=priority,
                headers=headers,
                meta={"handle_httpstatus_list": [304]},
            )
        except ValueError:  # a URL Scrapy cannot make a request of
            return None
        self._work_added(site)
        return request


# How the files a server may send for an .html URL begin, when they are not text at all.
_BINARY_SIGNATURES = {
    b"%PDF-": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"RIFF": "a media file",
}


def page_encoding(response: TextResponse) -> str:
    """The charset to read a page in: Scrapy's choice, except that a page calling itself
    UTF-16 in a <meta> tag is read as UTF-8, as the HTML standard's encoding sniffing says
    (a page whose bytes were UTF-16 would not have been readable far enough to say so).
    A BOM or a Content-Type header naming UTF-16 is believed."""
    encoding = response.encoding
    if not _is_utf16(encoding) or response.body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return encoding
    declared = http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
    return encoding if declared and _is_utf16(declared) else "utf-8"


def _is_utf16(encoding: str) -> bool:
    return encoding.lower().replace("_", "-").startswith("utf-16")


def not_a_page_reason(response: Response) -> str | None:
    """Why a response is not a page to read (a PDF or an image, whatever its URL or declared
    type says), or None for HTML and XML."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    declared = content_type.split(";", 1)[0].strip()
    if not isinstance(response, scrapy.http.TextResponse) or (
        content_type and "html" not in content_type and "xml" not in content_type
    ):
        return f"not an HTML page ({declared or 'no content type'})"
    head = response.body[:8]
    for signature, kind in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return f"not an HTML page ({kind}, served as {declared or 'no content type'})"
    return None


def unfetchable_reason(url: str) -> str | None:
    """Why no request can be made for url (its port is not 1-65535, its host unreadable), or
    None. Scrapy raises on such a URL, and a raise while reading start requests ends them all."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a URL that can be fetched (its port must be a number from 1 to 65535)"
    if port == 0 or not parts.hostname:
        return "not a URL that can be fetched (no host, or port 0)"
    return None


def _priority(url: str) -> int:
    if _DEPRIORITISED.search(url):
        return -10
    if _PREFERRED.search(url):
        return 10
    return 0


def describe_failure(failure: Failure) -> str:
    """A short reason a person can act on, for the run report and the crawl summary.

    Scrapy 2.13+ wraps Twisted's errors in its own (DownloadTimeoutError...); both are named
    so the reasons stay the same whichever arrives. A reason is one line with no escape
    sequence or control character: it can quote what a server sent, and it is printed to a
    terminal.
    """
    return " ".join(terminal_safe(_reason(failure.value)).split())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        status = exc.response.status
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        return f"HTTP {status} {phrase}".strip()
    if isinstance(exc, (scrapy_errors.CannotResolveHostError, twisted_errors.DNSLookupError)):
        refused = str(exc).find("refused ")  # crawler.crawl.middlewares.guard.PublicOnlyResolver's words
        return str(exc)[refused:].rstrip(".") if refused >= 0 else "host not found"
    if isinstance(exc, (scrapy_errors.DownloadTimeoutError, twisted_errors.TimeoutError)):
        return "timed out"
    if isinstance(exc, (scrapy_errors.DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError)):
        return "connection refused"
    if isinstance(exc, scrapy_errors.DownloadCancelledError):
        # Scrapy cancels a download only when the page outgrows DOWNLOAD_MAXSIZE.
        return "page larger than the download size limit (DOWNLOAD_MAXSIZE)"
    if isinstance(exc, _CONNECTION_LOST):
        return "connection lost mid-response"
    if isinstance(exc, scrapy_errors.IgnoreRequest):
        return _ignored(str(exc))
    return f"{type(exc).__name__}: {exc}"[:200]


_CONNECTION_LOST = (
    scrapy_errors.ResponseDataLossError,
    scrapy_errors.DownloadFailedError,
    ResponseFailed,
    ResponseNeverReceived,
)


def _ignored(message: str) -> str:
    """Why a request was dropped: Scrapy's IgnoreRequest covers several causes, told apart by message."""
    if message.startswith(("refused", "redirect loop")):  # crawler.crawl.middlewares.guard's own words
        return message
    if "robots.txt" in message:
        return "blocked by robots.txt"
    if "max redirections" in message:
        return "too many redirects"
    if "DOWNLOAD_MAXSIZE" in message:
        return "compressed page expands beyond the download size limit (DOWNLOAD_MAXSIZE)"
    return message[:200] or "request dropped"
