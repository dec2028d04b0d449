"""Crawl end to end: `ketadir crawl` vs a bare Scrapy spider over the same synthetic web.

Both run as their own processes against one fixture server (itself a separate process),
with delays off and the same concurrency. ketadir's figure is the whole command: start-up,
fetch, store, parse, classify, index. The server's own ceiling (a raw asyncio client) is
measured too, so a server-bound run is visible as such.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import proc
from bench.report import Section, Target
from bench.synthweb import Web, write_web

CONCURRENCY = 32  # settings.py's CONCURRENT_REQUESTS
PER_DOMAIN = 2  # settings.py's CONCURRENT_REQUESTS_PER_DOMAIN
GOAL = 0.6
# Each crawler's best of two runs, taken in turns (bare, ketadir, bare, ketadir): the machine's
# speed drifts by several percent over minutes, and turns give both the same drift.
RUNS = 2


@dataclass
class CrawlRun:
    measured: proc.Measured
    pages: int
    engine_seconds: float  # Scrapy's own elapsed time inside the child
    server_cpu: float
    timed_seconds: float | None = None  # the client's own clock, when process start-up is not part of the figure

    @property
    def pages_per_second(self) -> float:
        return self.pages / (self.timed_seconds or self.measured.wall)


def write_lists(web: Web, folder: Path) -> tuple[Path, Path]:
    """(seeds file for ketadir, every page URL for the bare spider)."""
    seeds, urls = folder / "seeds.txt", folder / "urls.txt"
    seeds.write_text("\n".join(web.seeds()) + "\n")
    urls.write_text("\n".join(web.urls()) + "\n")
    return seeds, urls


def ketadir_crawl(data_dir: Path, seeds: Path, server: proc.ServerProcess) -> CrawlRun:
    """`ketadir crawl` exactly as a user runs it, plus the settings that turn delays off."""
    cpu_before = server.cpu_seconds()
    cmd = [
        proc.KETADIR, "--data-dir", str(data_dir), "crawl", "--seeds", str(seeds),
        "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
        "--set", f"CONCURRENT_REQUESTS={CONCURRENCY}", "--set", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_DOMAIN}",
    ]
    measured = proc.run(cmd, env=proc.env_with(http_proxy=server.url)).check()
    reports = sorted((data_dir / "reports").glob("run-*.json"))
    report = json.loads(reports[-1].read_text())
    engine = float(report["stats"].get("elapsed_time_seconds", 0.0))
    return CrawlRun(measured, int(report["pages"]), engine, server.cpu_seconds() - cpu_before)


def bare_crawl(urls: Path, server: proc.ServerProcess) -> CrawlRun:
    cpu_before = server.cpu_seconds()
    cmd = [proc.PYTHON, "-m", "bench.bare_spider", str(urls)]
    cmd += ["--concurrency", str(CONCURRENCY), "--per-domain", str(PER_DOMAIN)]
    measured = proc.run(cmd, env=proc.env_with(http_proxy=server.url)).check()
    counts = json.loads(measured.stdout.strip().splitlines()[-1])
    pages = len(urls.read_text().split())
    return CrawlRun(measured, pages, float(counts["elapsed"]), server.cpu_seconds() - cpu_before)


def server_ceiling(urls: Path, server: proc.ServerProcess) -> CrawlRun:
    """The lightest client at the crawlers' concurrency: the most pages/s this server can give."""
    cpu_before = server.cpu_seconds()
    cmd = [proc.PYTHON, "-m", "bench.load", str(urls), server.url, "--connections", str(CONCURRENCY)]
    measured = proc.run(cmd).check()
    counts = json.loads(measured.stdout)
    elapsed = float(counts["elapsed"])
    return CrawlRun(measured, int(counts["pages"]), elapsed, server.cpu_seconds() - cpu_before, timed_seconds=elapsed)


def _row(label: str, run: CrawlRun, requests: str) -> list[str]:
    m = run.measured
    return [
        label, str(run.pages), requests, f"{m.wall:.1f}", f"{run.pages_per_second:.0f}",
        f"{m.cpu:.1f}", f"{run.server_cpu:.1f} ({run.server_cpu / m.wall:.0%})",
    ]


def bench_crawl(sites: int) -> Section:
    web = write_web(sites)
    with tempfile.TemporaryDirectory(prefix="ketadir-bench-crawl-") as tmp, proc.ServerProcess(web.root) as server:
        folder = Path(tmp)
        seeds, urls = write_lists(web, folder)
        ceiling = server_ceiling(urls, server)
        bares, ketadirs = [], []
        for turn in range(RUNS):
            bares.append(bare_crawl(urls, server))
            ketadirs.append(ketadir_crawl(folder / f"data-{turn}", seeds, server))
        bare = min(bares, key=lambda run: run.measured.wall)
        ketadir = min(ketadirs, key=lambda run: run.measured.wall)
    for run in ketadirs:
        if run.pages != web.pages:
            raise RuntimeError(f"ketadir stored {run.pages} pages of {web.pages}")
    ratio = ketadir.pages_per_second / bare.pages_per_second
    section = Section(
        f"Crawl: {sites} sites, {web.pages} pages ({web.bytes / 1e6:.0f} MB of HTML)",
        ["run", "pages", "requests", "wall s", "pages/s", "client CPU s", "server CPU s (of wall)"],
    )
    section.rows = [
        _row("server ceiling (asyncio client)*", ceiling, f"{web.pages}"),
        _row(f"bare Scrapy spider (floor, best of {RUNS})", bare, f"{web.pages} + robots.txt"),
        _row(f"`ketadir crawl` (best of {RUNS}, a fresh data dir each)", ketadir, f"{web.pages} + robots.txt + sitemap.xml"),
    ]
    rest = ketadir.measured.wall - ketadir.engine_seconds
    section.notes = [
        f"ketadir / bare pages/s: **{ratio:.2f}x** (goal >= {GOAL}). Crawlers' pages/s are over their whole wall "
        "time, start-up included; *the ceilings' over the client's own fetching time.",
        f"Concurrency {CONCURRENCY} requests, {PER_DOMAIN} per domain, DOWNLOAD_DELAY=0, AutoThrottle off, for both; "
        f"the two crawlers ran in turns, {RUNS} runs each, and each one's fastest run is shown: "
        f"bare {', '.join(f'{r.measured.wall:.1f}' for r in bares)} s, "
        f"ketadir {', '.join(f'{r.measured.wall:.1f}' for r in ketadirs)} s.",
        f"ketadir's Scrapy engine ran {ketadir.engine_seconds:.1f} s: fetch and store in the child; parse, and "
        "contacts + classification of each site as soon as it is finished, in its worker processes. The other "
        f"{rest:.1f} s are process start-up, deciding any site left over, and indexing in the CLI.",
        f"Bare spider engine time {bare.engine_seconds:.1f} s of {bare.measured.wall:.1f} s wall. The server gives "
        f"up to {ceiling.pages_per_second:.0f} pages/s, so the bare spider, at "
        f"{bare.pages_per_second / ceiling.pages_per_second:.0%} of that, is bound by its own CPU, not by the server "
        "(crawler.demo.server, in a process of its own).",
    ]
    section.targets = [Target("crawl: ketadir / bare Scrapy pages/s", ratio, GOAL)]
    return section
