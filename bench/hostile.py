"""`python -m bench.hostile`: seconds per hostile page as it grows, to show each scan is linear.

One hostile page must not stall a crawl, so each scan a page goes through (the crawl's link
scan, the parse, contact extraction) and a search query a user types are timed on generated
adversarial inputs of doubling size. Linear work doubles with the input; quadratic work
quadruples. Figures are CPU seconds of this process; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Callable


def _comments(size: int) -> str:
    return "<html><body>" + "<!--" * (size // 4) + "</body></html>"


def _bare_anchors(size: int) -> str:
    return "<html><body>" + "<a " * (size // 3) + "</body></html>"


def _empty_tel_links(size: int) -> bytes:
    link = '<a href="tel:"></a>'
    return ("<html><body><p>" + link * (size // len(link)) + "</p></body></html>").encode()


def _one_line_of_addresses(size: int) -> bytes:
    address = "Suite 1, 12 Main St, Austin, TX 78701 · "
    return ("<html><body><p>" + address * (size // len(address)) + "</p></body></html>").encode()


def _page_links(html: str) -> None:
    from crawler.extract.parse import page_links

    page_links(html)


def _parse(body: bytes) -> None:
    from crawler.extract.parse import parse_fetched

    parse_fetched(body, "utf-8", "http://hostile.test/")


def _parse_and_contacts(body: bytes) -> None:
    from crawler.extract.contacts import extract_contacts
    from crawler.extract.parse import parse_fetched

    extract_contacts([parse_fetched(body, "utf-8", "http://hostile.test/")], "hostile.test")


def _search_words(index_dir: Path) -> Callable[[str], None]:
    from index.search import query_from, search

    def run(text: str) -> None:
        search(index_dir, query_from(text))

    return run


def _index_of_one_clinic(where: Path) -> Path:
    from crawler.items import Clinic
    from index.writer import index_writer

    with index_writer(where) as writer:
        writer.upsert(Clinic(site="a.test", website="http://a.test/", name="A Ketamine Clinic", modality="kap", confidence=0.9))
    return where


def _timed(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def cases(index_dir: Path) -> list[tuple[str, Callable[[int], object], Callable[[object], None], list[int]]]:
    """(name, make input of about this many bytes, the work, sizes)."""
    search = _search_words(index_dir)
    kb = 1024
    return [
        ("page_links: <!-- repeated", _comments, _page_links, [30 * kb, 60 * kb, 120 * kb, 240 * kb]),
        ("page_links: bare <a repeated", _bare_anchors, _page_links, [30 * kb, 60 * kb, 120 * kb, 240 * kb]),
        ("parse: empty tel: links", _empty_tel_links, _parse, [20 * kb, 40 * kb, 80 * kb, 160 * kb]),
        ("parse+contacts: one line of addresses", _one_line_of_addresses, _parse_and_contacts,
         [128 * kb, 256 * kb, 512 * kb, 1024 * kb]),
        ("search: query of repeated words", lambda size: "ketamine clinic " * (size // 16), search,
         [6 * kb, 12 * kb, 25 * kb, 50 * kb]),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    parser.add_argument("--scale", type=int, default=1, help="multiply every size by this")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = _index_of_one_clinic(Path(tmp) / "index")
        print("| input | " + " | ".join(f"size x{2 ** i}" for i in range(4)) + " | last / first |")
        print("|---|---|---|---|---|---|")
        for name, make, work, sizes in cases(index_dir):
            cells = []
            seconds = []
            for size in sizes:
                data = make(size * args.scale)
                took = _timed(lambda: work(data))
                seconds.append(took)
                cells.append(f"{size * args.scale // 1024} KB: {took:.3f} s")
            growth = seconds[-1] / seconds[0] if seconds[0] > 0 else float("nan")
            print(f"| {name} | " + " | ".join(cells) + f" | {growth:.1f}x |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
