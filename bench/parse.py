"""Parse + classify per core: ketadir's page and site work vs lxml's parse + text (the floor).

All figures are CPU seconds of this one process (time.process_time), so they are per core.
The pages are the synthetic web's files, byte for byte what a crawl stores. Besides the two
sides of the ratio, a few what-ifs show where a cheaper BeautifulSoup could come from; they
are measurements of alternatives, not ketadir code.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

import lxml.html
from bs4 import BeautifulSoup

from bench.profiling import profile
from bench.report import Section, Target
from bench.synthweb import Web, write_web
from crawler.extract import geo
from crawler.extract.classify import classify_site
from crawler.extract.contacts import extract_contacts
from crawler.items import Page
from crawler.extract.parse import parse_page
from crawler.store import page_from_json, page_json
from crawler.crawl.workers import settle_heap

GOAL = 0.15
# What "drop scripts/styles early" could look like: cut invisible elements out of the bytes
# before any tree is built, keeping JSON-LD scripts.
_INVISIBLE = re.compile(
    rb"<(style|svg|noscript|template)\b.*?</\1\s*>|<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>", re.S | re.I
)


@dataclass
class Site:
    host: str
    pages: list[tuple[str, bytes]]  # (url, body)


def load_sites(web: Web, count: int) -> list[Site]:
    sites = []
    for spec in web.sites[:count]:
        pages = [(f"http://{spec.host}{path}", web.file_for(spec, path).read_bytes()) for path in spec.paths]
        sites.append(Site(spec.host, pages))
    return sites


def cpu_seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def each(bodies: list[bytes], work: Callable[[bytes], object]) -> None:
    """Run work on every body, keeping no result: retained trees would bill the next step for GC."""
    for body in bodies:
        work(body)


def parse_all(sites: list[Site]) -> list[list[Page]]:
    return [[parse_page(body.decode("utf-8", errors="replace"), url) for url, body in site.pages] for site in sites]


def bench_parse(web_sites: int, sample_sites: int) -> Section:
    web = write_web(web_sites)
    sites = load_sites(web, sample_sites + 1)
    warmup, sites = sites[0], sites[1:]
    pages = sum(len(s.pages) for s in sites)
    bodies = [body for s in sites for _, body in s.pages]
    # One site first: regex compilation, the ZIP gazetteer load and imports are paid once per
    # process in a crawl too, not per page. The gazetteer is read a state at a time, as
    # sites need it; a crawl's worker meets every state, so all of them are read here.
    warm_start = time.process_time()
    warm_pages = parse_all([warmup])[0]
    extract_contacts(warm_pages, warmup.host)
    classify_site(warm_pages)
    for state in geo.STATE_NAMES:
        geo.city_centroid("Springfield", state)
    warm = time.process_time() - warm_start
    settle_heap()  # as a crawl's worker runs: the loaded tables frozen, the collector run less often

    floor = cpu_seconds(lambda: each(bodies, lambda b: lxml.html.fromstring(b).text_content()))
    parsed: list[list[Page]] = []
    t_parse = cpu_seconds(lambda: parsed.extend(parse_all(sites)))
    t_contacts = cpu_seconds(lambda: [extract_contacts(p, s.host) for p, s in zip(parsed, sites)])
    t_classify = cpu_seconds(lambda: [classify_site(p) for p in parsed])
    encoded: list[str] = []
    every_page = [page for site_pages in parsed for page in site_pages]
    t_dump = cpu_seconds(lambda: encoded.extend(page_json(p) for p in every_page))
    t_load = cpu_seconds(lambda: [page_from_json(e) for e in encoded])
    t_bs4 = cpu_seconds(lambda: each(bodies, lambda b: BeautifulSoup(b, "lxml")))
    t_bs4_stripped = cpu_seconds(lambda: each(bodies, lambda b: BeautifulSoup(_INVISIBLE.sub(b"", b), "lxml")))
    t_lxml_walk = cpu_seconds(lambda: each(bodies, lambda b: list(lxml.html.fromstring(_INVISIBLE.sub(b"", b)).iter())))

    ketadir = t_parse + t_contacts + t_classify
    ratio = floor / ketadir

    def row(label: str, seconds: float) -> list[str]:
        return [label, f"{seconds / pages * 1000:.2f}", f"{pages / seconds:.0f}", f"{floor / seconds:.3f}x"]

    section = Section(
        f"Parse + classify: {pages} pages of {len(sites)} sites, one core",
        ["work", "ms/page", "pages/s per core", "vs floor"],
    )
    section.rows = [
        row("**floor**: `lxml.html.fromstring` + `text_content()`", floor),
        row("**ketadir**: parse_page + extract_contacts + classify_site", ketadir),
        row("  parse_page (one lxml tree and one walk per page)", t_parse),
        row("  extract_contacts (per site, shown per page)", t_contacts),
        row("  classify_site (per site, shown per page)", t_classify),
        row("  store round trip: crawler.store.page_json", t_dump),
        row("  store round trip: crawler.store.page_from_json", t_load),
        row("what-if: `BeautifulSoup(html, 'lxml')` tree only", t_bs4),
        row("what-if: same, script/style/svg cut from the bytes first", t_bs4_stripped),
        row("what-if: lxml tree of the cut bytes + walk every element", t_lxml_walk),
    ]
    section.notes = [
        f"ketadir / floor pages per CPU-second: **{ratio:.3f}x** (goal >= {GOAL}).",
        f"Average page {sum(map(len, bodies)) / pages / 1000:.0f} KB. One-time warm-up (imports, regexes, ZIP "
        f"gazetteer of every state) on one site before timing: {warm:.1f} s CPU, paid once per crawl process; "
        "then the heap is settled as in a crawl's worker (crawler.crawl.workers.settle_heap) for every row.",
        "The store round trip (what the crawl child writes and refresh reads back) is not in the ratio; it is shown "
        "because a crawl pays it for every page.",
    ]
    section.targets = [Target("parse+classify: ketadir / lxml floor, pages per CPU-s", ratio, GOAL)]
    if ratio < GOAL:
        subset = sites[: max(1, len(sites) // 4)]

        def work() -> None:
            for pages_of_site, site in zip(parse_all(subset), subset):
                extract_contacts(pages_of_site, site.host)
                classify_site(pages_of_site)

        title = f"Profile of parse + contacts + classify over {len(subset)} sites (cProfile):"
        section.extra = f"{title}\n\n{profile(work)}"
    return section
