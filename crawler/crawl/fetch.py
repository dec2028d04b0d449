"""One document for `ketadir classify`: a saved file, or a page fetched as the crawl fetches.

A URL is fetched by Scrapy in a crawl process of its own (spiders/fetch.py) with the crawl's
settings, so it goes through the same address guard (http and https only; no private,
loopback, link-local or metadata address, not even by redirect), proxy, robots.txt,
timeouts and size limit as every crawled page.
"""

from __future__ import annotations

import base64
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crawler.crawl.run import CrawlFailed, crawl_in_subprocess
from crawler.errors import KetadirError
from crawler.items import Page
from crawler.sites import has_userinfo, masked_url

MAX_SOURCE_BYTES = 5 * 1024 * 1024  # a saved file is read up to DOWNLOAD_MAXSIZE, as a page


class SourceError(KetadirError):
    """The document cannot be read: no such file, a scheme other than http(s), a refused or
    failed fetch (the message is the crawl's reason)."""


@dataclass
class FetchedDocument:
    """One page fetched as the crawl fetches pages."""

    url: str  # after redirects
    body: bytes
    charset: str | None  # from the Content-Type header, if it names one


def read_source(source: str) -> Page:
    """A saved HTML/text file or an http(s) URL, parsed (see parse.parse_document)."""
    from crawler.extract.parse import parse_document

    if source.startswith(("http://", "https://")):
        if has_userinfo(source):
            raise SourceError(
                f"{masked_url(source)} carries a user name or password: remove the part before '@' (it is never sent)"
            )
        fetched = fetch_in_subprocess(source)
        return parse_document(fetched.body, source, fetched.charset)
    if "://" in source:
        raise SourceError(f"{source}: only http:// and https:// URLs can be fetched")
    path = Path(source)
    if not path.is_file():
        raise SourceError(f"{source}: no such file (give a saved .html/.txt file or an http(s) URL)")
    try:
        with open(path, "rb") as handle:
            body = handle.read(MAX_SOURCE_BYTES)
    except OSError as exc:
        raise SourceError(f"cannot read {source}: {exc.strerror}") from None
    return parse_document(body, path.resolve().as_uri())


def sources_in(sources: list[str] | tuple[str, ...]) -> list[str]:
    """The documents named: a folder stands for the files in it (all of them, sorted, its
    subfolders' too; hidden ones left out), anything else for itself."""
    expanded: list[str] = []
    for source in sources:
        folder = Path(source)
        if "://" in source or not folder.is_dir():
            expanded.append(source)
            continue
        files = sorted(
            str(path) for path in folder.rglob("*")
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        )
        if not files:
            raise SourceError(f"{source}: the folder holds no files to classify")
        expanded += files
    return expanded


def fetch_in_subprocess(url: str, overrides: dict[str, str] | None = None) -> FetchedDocument:
    """One page, fetched by Scrapy with the crawl's settings in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "fetched.jsonl"
        try:
            crawl_in_subprocess(None, 0, [url], overrides=overrides, spider="fetch", output=output)
        except CrawlFailed as exc:
            raise SourceError(f"cannot fetch {url}: {exc}") from None
        lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
    found = json.loads(lines[0]) if lines else {"error": "no answer"}
    if found.get("error"):
        raise SourceError(f"cannot fetch {url}: {found['error']}")
    return FetchedDocument(found["url"], base64.b64decode(found["body"]), found.get("charset"))
