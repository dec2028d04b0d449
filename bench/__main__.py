"""`python -m bench [--quick] [--only crawl,parse,index,cli,memory]`: run, print, write RESULTS.md.

The full suite's sizes (1,000-site web, 2k/20k/100k clinics, 2k vs 20k-page crawls) fit in
well under 30 minutes on 2 cores; --quick runs the same code on small sizes in about three
minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Callable

from bench.report import Section, code_version, write_results


@dataclass(frozen=True)
class Sizes:
    crawl_sites: int
    parse_sample_sites: int
    index_sizes: tuple[int, ...]
    query_rounds: int
    cli_runs: int
    memory_sites: tuple[int, int]


FULL = Sizes(1000, 200, (2_000, 20_000, 100_000), 3, 21, (250, 2500))
QUICK = Sizes(50, 30, (2_000, 20_000), 2, 11, (25, 250))


def benchmarks(sizes: Sizes) -> dict[str, Callable[[], Section]]:
    """Imported lazily so `--only cli` does not pay for Scrapy."""

    def crawl() -> Section:
        from bench.crawl import bench_crawl

        return bench_crawl(sizes.crawl_sites)

    def parse() -> Section:
        from bench.parse import bench_parse

        return bench_parse(sizes.crawl_sites, sizes.parse_sample_sites)

    def index() -> Section:
        from bench.index import bench_index

        return bench_index(list(sizes.index_sizes), sizes.query_rounds)

    def cli() -> Section:
        from bench.cli import bench_cli

        return bench_cli(sizes.cli_runs)

    def memory() -> Section:
        from bench.memory import bench_memory

        return bench_memory(*sizes.memory_sites)

    return {"crawl": crawl, "parse": parse, "index": index, "cli": cli, "memory": memory}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, about three minutes")
    parser.add_argument("--only", default="", help="comma-separated: crawl,parse,index,cli,memory")
    args = parser.parse_args(argv)
    available = benchmarks(QUICK if args.quick else FULL)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(available)
    unknown = [name for name in chosen if name not in available]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(available)}")
    started = time.perf_counter()
    code = code_version()
    sections = []
    for name in chosen:
        begun = time.perf_counter()
        print(f"[bench] {name}...", file=sys.stderr, flush=True)
        sections.append(available[name]())
        print(f"[bench] {name} done in {time.perf_counter() - begun:.0f} s", file=sys.stderr, flush=True)
    command = " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])])
    print(write_results(command, sections, time.perf_counter() - started, code))
    print("Written to bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
