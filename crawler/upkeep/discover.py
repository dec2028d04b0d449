"""Adding to the registry: the sites given by hand, and discovery, which finds clinic sites on
directory pages and sitemaps and registers the new ones.

The reading is the discover spider's (crawler/crawl/spiders/discover.py, with the pure link
and sitemap readers of crawler/extract/links.py), in a crawl process of its own; this module
runs it, keeps the registry and says what it found.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from crawler.crawl.run import Progress, crawl_in_subprocess
from crawler.datadir import Paths
from crawler.sites import site_of
from crawler.store import Store
from crawler.terminal import plural


@dataclass
class Found:
    """A clinic site a directory page or sitemap points to."""

    url: str  # the site's root URL
    source: str  # the page or sitemap that listed it
    known: bool  # registered before this discovery


def register(paths: Paths, seeds: list[tuple[str, str]]) -> int:
    """Register the (url, source) seeds' sites for crawls to keep current; how many were new."""
    with Store.open(paths.writable().store) as store:
        return sum(store.add_site(site_of(url), url, source) for url, source in seeds)


# Pages one discovery reads unless told: the seeds, robots.txt, sitemaps and listing pages.
MAX_PAGES = 50


def discover(
    paths: Paths,
    urls: list[str],
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
    max_pages: int = MAX_PAGES,
    on_progress: Callable[[Progress], None] | None = None,
) -> list[Found]:
    """Each site the pages at urls point to, once, by site; the new ones are registered
    (source "discovered:<page>") unless dry_run. Reads at most max_pages pages besides the
    seeds and their robots.txt; on_progress gets what was fetched so far (pages, sites found,
    errors). Raises CrawlFailed if the crawl cannot run."""
    store = Store.open(paths.writable().store)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            output = Path(tmp) / "found.jsonl"
            crawl_in_subprocess(None, 0, urls, max_pages, overrides=overrides, spider="discover", output=output,
                                on_progress=on_progress)
            lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
        by_site: dict[str, dict[str, str]] = {}
        for line in lines:
            item = json.loads(line)
            by_site.setdefault(site_of(item["url"]), item)
        found = []
        for site, item in sorted(by_site.items()):
            known = store.site(site) is not None
            if not known and not dry_run:
                store.add_site(site, item["url"], f"discovered:{item['source']}")
            found.append(Found(item["url"], item["source"], known))
        return found
    finally:
        store.close()


def progress_line(progress: Progress) -> str:
    """What a discovery says at each progress report (discover's on_progress)."""
    return (f"  fetched {plural(progress.pages, 'page')} ({progress.errors} failed), "
            f"found {plural(progress.sites, 'clinic site')}")


def found_line(site: Found, dry_run: bool) -> str:
    """One site a discovery found, and what became of it."""
    return f"{'known' if site.known else ('would add' if dry_run else 'added')}  {site.url}  (from {site.source})"


def found_summary(found: list[Found], dry_run: bool) -> str:
    """How many sites a discovery found, and how many of them are (or would be) new."""
    verb = "would register" if dry_run else "registered"
    return f"Found {plural(len(found), 'clinic site')}; {verb} {sum(not site.known for site in found)} new."
