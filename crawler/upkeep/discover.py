"""Discovery: find clinic sites on directory pages and sitemaps, and register the new ones.

The reading is the discover spider's (crawler/crawl/spiders/discover.py, with the pure link
and sitemap readers of crawler/extract/links.py), in a crawl process of its own; this module
runs it and keeps the registry.
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


@dataclass
class Found:
    """A clinic site a directory page or sitemap points to."""

    url: str  # the site's root URL
    source: str  # the page or sitemap that listed it
    known: bool  # registered before this discovery


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
