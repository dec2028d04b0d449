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
from typing import Any, Callable


def _comments(size: int) -> str:
    return "<html><body>" + "<!--" * (size // 4) + "</body></html>"


def _bare_anchors(size: int) -> str:
    return "<html><body>" + "<a " * (size // 3) + "</body></html>"


def _empty_tel_links(size: int) -> bytes:
    link = '<a href="tel:"></a>'
    return ("<html><body><p>" + link * (size // len(link)) + "</p></body></html>").encode()


def _one_line_of_addresses(size: int) -> bytes:
    address = "Suite 1, 12 Main St, Austin, TX 78701 (512) 555-0100 · "
    return ("<html><body><p>" + address * (size // len(address)) + "</p></body></html>").encode()


def _one_line_of_places(size: int) -> bytes:
    place = "Visit Austin, TX - "
    return ("<html><body><p>" + place * (size // len(place)) + "</p></body></html>").encode()


def _one_wide_item(size: int) -> bytes:
    part = "<span><b>x</b></span>"
    body = part * (size // len(part))
    return f'<html><body><div itemscope itemtype="https://schema.org/Thing">{body}</div></body></html>'.encode()


def _one_long_word(size: int) -> str:
    return "x" * size


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
    from index.search import QueryError, query_from, search

    def run(text: str) -> None:
        try:
            search(index_dir, query_from(text))
        except QueryError:  # refused as too long: the answer `ketadir search` gives at once
            pass

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


KB = 1024
MB = 1024 * KB
# The sizes the quadratic code was timed at before it was made linear, and (--large) the
# sizes of the pages and query that stalled a crawl or a search for minutes to hours.
SMALL = {
    "links": [30 * KB, 60 * KB, 120 * KB, 240 * KB],
    "tel": [20 * KB, 40 * KB, 80 * KB, 160 * KB],
    "line": [32 * KB, 64 * KB, 128 * KB, 256 * KB],
    "items": [32 * KB, 64 * KB, 128 * KB, 256 * KB],
    "query": [12 * KB, 25 * KB, 50 * KB, 100 * KB],
}
LARGE = {
    "links": [640 * KB, 1280 * KB, 2560 * KB, 5 * MB],
    "tel": [80 * KB, 160 * KB, 320 * KB, 640 * KB],  # 640 KB: 30,000 empty tel: links
    "line": [512 * KB, 1 * MB, 2 * MB, 4 * MB],
    "items": [512 * KB, 1 * MB, 2 * MB, 4 * MB],
    "query": [12 * KB, 25 * KB, 50 * KB, 100 * KB],
}


def cases(index_dir: Path, sizes: dict[str, list[int]]) -> list[tuple[str, Callable[[int], Any], Callable[[Any], None], list[int]]]:
    """(name, make input of about this many bytes, the work, sizes)."""
    search = _search_words(index_dir)
    return [
        ("page_links: <!-- repeated", _comments, _page_links, sizes["links"]),
        ("page_links: bare <a repeated", _bare_anchors, _page_links, sizes["links"]),
        ("parse: empty tel: links", _empty_tel_links, _parse, sizes["tel"]),
        ("parse: one microdata item of many parts", _one_wide_item, _parse, sizes["items"]),
        ("parse+contacts: one line of addresses and phones", _one_line_of_addresses, _parse_and_contacts, sizes["line"]),
        ("parse+contacts: one line of 'City, ST -'", _one_line_of_places, _parse_and_contacts, sizes["line"]),
        ("search: one long word", _one_long_word, search, sizes["query"]),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    parser.add_argument("--large", action="store_true", help="the sizes that stalled a crawl (minutes to hours before)")
    parser.add_argument("--only", default="", help="run the cases whose name holds this text")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = _index_of_one_clinic(Path(tmp) / "index")
        print("| input | " + " | ".join(f"size x{2 ** i}" for i in range(4)) + " | last / first |")
        print("|---|---|---|---|---|---|")
        for name, make, work, sizes in cases(index_dir, LARGE if args.large else SMALL):
            if args.only not in name:
                continue
            cells = []
            seconds = []
            for size in sizes:
                data = make(size)
                took = _timed(lambda: work(data))
                seconds.append(took)
                cells.append(f"{size // 1024} KB: {took:.3f} s")
            growth = seconds[-1] / seconds[0] if seconds[0] > 0 else float("nan")
            print(f"| {name} | " + " | ".join(cells) + f" | {growth:.1f}x |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
