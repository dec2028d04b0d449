"""Memory: peak RSS of a crawl ten times larger must stay flat, not grow with the crawl.

Two `ketadir crawl` runs of the synthetic web, one with ten times the pages of the other;
the peak RSS (VmHWM) of the CLI, its Scrapy child and the parse workers is read from /proc while
each runs. The larger crawl's throughput is reported too: it is the crawl at full scale.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import proc
from bench.crawl import CrawlRun, ketadir_crawl, write_lists
from bench.report import Section, Target
from bench.synthweb import write_web

GOAL = 1.3
PARENT, CHILD, WORKER = "bin/ketadir", "crawler.crawl.run", "spawn_main"  # markers in each process's command line


def crawl_once(sites: int) -> tuple[CrawlRun, float]:
    """One crawl of a fresh data dir; returns the run and the store's size in MB."""
    web = write_web(sites)
    with tempfile.TemporaryDirectory(prefix="ketadir-bench-memory-") as tmp, proc.ServerProcess(web.root) as server:
        seeds, _ = write_lists(web, Path(tmp))
        run = ketadir_crawl(Path(tmp) / "data", seeds, server)
        store_mb = sum(f.stat().st_size for f in (Path(tmp) / "data").glob("ketadir.db*")) / 1e6
    return run, store_mb


def bench_memory(small_sites: int, large_sites: int) -> Section:
    small, small_store = crawl_once(small_sites)
    large, large_store = crawl_once(large_sites)
    section = Section(
        f"Memory: peak RSS of a {large.pages:,}-page crawl vs a {small.pages:,}-page crawl",
        ["process", f"{small.pages:,} pages (MB)", f"{large.pages:,} pages (MB)", "ratio"],
    )
    processes = {
        PARENT: ("CLI (parent: indexes sites as they are decided, decides any left over)", "memory: CLI peak RSS, 10x pages"),
        CHILD: ("Scrapy child (fetch, store)", "memory: Scrapy child peak RSS, 10x pages"),
        WORKER: ("worker processes (parse and decide in the child, refresh in the CLI), largest", "memory: worker peak RSS, 10x pages"),
    }
    for marker, (label, target) in processes.items():
        a, b = small.measured.peak_of(marker), large.measured.peak_of(marker)
        if not a:
            continue  # no such process in this version of the crawl
        section.rows.append([label, f"{a:.0f}", f"{b:.0f}", f"{b / a:.2f}x"])
        section.targets.append(Target(target, b / a, GOAL, at_most=True))
    disk = ["SQLite store on disk", f"{small_store:.0f}", f"{large_store:.0f}", f"{large_store / small_store:.1f}x"]
    section.rows.append(disk)
    for label, run in (("small", small), ("large", large)):
        section.notes.append(
            f"{label} crawl: {run.pages:,} pages in {run.measured.wall:.0f} s ({run.pages_per_second:.0f} pages/s), "
            f"Scrapy engine {run.engine_seconds:.0f} s, CPU {run.measured.cpu:.0f} s."
        )
    return section
